#include "net/sync_jobs.hpp"

#include <memory>

#include "core/log/log.hpp"
#include "core/sync/joining_replica.hpp"
#include "net/asio.hpp"
#include "net/dialer.hpp"
#include "net/peer_manager.hpp"
#include "net/sync_service.hpp"

namespace tumar::net {
namespace {

// What the dialler can tell from how the session ended, in words for the user.
// `admitted`: the node said something after the handshake, so it had let us
// in. A close after that is a lost connection (a cut, a crash, a node going
// away), not a refusal: the user should sync again, not chase the allow list.
Error explain(const SyncJob& job, const session::Closure& closure, bool was_open, bool admitted) {
  const std::string who = job.address.to_string();
  const std::string again =
      " What it acknowledged is stored on both sides; run `tumar sync` again to send the rest.";
  switch (closure.reason) {
    case session::CloseReason::kNotAdmitted:
      // A joiner also closes before message 3 when the node runs a profile
      // of the other kind (demo or real); the handshake's sentence says which.
      if (job.invite) return Error(Errc::kRefused, who + ": " + closure.detail);
      return Error(Errc::kRefused, who + " proved a different identity than the one recorded for it; nothing was "
                                         "sent. If its key really changed, remove and re-add the peer.");
    case session::CloseReason::kPeerGoodbye:
      // A Goodbye comes encrypted, so only from a node that let us in.
      return Error(Errc::kUnreachable, who + " closed the connection before the sync finished (its node may be "
                                             "stopping)." + again);
    case session::CloseReason::kPeerClosed:
      if (admitted) return Error(Errc::kUnreachable, "The connection to " + who + " was lost during the sync." + again);
      if (was_open && job.invite) {
        return Error(Errc::kRefused, who + " refused the invite: it was already used, has expired, or was "
                                           "withdrawn. Ask for a new invite.");
      }
      // The node decides after our message 3 and turns us away without a
      // word; a connection cut at that very moment looks the same.
      if (was_open) {
        return Error(Errc::kRefused, who + " closed the connection after the handshake: you are not a member of "
                                           "any network it is in (you may have been removed), and not on its "
                                           "allow list.");
      }
      return Error(Errc::kRefused, who + " closed the connection during the handshake.");
    case session::CloseReason::kHandshakeTimeout:
    case session::CloseReason::kIdleTimeout:
      return Error(Errc::kTimeout, who + " stopped answering.");
    case session::CloseReason::kProtocol:
    case session::CloseReason::kLimit:
      return Error(Errc::kProtocol, who + " broke the protocol: " + closure.detail);
    case session::CloseReason::kLocal:
      break;
  }
  return Error(Errc::kProtocol, who + ": " + closure.detail);
}

struct JobState {
  SyncJob job;
  SyncJobOutcome outcome;
  std::unique_ptr<sync::JoiningReplica> joining;
  std::optional<sync::SyncSession> session;
  bool done = false;
  // The responder decides admission only after our message 3, so being
  // Open here does not yet mean we were let in: a Ping answered by the
  // matching Pong is the proof (without it, a refused sync with nothing to
  // exchange would look like success).
  std::uint64_t ping_nonce = 0;
  bool answered = false;
  bool heard = false;  // any message after the handshake: we were admitted
  session::Instant started{};
};

void report(const SyncJobOptions& options, const std::vector<std::unique_ptr<JobState>>& states) {
  if (!options.on_progress) return;
  sync::SyncProgress total;
  for (const auto& s : states) {
    if (!s->session) continue;
    const auto& p = s->session->progress();
    total.objects_received += p.objects_received;
    total.bytes_received += p.bytes_received;
    total.objects_sent += p.objects_sent;
    total.bytes_sent += p.bytes_sent;
    total.accepted += p.accepted;
    total.duplicates += p.duplicates;
    total.pending += p.pending;
    total.rejected += p.rejected;
  }
  options.on_progress(total);
}

asio::awaitable<void> run_job(asio::io_context& io, PeerManager& manager, const identity::LocalIdentity& me,
                              network::NetworkReplica& replica, const SyncJobOptions& options,
                              crypto::RandomSource& rng, JobState& state,
                              const std::vector<std::unique_ptr<JobState>>& all) {
  state.started = session::Clock::now();
  auto socket = co_await dial(io, state.job.address, options.dial_timeout);
  if (!socket) {
    state.outcome.result = tl::unexpected(socket.error());
    co_return;
  }
  sync::Replica* view = &replica;
  if (state.job.network) {
    state.joining = std::make_unique<sync::JoiningReplica>(replica, *state.job.network);
    view = state.joining.get();
  }
  auto accept_pinned = [](const identity::VerifiedIdentity&,
                          const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
    return {};  // a pinned key is enforced by the handshake itself, before message 3
  };
  auto session = session::PeerSession::initiator(me, state.job.identity_key, std::move(state.job.invite),
                                                 accept_pinned, options.limits, session::Clock::now());
  Connection::Events events;
  auto finish = [&state](Connection& c) {
    state.done = true;
    state.outcome.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(session::Clock::now() - state.started);
    state.outcome.result = state.session->progress();
    c.close("Sync complete.");
  };
  auto handle = [&state, &options, &all, finish](Connection& c, core::Result<sync::SyncOutput> out) {
    if (!out) {
      state.outcome.result = fail(Errc::kProtocol, state.job.address.to_string() + ": " + out.error().message());
      c.close("Sync failed.");
      return;
    }
    for (auto& m : out->send) c.send(std::move(m));
    report(options, all);
    if (!state.done && state.answered && state.session->round_complete()) {
      if (options.after_round) {
        for (const auto& env : options.after_round(state.outcome)) {
          auto parsed = network::parse_envelope(env);
          if (!parsed) continue;
          auto msgs = state.session->push(parsed->network(), env);
          if (msgs) {
            for (auto& m : *msgs) c.send(std::move(m));
          }
        }
      }
      finish(c);
    }
  };
  rng.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&state.ping_nonce), sizeof state.ping_nonce));
  events.admitted = [&state, view, &options, handle](Connection& c, const identity::PublicIdentity& who) {
    state.outcome.peer = who;
    proto::WireMessage ping;
    ping.mutable_ping()->set_nonce(state.ping_nonce);
    c.send(std::move(ping));
    state.session.emplace(*view, who.identity_key, sync::Role::kInitiator, options.sync_limits);
    handle(c, state.session->start(session::Clock::now()));
  };
  events.message = [&state, handle](Connection& c, proto::WireMessage message) {
    state.heard = true;
    if (!state.session || state.done) return;
    if (message.has_pong()) {
      if (message.pong().nonce() == state.ping_nonce) state.answered = true;
      handle(c, sync::SyncOutput{});
      return;
    }
    handle(c, state.session->on_message(message, session::Clock::now(), unix_now_ms()));
  };
  events.closed = [&state](Connection& c, const session::Closure& why) {
    if (!state.done && why.reason != session::CloseReason::kLocal) {
      state.outcome.result = tl::unexpected(explain(state.job, why, c.session().peer().has_value(), state.heard));
    }
  };
  manager.adopt(std::move(*socket), std::move(session), std::nullopt, std::move(events));
}

}  // namespace

