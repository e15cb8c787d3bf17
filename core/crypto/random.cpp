#include "core/crypto/random.hpp"

#include <sodium.h>

#include "core/crypto/sodium.hpp"

namespace tumar::crypto {

void SystemRandom::fill(std::span<std::uint8_t> out) {
  ensure_sodium();
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

DeterministicRandom::DeterministicRandom(std::uint64_t seed) {
  ensure_sodium();
  for (int i = 0; i < 8; ++i) seed_[i] = static_cast<std::uint8_t>(seed >> (8 * i));
}

void DeterministicRandom::fill(std::span<std::uint8_t> out) {
  // Each call draws from a fresh stream: seed with the call counter mixed in.
  std::array<std::uint8_t, 32> s = seed_;
  for (int i = 0; i < 8; ++i) s[24 + i] ^= static_cast<std::uint8_t>(counter_ >> (8 * i));
  ++counter_;
  if (!out.empty()) randombytes_buf_deterministic(out.data(), out.size(), s.data());
}

}  // namespace tumar::crypto
