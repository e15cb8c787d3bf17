#include "net/sync_client.hpp"

#include <memory>

#include "core/log/log.hpp"
#include "net/asio.hpp"
#include "net/dialer.hpp"
#include "net/peer_manager.hpp"

namespace tumar::net {
namespace {

// What the dialler can tell from how the session ended, in words for the user.
Error explain(const SyncTarget& target, const session::Closure& closure, bool was_open) {
  const std::string who = target.address.to_string();
  switch (closure.reason) {
    case session::CloseReason::kNotAdmitted:
      return Error(Errc::kRefused, who + " proved a different identity than the one recorded for it; nothing was "
                                         "sent. If its key really changed, remove and re-add the peer.");
    case session::CloseReason::kPeerGoodbye:
      return Error(Errc::kRefused, who + " closed the connection before the round finished (its node may be stopping).");
    case session::CloseReason::kPeerClosed:
      if (was_open) {
        return Error(Errc::kRefused, who + " closed the connection after the handshake: it does not have you on "
                                           "its allow list. Ask its owner to run `tumar peer add` with your "
                                           "identity key (`tumar whoami`).");
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

asio::awaitable<void> sync_one(asio::io_context& io, PeerManager& manager, const identity::LocalIdentity& me,
                               const SyncOptions& options, crypto::RandomSource& rng, SyncOutcome& outcome) {
  auto socket = co_await dial(io, outcome.target.address, options.dial_timeout);
  if (!socket) {
    outcome.result = tl::unexpected(socket.error());
    co_return;
  }
  std::uint64_t nonce = 0;
  rng.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&nonce), sizeof nonce));
  auto round = std::make_shared<session::SyncRound>(nonce);
  auto accept_pinned = [](const identity::VerifiedIdentity&,
                          const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
    return {};  // a pinned key is enforced by the handshake itself, before message 3
  };
  auto session = session::PeerSession::initiator(me, outcome.target.identity_key, std::nullopt, accept_pinned,
                                                 options.limits, session::Clock::now());
  Connection::Events events;
  events.admitted = [&outcome, round](Connection& c, const identity::PublicIdentity& who) {
    outcome.peer = who;
    c.send(round->opening(session::Clock::now()));
  };
  events.message = [&outcome, round](Connection& c, proto::WireMessage message) {
    auto done = round->on_message(session::Clock::now(), message);
    if (!done) {
      outcome.result = fail(Errc::kProtocol, outcome.target.address.to_string() + ": " + done.error().message());
      c.close("Sync round failed.");
    } else if (*done) {
      outcome.result = round->report();
      c.close("Sync round complete.");
    }
  };
  events.closed = [&outcome, round](Connection& c, const session::Closure& why) {
    if (!round->done() && why.reason != session::CloseReason::kLocal) {
      outcome.result = tl::unexpected(explain(outcome.target, why, c.session().peer().has_value()));
    }
  };
  manager.adopt(std::move(*socket), std::move(session), std::nullopt, std::move(events));
}

}  // namespace

std::vector<SyncOutcome> run_sync(const identity::LocalIdentity& me, const std::vector<SyncTarget>& targets,
                                  const SyncOptions& options, crypto::RandomSource& rng) {
  session::check_limits(options.limits);
  std::vector<SyncOutcome> outcomes;
  outcomes.reserve(targets.size());
  for (const auto& t : targets) {
    outcomes.push_back(
        SyncOutcome{t, std::nullopt, fail(Errc::kTimeout, t.address.to_string() + " did not finish the sync round.")});
  }

  session::ConnectionLimits limits;
  limits.max_connections = std::max<std::size_t>(1, targets.size());
  limits.max_per_address = limits.max_connections;
  PeerManager manager(limits, rng);
  {
    asio::io_context io(1);
    for (auto& outcome : outcomes) {
      asio::co_spawn(io, sync_one(io, manager, me, options, rng, outcome),
                     [](std::exception_ptr e) { log_coroutine_exit("sync", e); });
    }
    io.run();  // returns when every dial, session and timer is done
  }
  return outcomes;
}

}  // namespace tumar::net
