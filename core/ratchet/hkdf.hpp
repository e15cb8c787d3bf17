#pragma once
// HMAC-SHA-256 (RFC 2104, libsodium's crypto_auth_hmacsha256) and HKDF
// (RFC 5869) over it. libsodium 1.0.18 has no crypto_kdf_hkdf_*, so HKDF is
// built here from the HMAC exactly as RFC 5869 §2.2–2.3 says; it is pinned by
// the RFC's SHA-256 test vectors (tests/core/ratchet/hkdf_test.cpp). These are
// the KDFs the Double Ratchet spec recommends (§5.2) and X3DH requires (§2.2).

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace tumar::ratchet {

inline constexpr std::size_t kHmacLen = 32;  // SHA-256 output: HashLen of RFC 5869
// RFC 5869 §2.3: L <= 255 * HashLen.
inline constexpr std::size_t kHkdfMaxOutput = 255 * kHmacLen;

// HMAC-SHA-256(key, part_1 || part_2 || ...). Any key length. out may alias
// the key or a part (the result is written only at the end).
void hmac_sha256(std::span<const std::uint8_t> key, std::initializer_list<std::span<const std::uint8_t>> parts,
                 std::span<std::uint8_t, kHmacLen> out) noexcept;

// HKDF-Extract(salt, IKM) = HMAC(salt, IKM); an empty salt means HashLen zeros
// (RFC 5869 §2.2), which HMAC's zero-padding of the key gives for free.
void hkdf_extract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                  std::span<std::uint8_t, kHmacLen> prk) noexcept;

// HKDF-Expand(PRK, info, L = out.size()). Aborts if L > kHkdfMaxOutput
// (every caller asks for a compile-time length far below it).
void hkdf_expand(std::span<const std::uint8_t, kHmacLen> prk, std::span<const std::uint8_t> info,
                 std::span<std::uint8_t> out) noexcept;

// HKDF(salt, IKM, info, L) = Expand(Extract(salt, IKM), info, L). The PRK is
// wiped before returning. out must not alias the inputs.
void hkdf(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> info,
          std::span<std::uint8_t> out) noexcept;

}  // namespace tumar::ratchet
