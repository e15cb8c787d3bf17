#pragma once
// libsodium's sealed box (crypto_box_seal's format, opened by
// crypto_box_seal_open) with the ephemeral key drawn from the caller's
// RandomSource instead of libsodium's own generator. crypto_box_seal cannot
// take randomness, so a state machine that called it would not be sans-I/O:
// its output, and every object id computed from it, would change from run to
// run of the same seed (it did: the node simulation's grant envelopes).
//
// Format (libsodium, "Sealed boxes"): epk || crypto_box_easy(m, nonce, pk, esk)
// with nonce = BLAKE2b-192(epk || pk).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/crypto/random.hpp"

namespace tumar::crypto {

inline constexpr std::size_t kSealedBoxPublicKeyLen = 32;
inline constexpr std::size_t kSealedBoxOverhead = 32 + 16;  // crypto_box_SEALBYTES

// Seals `plain` to `recipient` into `out`, which must be exactly
// plain.size() + kSealedBoxOverhead bytes (else misuse). False if
// `recipient` is not a usable X25519 public key (a low-order point): then
// `out` holds nothing of `plain`.
[[nodiscard]] bool seal_box(std::span<const std::uint8_t> plain,
                            std::span<const std::uint8_t, kSealedBoxPublicKeyLen> recipient, RandomSource& rng,
                            std::span<std::uint8_t> out);

}  // namespace tumar::crypto
