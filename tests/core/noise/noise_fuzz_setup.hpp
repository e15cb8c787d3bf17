#pragma once
// Deterministic parties shared by the Noise fuzz targets (tests/fuzz/noise_*)
// and by FuzzSeeds in fuzz_seeds_test.cpp, which writes and checks their seed
// corpora. With fixed identities and fixed randomness, a recorded message 2
// (or 1 and 3) is a valid message for the fuzzed party, so the fuzzer starts
// from the real path and mutates from there.

#include <cstdint>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"

namespace tumar::noise::fuzz {

inline constexpr std::uint64_t kIdentitySeed = 0x7475'6d61'72;  // "tumar"
inline constexpr std::uint64_t kInitiatorRandomSeed = 1;
inline constexpr std::uint64_t kResponderRandomSeed = 2;

struct Parties {
  identity::LocalIdentity initiator;
  identity::LocalIdentity responder;
};

inline Parties parties() {
  crypto::DeterministicRandom r(kIdentitySeed);
  auto a = identity::LocalIdentity::generate(r);
  auto b = identity::LocalIdentity::generate(r);
  return Parties{std::move(a), std::move(b)};
}

}  // namespace tumar::noise::fuzz
