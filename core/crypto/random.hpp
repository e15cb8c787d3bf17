#pragma once
// Randomness is passed into protocol state machines (docs/ARCHITECTURE.md, "Conventions"), so
// tests can replay them. SystemRandom is the real source; DeterministicRandom
// (tests only) expands a seed with randombytes_buf_deterministic.

#include <array>
#include <cstdint>
#include <span>

namespace tumar::crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::array<std::uint8_t, 32> seed_{};
  std::uint64_t counter_ = 0;
};

}  // namespace tumar::crypto
