#include "core/noise/cipher_state.hpp"

#include <array>
#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::noise {

namespace {

core::Result<void> nonce_exhausted() {
  return core::fail<core::ErrorId::kNoiseNonceExhausted>(core::Errc::kLimit);
}

core::Result<void> rejected() {
  return core::fail<core::ErrorId::kNoiseNotAuthentic>(core::Errc::kProtocol);
}

}  // namespace

CipherState::CipherState(CipherState&& other) noexcept
    : k_(std::move(other.k_)), has_key_(std::exchange(other.has_key_, false)), n_(std::exchange(other.n_, 0)) {
}

CipherState& CipherState::operator=(CipherState&& other) noexcept {
  if (this != &other) {
    k_ = std::move(other.k_);
    has_key_ = std::exchange(other.has_key_, false);
    n_ = std::exchange(other.n_, 0);
  }
  return *this;
}

void CipherState::initialize_key(std::span<const std::uint8_t, kKeyLen> key) noexcept {
  if (k_.size() != kKeyLen) k_ = crypto::SecretBuffer(kKeyLen);  // first key, or moved from
  std::memcpy(k_.data(), key.data(), kKeyLen);
  has_key_ = true;
  n_ = 0;
}

core::Result<void> CipherState::encrypt_with_ad(std::span<const std::uint8_t> ad,
                                                std::span<const std::uint8_t> plaintext,
                                                std::span<std::uint8_t> out) noexcept {
  if (out.size() != encrypted_size(plaintext.size())) core::misuse("noise: encrypt_with_ad: output size");
  if (!has_key_) {
    if (!plaintext.empty()) std::memmove(out.data(), plaintext.data(), plaintext.size());
    return {};
  }
  if (n_ == kReservedNonce) return nonce_exhausted();
  aead_encrypt(key(), n_, ad, plaintext, out);
  ++n_;
  return {};
}

core::Result<void> CipherState::decrypt_with_ad(std::span<const std::uint8_t> ad,
                                                std::span<const std::uint8_t> ciphertext,
                                                std::span<std::uint8_t> out) noexcept {
  if (!has_key_) {
    if (out.size() != ciphertext.size()) core::misuse("noise: decrypt_with_ad: output size");
    if (!ciphertext.empty()) std::memmove(out.data(), ciphertext.data(), ciphertext.size());
    return {};
  }
  if (ciphertext.size() < kTagLen) return rejected();
  if (out.size() != ciphertext.size() - kTagLen) core::misuse("noise: decrypt_with_ad: output size");
  if (n_ == kReservedNonce) return nonce_exhausted();
  if (!aead_decrypt(key(), n_, ad, ciphertext, out)) return rejected();  // n unchanged (§5.1)
  ++n_;
  return {};
}

void CipherState::rekey() noexcept {
  if (!has_key_) core::misuse("noise: rekey without a key");
  static constexpr std::array<std::uint8_t, kKeyLen> kZeros{};
  std::array<std::uint8_t, kKeyLen + kTagLen> temp{};
  aead_encrypt(key(), kReservedNonce, {}, kZeros, temp);
  std::memcpy(k_.data(), temp.data(), kKeyLen);
  crypto::wipe(temp);
}

void CipherState::clear() noexcept {
  if (!k_.empty()) crypto::wipe(k_.span());
  has_key_ = false;
  n_ = 0;
}

}  // namespace tumar::noise
