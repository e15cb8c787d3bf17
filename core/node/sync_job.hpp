#pragma once
// A one-shot sync job (`tumar sync`, `tumar join`): dial one address, run
// one round of every shared network, say goodbye. The engine runs any
// number at once; each ends in a JobOutcome with a structured failure that
// the front end puts into words (cli/commands/sync_words.cpp).

#include <chrono>
#include <optional>
#include <string>

#include "core/identity/identity.hpp"
#include "core/node/node_io.hpp"
#include "core/sync/replica.hpp"
#include "core/noise/tumar_handshake.hpp"
#include "core/peers/peer_address.hpp"
#include "core/sync/sync_progress.hpp"

namespace tumar::node {

struct SyncJob {
  peers::PeerAddress address;
  // Pinned identity (the responder must prove it before we reveal ours).
  // nullopt: trust on first use; the outcome says who answered.
  std::optional<identity::IdentityKey> identity_key;
  // Joining: the invite to present in the handshake, the network to sync
  // although our directory does not list us in it yet, and the display
  // name to publish in it once the round is done (before the goodbye).
  std::optional<noise::InviteCredential> invite;
  std::optional<sync::NetworkId> network;
  std::optional<std::string> publish_name;
};

// Why a job failed, as facts. The front end chooses the words.
enum class JobFailure {
  kNone,
  kBadAddress,          // the address does not resolve; `dial` says so
  kUnreachable,         // the dial failed; `dial` says how
  kNotFinished,         // the engine stopped before the job ended
  kWrongIdentity,       // the responder proved another identity than the pinned one
  kJoinRefusedInHandshake,  // joining: the handshake itself refused (the profile kinds differ); `cause` says which
  kInviteRefused,       // joining: closed right after message 3 (used, expired or withdrawn invite)
  kNotAdmitted,         // closed right after message 3: not a member, not on the allow list
  kClosedInHandshake,   // closed before the handshake finished
  kLostDuringSync,      // admitted, then the connection was cut
  kPeerStopping,        // admitted, then the peer said goodbye before the round finished
  kTimeout,             // the peer stopped answering
  kProtocol,            // the peer broke the protocol; `cause` says how
};

struct JobOutcome {
  peers::PeerAddress address;
  std::optional<identity::PublicIdentity> peer;  // who proved to be there, if anyone
  JobFailure failure = JobFailure::kNotFinished;
  // The error behind the failure, when there is one (the handshake step or
  // sync message that failed, how the stream ended); public values only.
  std::optional<core::Error> cause;
  std::optional<DialError> dial;  // kBadAddress, kUnreachable: how the dial failed, for the front end's words
  // What moved, whether or not the job succeeded: a sync cut off halfway
  // still tells the user what the peer acknowledged.
  sync::SyncProgress progress;
  std::chrono::milliseconds elapsed{0};
  // Trust on first use: the job had no pinned key, and the engine recorded
  // the one proven here on the allow list (the user should compare its
  // fingerprint over a channel they trust).
  bool key_recorded = false;

  bool ok() const noexcept { return failure == JobFailure::kNone; }
};

}  // namespace tumar::node
