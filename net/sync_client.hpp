#pragma once
// `tumar sync`: dial each target, run one sync round with it, report. All
// targets are tried at once; one that cannot be reached does not hold up
// the others beyond the dial timeout.

#include <chrono>
#include <optional>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include "core/session/sync_round.hpp"
#include "net/net_error.hpp"

namespace tumar::net {

struct SyncTarget {
  peers::PeerAddress address;
  // Pinned identity (the responder must prove it before we reveal ours).
  // nullopt: trust on first use; the outcome says who answered.
  std::optional<identity::IdentityKey> identity_key;
};

struct SyncOutcome {
  SyncTarget target;
  std::optional<identity::PublicIdentity> peer;  // who proved to be there, if anyone
  Result<session::SyncReport> result = fail(Errc::kUnreachable, "not tried");
};

struct SyncOptions {
  std::chrono::milliseconds dial_timeout{10'000};
  session::SessionLimits limits;
  SyncOptions() { limits.idle_timeout = std::chrono::milliseconds(10'000); }
};

std::vector<SyncOutcome> run_sync(const identity::LocalIdentity& me, const std::vector<SyncTarget>& targets,
                                  const SyncOptions& options, crypto::RandomSource& rng);

}  // namespace tumar::net
