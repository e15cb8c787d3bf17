#pragma once
// Opening a TCP connection to HOST:PORT, bounded in time: resolving and
// connecting together must finish within `timeout`, or the attempt is
// abandoned (kUnreachable). The socket comes back bound to a fresh strand.

#include <chrono>

#include "core/peers/peer_address.hpp"
#include "net/asio.hpp"
#include "net/net_error.hpp"

namespace tumar::net {

asio::awaitable<Result<tcp::socket>> dial(asio::io_context& io, const peers::PeerAddress& address,
                                          std::chrono::milliseconds timeout);

}  // namespace tumar::net
