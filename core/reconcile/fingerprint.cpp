#include "core/reconcile/fingerprint.hpp"

#include <sodium.h>

#include <algorithm>
#include <span>

#include "core/crypto/sodium.hpp"
#include "core/reconcile/varint.hpp"

namespace tumar::reconcile {
namespace {

// Byte order is spelled out (not a memcpy of the limbs) so the result does
// not depend on the host's endianness.
std::uint64_t load_le64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le64(std::uint64_t v, std::uint8_t* p) noexcept {
  for (int i = 0; i < 8; ++i) {
    p[i] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
}

}  // namespace

void Accumulator::add(const Id& id) noexcept {
  Accumulator other;
  for (std::size_t i = 0; i < 4; ++i) other.limbs_[i] = load_le64(id.data() + 8 * i);
  add(other);
}

void Accumulator::add(const Accumulator& other) noexcept {
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t a = limbs_[i];
    const std::uint64_t sum = a + other.limbs_[i];
    const std::uint64_t out = sum + carry;
    // A carry out of this limb happened if either addition wrapped.
    carry = static_cast<std::uint64_t>(sum < a) | static_cast<std::uint64_t>(out < sum);
    limbs_[i] = out;
  }
  // The carry out of the top limb is dropped: arithmetic is mod 2^256.
}

void Accumulator::subtract(const Accumulator& other) noexcept {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t a = limbs_[i];
    const std::uint64_t diff = a - other.limbs_[i];
    const std::uint64_t out = diff - borrow;
    borrow = static_cast<std::uint64_t>(diff > a) | static_cast<std::uint64_t>(out > diff);
    limbs_[i] = out;
  }
}

Id Accumulator::bytes() const noexcept {
  Id out{};
  for (std::size_t i = 0; i < 4; ++i) store_le64(limbs_[i], out.data() + 8 * i);
  return out;
}

Fingerprint Accumulator::fingerprint(std::uint64_t count) const noexcept {
  crypto::ensure_sodium();
  const Id sum = bytes();
  std::array<std::uint8_t, kIdSize + kMaxVarintLen> input{};
  std::copy(sum.begin(), sum.end(), input.begin());
  const std::size_t len =
      kIdSize + encode_varint(count, std::span<std::uint8_t, kMaxVarintLen>(input.data() + kIdSize, kMaxVarintLen));
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), input.data(), len);
  Fingerprint out{};
  std::copy_n(hash.begin(), kFingerprintSize, out.begin());
  return out;
}

}  // namespace tumar::reconcile
