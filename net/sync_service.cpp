#include "net/sync_service.hpp"

#include <chrono>

#include "core/log/log.hpp"
#include "core/network/envelope.hpp"
#include "core/peers/peer_store.hpp"
#include "net/dialer.hpp"

namespace tumar::net {

std::uint64_t unix_now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

SyncService::SyncService(asio::io_context& io, network::NetworkReplica& replica, PeerManager& peers,
                         const identity::LocalIdentity& me, crypto::RandomSource& rng, SyncServiceOptions options)
    : io_(io),
      replica_(replica),
      peers_(peers),
      me_(me),
      rng_(rng),
      options_(std::move(options)),
      poll_timer_(io),
      tick_timer_(io),
      redial_timer_(io) {
  sync::check_limits(options_.limits);
}

Connection::Events SyncService::events(sync::Role role) {
  Connection::Events e;
  e.admitted = [this, role](Connection& c, const identity::PublicIdentity& who) { on_admitted(c, who, role); };
  e.message = [this](Connection& c, proto::WireMessage m) { on_message(c, m); };
  e.closed = [this](Connection& c, const session::Closure&) { on_closed(c); };
  return e;
}

void SyncService::start() {
  auto last = replica_.store().last_rowid();
  last_rowid_ = last ? *last : 0;
  arm_poll();
  arm_tick();
  redial();
  arm_redial();
}

void SyncService::stop() {
  stopped_ = true;
  poll_timer_.cancel();
  tick_timer_.cancel();
  redial_timer_.cancel();
}

void SyncService::on_admitted(Connection& c, const identity::PublicIdentity& who, sync::Role role) {
  ++counts_.sessions;
  Live live;
  live.connection = c.weak_from_this();
  live.peer = who.identity_key;
  live.session.emplace(replica_, who.identity_key, role, options_.limits);
  auto [it, inserted] = live_.insert_or_assign(&c, std::move(live));
  (void)inserted;
  deliver(c, it->second.session->start(session::Clock::now()));
}

void SyncService::on_message(Connection& c, const proto::WireMessage& m) {
  auto it = live_.find(&c);
  if (it == live_.end() || !it->second.session) return;
  deliver(c, it->second.session->on_message(m, session::Clock::now(), unix_now_ms()));
}

void SyncService::on_closed(Connection& c) {
  auto it = live_.find(&c);
  if (it == live_.end()) return;
  if (it->second.session) {
    const auto& p = it->second.session->progress();
    counts_.objects_received += p.objects_received;
    counts_.objects_accepted += p.accepted;
    counts_.objects_rejected += p.rejected;
  }
  live_.erase(it);
}

void SyncService::deliver(Connection& c, core::Result<sync::SyncOutput> out) {
  if (!out) {
    // The peer broke the sync protocol (or our store failed): the reason
    // goes to the debug log only, the peer just sees the connection close.
    log::debug(c.remote() + ": sync failed: " + out.error().message());
    c.close("Sync failed.");
    return;
  }
  for (auto& m : out->send) c.send(std::move(m));
  if (!out->accepted.empty()) {
    std::vector<std::vector<std::uint8_t>> fresh;
    fresh.reserve(out->accepted.size());
    for (auto& o : out->accepted) fresh.push_back(std::move(o.envelope));
    flood(fresh, &c);
  }
}

void SyncService::flood(const std::vector<std::vector<std::uint8_t>>& envelopes, const Connection* except) {
  for (const auto& env : envelopes) {
    auto parsed = network::parse_envelope(env);
    if (!parsed) continue;
    for (auto& [conn, live] : live_) {
      if (conn == except || !live.session) continue;
      auto c = live.connection.lock();
      if (!c || c->closed()) continue;
      auto msgs = live.session->push(parsed->network(), env);
      if (!msgs) {
        c->close("Sync failed.");
        continue;
      }
      if (!msgs->empty()) ++counts_.objects_pushed;
      for (auto& m : *msgs) c->send(std::move(m));
    }
  }
}

void SyncService::arm_poll() {
  poll_timer_.expires_after(options_.local_poll_interval);
  poll_timer_.async_wait([this](const error_code& ec) {
    if (ec || stopped_) return;
    poll_local();
    arm_poll();
  });
}

void SyncService::poll_local() {
  // Objects other processes (`tumar note add` ...) stored since last time.
  // Ones this node received from peers show up here too; the sessions'
  // de-duplication keeps them from being sent twice to the same peer.
  while (true) {
    auto fresh = replica_.store().envelopes_after(last_rowid_, 256);
    if (!fresh) {
      log::warn("Reading new objects failed: " + fresh.error().message());
      return;
    }
    if (fresh->empty()) return;
    std::vector<std::vector<std::uint8_t>> envs;
    for (auto& [rowid, env] : *fresh) {
      last_rowid_ = std::max(last_rowid_, rowid);
      envs.push_back(std::move(env));
    }
    flood(envs);
    if (fresh->size() < 256) return;
  }
}

void SyncService::arm_tick() {
  tick_timer_.expires_after(options_.tick_interval);
  tick_timer_.async_wait([this](const error_code& ec) {
    if (ec || stopped_) return;
    const auto now = session::Clock::now();
    std::vector<std::pair<std::shared_ptr<Connection>, core::Result<sync::SyncOutput>>> due;
    for (auto& [conn, live] : live_) {
      if (!live.session) continue;
      auto d = live.session->deadline();
      if (!d || *d > now) continue;
      if (auto c = live.connection.lock()) due.emplace_back(c, live.session->on_tick(now));
    }
    for (auto& [c, out] : due) deliver(*c, std::move(out));
    arm_tick();
  });
}

void SyncService::arm_redial() {
  redial_timer_.expires_after(options_.redial_interval);
  redial_timer_.async_wait([this](const error_code& ec) {
    if (ec || stopped_) return;
    redial();
    arm_redial();
  });
}

void SyncService::redial() {
  // Keep a connection to every peer this profile knows by address (those it
  // joined through, and `tumar peer add`): that is how a chain of nodes,
  // each knowing only its neighbour, stays one connected network.
  peers::PeerStore store(replica_.store().database());
  auto known = store.list();
  if (!known) return;
  for (const auto& p : *known) {
    const std::string where = p.address.to_string();
    if (dialling_.count(where)) continue;
    bool connected = false;
    for (const auto& [conn, live] : live_) {
      if (p.identity_key && live.peer == *p.identity_key) connected = true;
    }
    if (connected) continue;
    dialling_.insert(where);
    asio::co_spawn(
        io_,
        [this, target = p]() -> asio::awaitable<void> {
          const std::string address = target.address.to_string();
          auto socket = co_await dial(io_, target.address, options_.dial_timeout);
          if (stopped_) co_return;
          if (!socket) {
            dialling_.erase(address);
            log::debug(address + ": " + socket.error().message());
            co_return;
          }
          auto accept_pinned = [](const identity::VerifiedIdentity&,
                                  const std::optional<noise::PresentedInvite>&) -> core::Result<void> { return {}; };
          auto session = session::PeerSession::initiator(me_, target.identity_key, std::nullopt, accept_pinned,
                                                         options_.session_limits, session::Clock::now());
          auto events = this->events(sync::Role::kInitiator);
          auto closed = std::move(events.closed);
          events.closed = [this, address, closed](Connection& c, const session::Closure& why) {
            dialling_.erase(address);
            if (closed) closed(c, why);
          };
          peers_.adopt(std::move(*socket), std::move(session), std::nullopt, std::move(events));
        },
        [](std::exception_ptr e) { log_coroutine_exit("dial", e); });
  }
}

}  // namespace tumar::net
