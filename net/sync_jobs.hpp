#pragma once
// `tumar sync` and `tumar join`: dial each target, run one sync round with
// it (a sync::SyncSession as the initiator), report. All targets are tried
// at once; one that cannot be reached does not hold up the others beyond
// the dial timeout.

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"
#include "core/network/replica.hpp"
#include "core/noise/tumar_handshake.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include "core/sync/sync_session.hpp"
#include "net/net_error.hpp"

namespace tumar::net {

struct SyncJob {
  peers::PeerAddress address;
  // Pinned identity (the responder must prove it before we reveal ours).
  // nullopt: trust on first use; the outcome says who answered.
  std::optional<identity::IdentityKey> identity_key;
  // Joining: the invite to present in the handshake, and the network to
  // sync although our directory does not list us (or the peer) in it yet.
  std::optional<noise::InviteCredential> invite;
  std::optional<network::NetworkId> network;
};

struct SyncJobOutcome {
  peers::PeerAddress address;
  std::optional<identity::PublicIdentity> peer;  // who proved to be there, if anyone
  Result<sync::SyncProgress> result = fail(Errc::kUnreachable, "not tried");
  // What moved before the session ended, whether or not it succeeded: a
  // sync cut off halfway still tells the user what the peer acknowledged.
  sync::SyncProgress progress;
  std::chrono::milliseconds elapsed{0};
};

struct SyncJobOptions {
  std::chrono::milliseconds dial_timeout{10'000};
  session::SessionLimits limits;
  sync::SyncLimits sync_limits;
  // Called on the loop thread after each message, with the totals so far.
  std::function<void(const sync::SyncProgress&)> on_progress;
  // Called once a round completed, before the Goodbye: envelopes returned
  // are pushed to that peer first (`join` publishes the newcomer's profile).
  std::function<std::vector<std::vector<std::uint8_t>>(const SyncJobOutcome&)> after_round;
  SyncJobOptions() { limits.idle_timeout = std::chrono::milliseconds(30'000); }
};

std::vector<SyncJobOutcome> run_sync_jobs(const identity::LocalIdentity& me, network::NetworkReplica& replica,
                                          std::vector<SyncJob> jobs, const SyncJobOptions& options,
                                          crypto::RandomSource& rng);

}  // namespace tumar::net
