#pragma once
// A RatchetSession to bytes and back, for the encrypted store
// (proto/tumar/ratchet.proto). The bytes hold every secret of the session,
// so they come out in a SecretBuffer and must go nowhere but the encrypted
// database. Decoding is strict: bad bytes give Errc::kCorrupt, never a crash
// or a half-valid session (fuzzed by tests/fuzz/ratchet_decrypt_fuzz.cpp).
//
// Where protobuf keeps secrets in std::string (its bytes fields), the strings
// are wiped with sodium_memzero before the message is destroyed; protobuf's
// parser may still leave copies in freed heap it reallocated while reading,
// which this layer cannot reach — stated in docs/PROTOCOL.md.

#include <cstdint>
#include <span>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/ratchet/double_ratchet.hpp"

namespace tumar::ratchet {

// Version 2 stamps each skipped key with when it was skipped. A version-1
// state (written before) still decodes, its skipped keys with no time
// (skipped_at_ms 0), which the next SkippedKeys::expire() replaces with its
// now; it is written back as version 2.
inline constexpr std::uint32_t kSessionStateVersion = 2;
inline constexpr std::uint32_t kUnstampedSessionStateVersion = 1;
// Larger than any valid encoding: at worst every skipped key sits in a chain
// of its own, under 104 bytes each (header key 34, key entry 64 with its
// time, framing), plus under 1 KiB for the rest. Longer input is refused
// before protobuf parses it.
inline constexpr std::size_t kMaxEncodedSessionSize = 256 * 1024;
static_assert(kMaxEncodedSessionSize >= kMaxSkippedKeys * 104 + 1024);

[[nodiscard]] crypto::SecretBuffer encode_session(const RatchetSession& session);
[[nodiscard]] core::Result<RatchetSession> decode_session(std::span<const std::uint8_t> bytes);

}  // namespace tumar::ratchet
