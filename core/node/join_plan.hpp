#pragma once
// `tumar join CODE`, before and after the engine runs its job: whether this
// profile may use the code at all, what is recorded so that the job can run
// (the network's id, the inviter as a pinned peer), and afterwards either
// the network kept or every trace of the attempt taken back.

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/invite/invite_code.hpp"
#include "core/node/sync_job.hpp"

namespace tumar::network {
class NetworkReplica;
}

namespace tumar::node {

struct JoinPlan {
  SyncJob job;  // for EngineOptions::jobs (holds a copy of the invite secret)
  invite::NetworkId network{};
  peers::PeerAddress inviter_address;
  bool added_peer = false;  // the inviter was not on the allow list before
  bool profile_is_demo = false;
};

struct Joined {
  std::string name;
  std::size_t members = 0;
  std::size_t notes = 0;
};

// kRefused for a code past its expiry: checked before anything else (the
// profile need not even be unlocked to say so).
[[nodiscard]] core::Result<void> check_not_expired(const invite::InviteCode& code, std::uint64_t now_ms);

// Refuses (nothing written, the invite unused) an expired code, our own
// code, a code for a network of the other kind (SECURITY.md, "The trainer's
// demo"), or a network we are a member of; otherwise records the network
// and the inviter's address pinned to its key, and returns the job.
[[nodiscard]] core::Result<JoinPlan> plan_join(network::NetworkReplica& replica, const identity::LocalIdentity& me,
                                               const invite::InviteCode& code, std::string display_name,
                                               std::uint64_t now_ms);

// The job failed: a failed join leaves no trace (the network row and the
// inviter's peer row go, unless something of the network arrived).
void abandon_join(network::NetworkReplica& replica, const JoinPlan& plan);

// The job succeeded: the network, or kRefused (taken back) when the genesis
// says another kind of network than the code did (a node that lied), or
// kProtocol when it did not arrive complete.
[[nodiscard]] core::Result<Joined> complete_join(network::NetworkReplica& replica, const JoinPlan& plan);

}  // namespace tumar::node
