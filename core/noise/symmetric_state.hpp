#pragma once
// SymmetricState (Noise rev 34, §5.2): the chaining key ck, the handshake hash
// h and a CipherState. ck, h and k live in protected memory and are wiped
// when the object dies or clear() is called.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/noise/cipher_state.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

// The two CipherStates Split() returns: c1 encrypts initiator → responder,
// c2 responder → initiator.
struct SplitCiphers {
  CipherState c1;
  CipherState c2;
};

class SymmetricState {
 public:
  // InitializeSymmetric(protocol_name).
  explicit SymmetricState(std::string_view protocol_name) noexcept;
  SymmetricState(SymmetricState&&) noexcept = default;
  SymmetricState& operator=(SymmetricState&&) noexcept = default;

  void mix_key(std::span<const std::uint8_t> input_key_material) noexcept;
  void mix_hash(std::span<const std::uint8_t> data) noexcept;
  void mix_key_and_hash(std::span<const std::uint8_t> input_key_material) noexcept;  // §5.2, for PSKs

  bool has_key() const noexcept { return cipher_.has_key(); }
  std::size_t encrypted_size(std::size_t plaintext_size) const noexcept {
    return cipher_.encrypted_size(plaintext_size);
  }
  // GetHandshakeHash(). Public once the handshake is over (channel binding).
  std::span<const std::uint8_t, kHashLen> handshake_hash() const noexcept {
    return std::span<const std::uint8_t, kHashLen>(state_.data() + kHashLen, kHashLen);
  }

  // EncryptAndHash(plaintext): out.size() == encrypted_size(plaintext.size()).
  [[nodiscard]] core::Result<void> encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                                    std::span<std::uint8_t> out) noexcept;
  // DecryptAndHash(ciphertext): out.size() == ciphertext.size() - tag if keyed.
  [[nodiscard]] core::Result<void> decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                                    std::span<std::uint8_t> out) noexcept;

  // Split(): temp_k1, temp_k2 = HKDF(ck, empty, 2), each truncated to 32 bytes.
  SplitCiphers split() const noexcept;

  // Wipes ck, h and k (failure or end of handshake).
  void clear() noexcept;

 private:
  std::span<std::uint8_t, kHashLen> ck() noexcept { return std::span<std::uint8_t, kHashLen>(state_.data(), kHashLen); }
  std::span<const std::uint8_t, kHashLen> ck() const noexcept {
    return std::span<const std::uint8_t, kHashLen>(state_.data(), kHashLen);
  }
  std::span<std::uint8_t, kHashLen> h() noexcept {
    return std::span<std::uint8_t, kHashLen>(state_.data() + kHashLen, kHashLen);
  }

  CipherState cipher_;
  // ck || h in one protected allocation (every sodium_malloc costs guard
  // pages, an mlock and several system calls).
  crypto::SecretBuffer state_{2 * kHashLen};
};

}  // namespace tumar::noise
