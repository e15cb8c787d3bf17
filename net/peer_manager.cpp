#include "net/peer_manager.hpp"

#include <vector>

#include "core/log/log.hpp"

namespace tumar::net {

PeerManager::PeerManager(const session::ConnectionLimits& limits, crypto::RandomSource& rng)
    : budget_(limits), rng_(rng) {}

std::optional<session::Ticket> PeerManager::reserve(const std::string& address) {
  auto ticket = budget_.try_acquire(address);
  if (!ticket) ++counts_.over_budget;
  return ticket;
}

std::shared_ptr<Connection> PeerManager::adopt(tcp::socket socket, session::PeerSession session,
                                               std::optional<session::Ticket> ticket, Connection::Events events) {
  Connection::Events wrapped;
  wrapped.admitted = [this, inner = events.admitted](Connection& c, const identity::PublicIdentity& who) {
    ++counts_.admitted;
    // The fingerprint costs 5200 hashes: only build the line if it is wanted.
    if (log::enabled(log::Level::kDebug)) {
      log::debug(c.remote() + ": handshake complete; admitted " + identity::fingerprint(who.identity_key) + ".");
    }
    if (inner) inner(c, who);
  };
  wrapped.message = std::move(events.message);
  wrapped.closed = [this, inner = events.closed](Connection& c, const session::Closure& why) {
    if (why.reason == session::CloseReason::kProtocol || why.reason == session::CloseReason::kLimit ||
        why.reason == session::CloseReason::kNotAdmitted || why.reason == session::CloseReason::kHandshakeTimeout) {
      ++counts_.closed_by_limit_or_protocol;
    }
    if (inner) inner(c, why);
    live_.erase(c.shared_from_this());
  };
  ++counts_.accepted;
  auto connection = Connection::create(std::move(socket), std::move(session), std::move(ticket), std::move(wrapped), rng_);
  if (log::enabled(log::Level::kDebug)) {
    log::debug(connection->remote() + ": " +
               (connection->session().role() == session::Role::kInitiator ? "dialled" : "accepted") +
               "; handshake started.");
  }
  live_.insert(connection);
  connection->start();
  return connection;
}

void PeerManager::close_all(const std::string& detail) {
  std::vector<std::shared_ptr<Connection>> all(live_.begin(), live_.end());
  for (auto& c : all) c->close(detail);
}

void PeerManager::abort_all() {
  std::vector<std::shared_ptr<Connection>> all(live_.begin(), live_.end());
  for (auto& c : all) c->abort();
}

}  // namespace tumar::net
