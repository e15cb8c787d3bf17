#pragma once
// The limits every session enforces (docs/PROTOCOL.md, "Limits"). A hostile
// peer must not be able to hold a connection open for free, make a node
// buffer without bound, or take every connection slot.

#include <chrono>
#include <cstddef>

#include "core/noise/primitives.hpp"
#include "core/noise/tumar_handshake.hpp"

namespace tumar::session {

using Clock = std::chrono::steady_clock;
using Instant = Clock::time_point;

// During the handshake a frame can only be message 1, 2 or 3: anything
// longer than the longest of them is refused from its length field alone.
inline constexpr std::size_t kMaxHandshakeFrameLen = std::max(noise::kMessage2MaxLen, noise::kMessage3MaxLen);
static_assert(kMaxHandshakeFrameLen >= noise::kMessage1Len);
static_assert(kMaxHandshakeFrameLen < 1024, "a handshake frame is small; a big length is an attack");

// A session message may span several frames (fragment.hpp); this bounds the
// reassembly buffer. 1 MiB holds any object tumar defines with room to spare.
inline constexpr std::size_t kDefaultMaxMessageLen = std::size_t{1} << 20;
inline constexpr std::size_t kHardMaxMessageLen = std::size_t{16} << 20;

struct SessionLimits {
  // Noise gives no timeout of its own; a peer that stops mid-handshake would
  // otherwise hold a slot forever (a slowloris).
  std::chrono::milliseconds handshake_timeout{10'000};
  // No bytes from the peer for this long closes an established session.
  std::chrono::milliseconds idle_timeout{300'000};
  // Largest transport frame body accepted (≤ the 2-byte length field's range).
  std::size_t max_frame_len = noise::kMaxMessageLen;
  // Largest reassembled session message.
  std::size_t max_message_len = kDefaultMaxMessageLen;
};

// Aborts on a nonsensical configuration (programmer misuse, not peer input).
void check_limits(const SessionLimits& limits);

}  // namespace tumar::session
