#pragma once
// CipherState (Noise rev 34, §5.1): a key k (or none) and a nonce n.
// Encrypt/decrypt refuse nonce 2^64-1 (reserved, §5.1); a decryption failure
// leaves n unchanged and says only that the message was rejected.

#include <cstdint>
#include <span>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

class CipherState {
 public:
  CipherState() = default;  // k = empty; no protected memory is taken until a key is set
  // A moved-from CipherState has no key (has_key() is false; its buffer is gone).
  CipherState(CipherState&& other) noexcept;
  CipherState& operator=(CipherState&& other) noexcept;
  CipherState(const CipherState&) = delete;
  CipherState& operator=(const CipherState&) = delete;

  // InitializeKey(key): k = key, n = 0.
  void initialize_key(std::span<const std::uint8_t, kKeyLen> key) noexcept;
  bool has_key() const noexcept { return has_key_; }
  // SetNonce(n). Used by tests and by nothing else in tumar.
  void set_nonce(std::uint64_t n) noexcept { n_ = n; }
  std::uint64_t nonce() const noexcept { return n_; }

  // Output size of EncryptWithAd / DecryptWithAd for an input of `size` bytes.
  std::size_t encrypted_size(std::size_t plaintext_size) const noexcept {
    return plaintext_size + (has_key_ ? kTagLen : 0);
  }

  // EncryptWithAd(ad, plaintext) into out (out.size() == encrypted_size()).
  // Errc::kLimit when n has reached 2^64-1.
  [[nodiscard]] core::Result<void> encrypt_with_ad(std::span<const std::uint8_t> ad,
                                                   std::span<const std::uint8_t> plaintext,
                                                   std::span<std::uint8_t> out) noexcept;
  // DecryptWithAd(ad, ciphertext) into out (out.size() == ciphertext.size()
  // minus the tag if keyed). Errc::kProtocol on any authentication failure,
  // Errc::kLimit when n has reached 2^64-1.
  [[nodiscard]] core::Result<void> decrypt_with_ad(std::span<const std::uint8_t> ad,
                                                   std::span<const std::uint8_t> ciphertext,
                                                   std::span<std::uint8_t> out) noexcept;

  // Rekey() (§4.2, §11.3): k = first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zeros).
  // n is left unchanged.
  void rekey() noexcept;

  // Zeroes k and forgets it (on failure or close).
  void clear() noexcept;

 private:
  std::span<const std::uint8_t, kKeyLen> key() const noexcept {
    return std::span<const std::uint8_t, kKeyLen>(k_.data(), kKeyLen);
  }

  crypto::SecretBuffer k_;  // kKeyLen bytes once has_key_, else possibly empty
  bool has_key_ = false;
  std::uint64_t n_ = 0;
};

}  // namespace tumar::noise
