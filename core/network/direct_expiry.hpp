#pragma once
// Direct messages do not stay forever (docs/PROTOCOL.md, "The DIRECT object
// (kind 9)"; SECURITY.md, "Direct messages"). Every replica carries every
// DIRECT object, and each shows a recipient tag, a time and a size bucket:
// kept forever, a seized device would hold the network's whole record of
// who was written to when. So a DIRECT object lives kDirectLifetimeMs from
// the timestamp in its header, and then
//
//   * every replica refuses it (NetworkReplica::apply_direct), so one that
//     still holds it, or a peer whose clock is behind, cannot bring it back
//     through reconciliation;
//   * every replica deletes it (sweep_expired_direct, run by `tumar sync`,
//     `tumar serve` at start and every minute while it runs), with the
//     recipient's record of having handled it (dm_inbox). One exception:
//     the recipient's own node keeps a message for them that `msg list` has
//     not read yet, until it has (a member who reads messages once a month
//     must not find them gone); it is then deleted at the next sweep.
//
// The timestamp is the sender's clock. Replicas refuse one more than
// kMaxClockSkewMs in their future, so a message lives at most
// kDirectLifetimeMs + kMaxClockSkewMs of real time on replicas whose clocks
// are right; a replica whose clock is behind keeps it that much longer, and
// one whose clock is ahead drops it that much sooner.
//
// What the recipient read is in their history (dm_message) until they
// delete it: the lifetime is that of the carried envelope, not of the text.

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/network/network_store.hpp"

namespace tumar::network {

// 30 days: long enough for a message to reach a member who is offline for
// weeks (a laptop left at home, a phone confiscated and returned), short
// enough that a seized device does not hold a year of who-wrote-to-whom.
// The same span as a message waiting for its session's first message
// (direct::kUnroutableGiveUpMs) and a little less than a skipped message
// key's (ratchet::kSkippedKeyLifetimeMs).
inline constexpr std::uint64_t kDirectLifetimeMs = 30ull * 24 * 60 * 60 * 1000;

// Whether a DIRECT object stamped at `stamped_ms` has outlived its lifetime at now_ms.
constexpr bool direct_expired(std::uint64_t stamped_ms, std::uint64_t now_ms) noexcept {
  return now_ms >= kDirectLifetimeMs && stamped_ms <= now_ms - kDirectLifetimeMs;
}

// Deletes, in every network, the DIRECT objects expired at now_ms, except
// those for `me` not yet read (one transaction, unless the caller holds
// one). Returns the ids removed.
[[nodiscard]] core::Result<std::vector<ObjectId>> sweep_expired_direct(NetworkStore& store,
                                                                       const identity::IdentityKey& me,
                                                                       std::uint64_t now_ms);

}  // namespace tumar::network
