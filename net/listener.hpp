#pragma once
// Accepting TCP connections. Each accepted socket gets its own strand, a
// slot from the connection budget (or an immediate close, before a single
// byte is read: the cheapest refusal there is), and a responder session.

#include <functional>

#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include "net/asio.hpp"
#include "net/net_error.hpp"
#include "net/peer_manager.hpp"

namespace tumar::net {

using ResponderFactory = std::function<session::PeerSession(session::Instant now)>;

// Resolves `address` (a numeric address needs no lookup) and listens on the
// first endpoint that binds. kAddress with a sentence when none does.
Result<tcp::acceptor> open_listener(asio::io_context& io, const peers::PeerAddress& address);

// Runs until the acceptor is closed.
// `make_events` gives each connection the events of whoever runs its
// sessions (the node's sync service); it may be empty.
using EventsFactory = std::function<Connection::Events()>;
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, PeerManager& manager, ResponderFactory make_responder,
                                  EventsFactory make_events = {});

// "127.0.0.1:7000", "[::1]:7000".
std::string endpoint_string(const tcp::endpoint& endpoint);

}  // namespace tumar::net
