#pragma once
// The Noise "25519_ChaChaPoly_BLAKE2b" cipher suite (Noise rev 34, §4 and
// §12), built from libsodium primitives only:
//   DH      X25519 (crypto_scalarmult); an all-zero output is rejected.
//   cipher  ChaChaPoly: crypto_aead_chacha20poly1305_ietf, nonce =
//           4 zero bytes || 64-bit little-endian counter (§12.3).
//   hash    BLAKE2b-512 (crypto_generichash), HASHLEN 64, BLOCKLEN 128.
//   HMAC    RFC 2104 over BLAKE2b-512 with BLOCKLEN 128 (§4.3).
//   HKDF    Noise's HKDF(chaining_key, ikm, num_outputs) (§4.3).
// Every temporary that held key material is wiped before returning.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"

namespace tumar::noise {

inline constexpr std::size_t kDhLen = 32;       // X25519 public key / shared secret
inline constexpr std::size_t kHashLen = 64;     // BLAKE2b-512
inline constexpr std::size_t kBlockLen = 128;   // BLAKE2b block size, for HMAC
inline constexpr std::size_t kKeyLen = 32;      // ChaChaPoly key
inline constexpr std::size_t kTagLen = 16;      // Poly1305 tag
inline constexpr std::size_t kNonceLen = 12;    // IETF ChaCha20-Poly1305 nonce
// §3: a Noise message, handshake or transport, is at most 65535 bytes.
inline constexpr std::size_t kMaxMessageLen = 65535;
inline constexpr std::size_t kMaxPlaintextLen = kMaxMessageLen - kTagLen;
static_assert(kMaxPlaintextLen == 65519);
// §5.1: nonce 2^64-1 is reserved (it is the REKEY nonce, §4.2); using it for a
// message is an error.
inline constexpr std::uint64_t kReservedNonce = UINT64_MAX;

using PublicKey = std::array<std::uint8_t, kDhLen>;

// A DH key pair. The private half lives in protected memory.
struct KeyPair {
  crypto::Secret<kDhLen> private_key;
  PublicKey public_key{};

  // GENERATE_KEYPAIR(): 32 bytes from rng (X25519 clamps on use).
  static KeyPair generate(crypto::RandomSource& rng);
  static KeyPair from_private(std::span<const std::uint8_t, kDhLen> private_key);
};

// DH(key_pair, public_key). False (and out wiped) if the result is all zero,
// i.e. the peer sent a low-order point.
[[nodiscard]] bool dh(const crypto::Secret<kDhLen>& private_key, std::span<const std::uint8_t, kDhLen> public_key,
                      std::span<std::uint8_t, kDhLen> out) noexcept;

// HASH(part_1 || part_2 || ...). out may alias an input part.
void hash(std::initializer_list<std::span<const std::uint8_t>> parts, std::span<std::uint8_t, kHashLen> out) noexcept;

// HMAC-BLAKE2b(key, part_1 || part_2 || ...) per RFC 2104; any key length
// (keys longer than BLOCKLEN are hashed first, as RFC 2104 says). out may
// alias the key or a part.
void hmac(std::span<const std::uint8_t> key, std::initializer_list<std::span<const std::uint8_t>> parts,
          std::span<std::uint8_t, kHashLen> out) noexcept;

// HKDF(chaining_key, input_key_material, 2 or 3) of §4.3. Outputs may alias
// chaining_key (the usual "ck, k = HKDF(ck, ...)").
void hkdf(std::span<const std::uint8_t, kHashLen> chaining_key, std::span<const std::uint8_t> input_key_material,
          std::span<std::uint8_t, kHashLen> out1, std::span<std::uint8_t, kHashLen> out2) noexcept;
void hkdf(std::span<const std::uint8_t, kHashLen> chaining_key, std::span<const std::uint8_t> input_key_material,
          std::span<std::uint8_t, kHashLen> out1, std::span<std::uint8_t, kHashLen> out2,
          std::span<std::uint8_t, kHashLen> out3) noexcept;

// ENCRYPT(k, n, ad, plaintext): out.size() must be plaintext.size() + kTagLen.
void aead_encrypt(std::span<const std::uint8_t, kKeyLen> key, std::uint64_t nonce, std::span<const std::uint8_t> ad,
                  std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out) noexcept;
// DECRYPT(k, n, ad, ciphertext): out.size() must be ciphertext.size() - kTagLen.
// False on authentication failure; out is then wiped.
[[nodiscard]] bool aead_decrypt(std::span<const std::uint8_t, kKeyLen> key, std::uint64_t nonce,
                                std::span<const std::uint8_t> ad, std::span<const std::uint8_t> ciphertext,
                                std::span<std::uint8_t> out) noexcept;

}  // namespace tumar::noise
