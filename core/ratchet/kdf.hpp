#pragma once
// The Double Ratchet's cryptographic functions (Signal, "The Double Ratchet
// Algorithm", rev. 1, §3.1, §4 and §5.2) on libsodium primitives. Every
// constant here is listed in docs/PROTOCOL.md ("Direct messages: X3DH and the Double Ratchet").
//
//   DH(dh_pair, dh_pub)      X25519 (crypto_scalarmult); all-zero output refused
//   KDF_RK_HE(rk, dh_out)    HKDF-SHA-256(salt = rk, IKM = dh_out,
//                            info = "tumar/ratchet/root/v1", L = 96)
//                            -> rk' (32) || ck (32) || nhk (32)
//   KDF_CK(ck)               mk = HMAC-SHA-256(ck, 0x01), ck' = HMAC-SHA-256(ck, 0x02)
//   ENCRYPT(mk, pt, ad)      key (32) || nonce (24) = HKDF-SHA-256(salt = 32 zero
//                            bytes, IKM = mk, info = "tumar/ratchet/message/v1", L = 56);
//                            XChaCha20-Poly1305-IETF(key, nonce, ad, pt), where the
//                            body's ad = X3DH AD || every message byte before the
//                            body (type, sealed X3DH header, encrypted header) ||
//                            the caller's ad (double_ratchet.cpp)
//   HENCRYPT(hk, header)     nonce = 24 random bytes; nonce || XChaCha20-Poly1305-IETF(
//                            hk, nonce, ad = empty, header)
//
// Deviation from §5.2: ENCRYPT uses an AEAD (XChaCha20-Poly1305) instead of
// AES-256-CBC + HMAC-SHA-256; §5.2 allows any AEAD with this KDF shape, and
// tumar uses no other block cipher. The nonce may be derived because every
// message key encrypts exactly one message. Header keys are reused across a
// chain, so HENCRYPT takes a random 192-bit nonce (§4.1 requires a
// randomised or otherwise non-repeating nonce for header encryption).

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/ratchet/message_format.hpp"

namespace tumar::ratchet {

inline constexpr char kRootInfo[] = "tumar/ratchet/root/v1";
inline constexpr char kMessageInfo[] = "tumar/ratchet/message/v1";
inline constexpr std::uint8_t kMessageKeyConstant = 0x01;  // §5.2: HMAC(ck, 0x01) = mk
inline constexpr std::uint8_t kChainKeyConstant = 0x02;    //       HMAC(ck, 0x02) = next ck

using Key = crypto::Secret<kKeyLen>;
using PublicKey = std::array<std::uint8_t, kKeyLen>;

// X25519(private, public). False, and out wiped, for an all-zero result (a
// low-order public key), which would make the "shared" secret public.
[[nodiscard]] bool dh(const Key& private_key, std::span<const std::uint8_t, kKeyLen> public_key,
                      std::span<std::uint8_t, kKeyLen> out) noexcept;
PublicKey public_of(const Key& private_key) noexcept;

// KDF_RK_HE: rk is replaced by rk'; ck and nhk receive the new chain and next header keys.
void kdf_rk(Key& rk, std::span<const std::uint8_t, kKeyLen> dh_out, Key& ck, Key& nhk) noexcept;
// KDF_CK: ck is replaced by ck'; mk receives the message key.
void kdf_ck(Key& ck, Key& mk) noexcept;

// ENCRYPT: out.size() == plaintext.size() + kAeadTagLen. The AD is the
// concatenation of ad_parts.
void seal_body(const Key& mk, std::initializer_list<std::span<const std::uint8_t>> ad_parts,
               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out);
// DECRYPT: out.size() == ciphertext.size() - kAeadTagLen. False on failure (out wiped).
[[nodiscard]] bool open_body(const Key& mk, std::initializer_list<std::span<const std::uint8_t>> ad_parts,
                             std::span<const std::uint8_t> ciphertext, std::span<std::uint8_t> out);

// HENCRYPT into out (kHeaderLen bytes): a fresh nonce from rng, then the sealed header.
void seal_header(const Key& hk, const RatchetHeader& header, crypto::RandomSource& rng,
                 std::span<std::uint8_t, kHeaderLen> out) noexcept;
// HDECRYPT: the header, or false if hk does not open it.
[[nodiscard]] bool open_header(const Key& hk, std::span<const std::uint8_t> sealed, RatchetHeader& out) noexcept;

}  // namespace tumar::ratchet
