#pragma once
// The node's live connections: who is connected, the connection budget
// (total and per remote address), and closing them all when the node stops.
// Owned by the node's event loop; not thread-safe.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/crypto/random.hpp"
#include "core/session/connection_budget.hpp"
#include "core/session/peer_session.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"

namespace tumar::net {

struct ConnectionCounts {
  std::size_t accepted = 0;       // TCP connections taken on
  std::size_t over_budget = 0;    // turned away before any byte: node or address full
  std::size_t admitted = 0;       // handshake done and peer admitted
  std::size_t closed_by_limit_or_protocol = 0;
};

class PeerManager {
 public:
  PeerManager(const session::ConnectionLimits& limits, crypto::RandomSource& rng);

  // A slot for a connection from `address` (IP only), or nullopt when full.
  std::optional<session::Ticket> reserve(const std::string& address);

  // Starts `session` on `socket` and tracks it until it closes. `events`
  // are called in addition to the manager's own bookkeeping.
  std::shared_ptr<Connection> adopt(tcp::socket socket, session::PeerSession session,
                                    std::optional<session::Ticket> ticket, Connection::Events events = {});

  void close_all(const std::string& detail);
  void abort_all();

  std::size_t live() const noexcept { return live_.size(); }
  const ConnectionCounts& counts() const noexcept { return counts_; }

 private:
  session::ConnectionBudget budget_;
  crypto::RandomSource& rng_;
  std::set<std::shared_ptr<Connection>> live_;
  ConnectionCounts counts_;
};

}  // namespace tumar::net
