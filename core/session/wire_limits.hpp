#pragma once
// The wire format's limits on sync messages (docs/PROTOCOL.md, "Sync"). The
// strict decoder (wire_codec.cpp) refuses anything beyond them, whatever the
// local configuration. They live here, with the codec that checks them, so
// that core/session/ needs nothing from core/sync/; sync/sync_limits.hpp
// names them for the sync protocol and sizes its own choices within them.

#include <cstddef>

namespace tumar::session {

// Network and object ids are 32 bytes on the wire, nothing else.
inline constexpr std::size_t kIdLen = 32;

// The largest envelope (one signed, encrypted object) tumar defines.
inline constexpr std::size_t kMaxEnvelopeLen = std::size_t{64} << 10;

// Ids in one WantObjects: the answer is then at most 64 x 64 KiB = 4 MiB.
inline constexpr std::size_t kMaxWantIds = 64;

// Envelopes in one Objects message (small objects pack many to a batch).
inline constexpr std::size_t kMaxEnvelopesPerObjects = 1024;

// A Negentropy message on the wire. Senders stay below their frame limit
// (sync::SyncLimits::negentropy_frame_limit, at most this).
inline constexpr std::size_t kMaxNegentropyLen = 64000;

}  // namespace tumar::session
