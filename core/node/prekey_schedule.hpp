#pragma once
// Keeps our direct-message prekeys published and fresh in every network we
// are in (core/direct/prekey_keeper.hpp): a first bundle after joining, a
// new signed prekey each week, new one-time prekeys when one was used and
// for each new member. Run where a sync is about to carry the result: the
// node engine before a sync round and after a join, `msg send|list`; and
// while a node serves, every kServePrekeyRefresh (a node
// may serve for weeks: without this its signed prekey would never rotate,
// and a retired private prekey would outlive its 14-day retention). A
// failure never fails the command (messages still work with what was
// published before); it is only logged.

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"

namespace tumar::node {

// An hour: rotation (7 days) and deletion after retention (14 days) then
// happen at most an hour late. ensure() writes nothing when nothing is due,
// so running it this often costs one read of the prekey table per network.
inline constexpr std::chrono::milliseconds kServePrekeyRefresh = std::chrono::hours(1);

// When a serving node refreshes next. The clock is passed in (sans-I/O), so the
// decision is tested without waiting an hour.
class PrekeyRefreshSchedule {
 public:
  explicit PrekeyRefreshSchedule(std::uint64_t last_refresh_ms) noexcept : last_(last_refresh_ms) {}
  // Due once kServePrekeyRefresh has passed since the last refresh, and also
  // when the wall clock went back (corrected by the user or NTP): waiting
  // for the old time to come round again could hold rotation up for as long
  // as the clock jumped.
  bool due(std::uint64_t now_ms) const noexcept;
  void refreshed(std::uint64_t now_ms) noexcept { last_ = now_ms; }

 private:
  std::uint64_t last_;
};

// Runs PrekeyKeeper::ensure for every network at now_ms and returns the
// envelopes it wrote, for the node to flood. Never throws: every failure,
// exceptions included, is logged at debug level and leaves the prekeys as
// they were (ensure is one transaction per network).
std::vector<std::vector<std::uint8_t>> refresh_prekeys(network::NetworkReplica& replica,
                                                       const identity::LocalIdentity& me, crypto::RandomSource& rng,
                                                       std::uint64_t now_ms) noexcept;

// The serving node's duty tick (every 2 s): when `schedule` is due at now_ms,
// refreshes and returns the envelopes written, for the node to flood. The
// refresh is recorded only if every network's worked: one that failed (the
// database busy with another command, say) is tried again at the next tick,
// not an hour later. A failure that persists is retried every tick, which
// costs a read of the prekey table and a debug line. Never throws.
std::vector<std::vector<std::uint8_t>> serve_prekey_tick(PrekeyRefreshSchedule& schedule,
                                                         network::NetworkReplica& replica,
                                                         const identity::LocalIdentity& me,
                                                         crypto::RandomSource& rng, std::uint64_t now_ms) noexcept;

}  // namespace tumar::node
