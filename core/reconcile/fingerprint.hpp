#pragma once
// Negentropy's range fingerprint (docs/negentropy-protocol-v1.md,
// "Fingerprint Algorithm"):
//
//   1. add the ids of the range as 256-bit little-endian integers, mod 2^256;
//   2. append the number of ids as a Varint;
//   3. SHA-256 (libsodium's crypto_hash_sha256);
//   4. keep the first 16 bytes.
//
// The sum is what makes range fingerprints cheap: it is associative and
// invertible, so SortedItems keeps prefix sums and the sum of any range is
// one subtraction. The hash over (sum, count) is what a peer sees.

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/reconcile/item.hpp"

namespace tumar::reconcile {

inline constexpr std::size_t kFingerprintSize = 16;
using Fingerprint = std::array<std::uint8_t, kFingerprintSize>;

// A sum of ids modulo 2^256.
class Accumulator {
 public:
  void add(const Id& id) noexcept;
  void add(const Accumulator& other) noexcept;
  void subtract(const Accumulator& other) noexcept;

  // The sum as 32 little-endian bytes, as it is hashed.
  [[nodiscard]] Id bytes() const noexcept;

  // SHA-256(bytes() || varint(count)), first 16 bytes. `count` is the number
  // of ids that were added; it is hashed so that, for example, the empty
  // range and a range whose ids sum to zero differ.
  [[nodiscard]] Fingerprint fingerprint(std::uint64_t count) const noexcept;

  friend bool operator==(const Accumulator&, const Accumulator&) = default;

 private:
  // Four 64-bit limbs, least significant first.
  std::array<std::uint64_t, 4> limbs_{};
};

}  // namespace tumar::reconcile