std::vector<SyncJobOutcome> run_sync_jobs(const identity::LocalIdentity& me, network::NetworkReplica& replica,
                                          std::vector<SyncJob> jobs, const SyncJobOptions& options,
                                          crypto::RandomSource& rng) {
  session::check_limits(options.limits);
  std::vector<std::unique_ptr<JobState>> states;
  for (auto& j : jobs) {
    auto s = std::make_unique<JobState>();
    s->outcome.address = j.address;
    s->outcome.result = fail(Errc::kTimeout, j.address.to_string() + " did not finish the sync.");
    s->job = std::move(j);
    states.push_back(std::move(s));
  }
  session::ConnectionLimits limits;
  limits.max_connections = std::max<std::size_t>(1, states.size());
  limits.max_per_address = limits.max_connections;
  PeerManager manager(limits, rng);
  {
    asio::io_context io(1);
    for (auto& s : states) {
      asio::co_spawn(io, run_job(io, manager, me, replica, options, rng, *s, states),
                     [](std::exception_ptr e) { log_coroutine_exit("sync", e); });
    }
    io.run();  // returns when every dial, session and timer is done
  }
  std::vector<SyncJobOutcome> out;
  for (auto& s : states) {
    if (s->session) s->outcome.progress = s->session->progress();
    out.push_back(std::move(s->outcome));
  }
  return out;
}

}  // namespace tumar::net
