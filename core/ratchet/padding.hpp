#pragma once
// Size buckets for direct-message plaintexts (docs/PROTOCOL.md,
// "Padding"). A carrier sees the ciphertext length, so the plaintext
// is padded to the smallest bucket that holds it plus one byte: ISO/IEC 7816-4
// padding (0x80 then zeros, libsodium's sodium_pad), which is unambiguous and
// needs at least one byte. A carrier learns the bucket, not the length.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"

namespace tumar::ratchet {

inline constexpr std::array<std::size_t, 4> kPaddingBuckets = {256, 1024, 4096, 16384};
inline constexpr std::size_t kMaxBucket = kPaddingBuckets.back();
// One byte of every bucket is padding at least (the 0x80 marker).
inline constexpr std::size_t kMaxPlaintextSize = kMaxBucket - 1;
static_assert(kMaxPlaintextSize == 16383);
static_assert(kPaddingBuckets[0] < kPaddingBuckets[1] && kPaddingBuckets[1] < kPaddingBuckets[2] &&
              kPaddingBuckets[2] < kPaddingBuckets[3]);

// The bucket a plaintext of `size` bytes is padded to, or nullopt if it is
// over kMaxPlaintextSize.
std::optional<std::size_t> bucket_for(std::size_t size) noexcept;
bool is_bucket(std::size_t size) noexcept;

// Pads into a fresh secret buffer of bucket_for(plaintext.size()) bytes.
// Errc::kLimit over kMaxPlaintextSize.
[[nodiscard]] core::Result<crypto::SecretBuffer> pad(std::span<const std::uint8_t> plaintext);

// Strips the padding in place (truncates). Errc::kRefused if the buffer is
// not a bucket or the padding is malformed. Only ever run on authenticated
// plaintext, so the check's timing tells a peer nothing it did not write.
[[nodiscard]] core::Result<void> unpad(crypto::SecretBuffer& padded);

}  // namespace tumar::ratchet
