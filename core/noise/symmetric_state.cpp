#include "core/noise/symmetric_state.hpp"

#include <cstring>

namespace tumar::noise {

static_assert(kKeyLen < kHashLen, "HASHLEN 64: temp_k is truncated to 32 bytes (§5.2)");

namespace {

std::span<const std::uint8_t, kKeyLen> truncated_key(const std::array<std::uint8_t, kHashLen>& temp_k) noexcept {
  return std::span<const std::uint8_t, kKeyLen>(temp_k.data(), kKeyLen);
}

}  // namespace

SymmetricState::SymmetricState(std::string_view protocol_name) noexcept {
  // If protocol_name is at most HASHLEN bytes, h = protocol_name padded with
  // zeros; otherwise h = HASH(protocol_name). ck = h. (The Secret starts zeroed.)
  const std::span<const std::uint8_t> name(reinterpret_cast<const std::uint8_t*>(protocol_name.data()),
                                           protocol_name.size());
  if (name.size() <= kHashLen) {
    if (!name.empty()) std::memcpy(h().data(), name.data(), name.size());
  } else {
    hash({name}, h());
  }
  std::memcpy(ck().data(), h().data(), kHashLen);
}

void SymmetricState::mix_key(std::span<const std::uint8_t> input_key_material) noexcept {
  // ck, temp_k = HKDF(ck, input_key_material, 2); InitializeKey(temp_k[:32]).
  std::array<std::uint8_t, kHashLen> temp_k{};
  hkdf(ck(), input_key_material, ck(), temp_k);
  cipher_.initialize_key(truncated_key(temp_k));
  crypto::wipe(temp_k);
}

void SymmetricState::mix_hash(std::span<const std::uint8_t> data) noexcept {
  hash({h(), data}, h());  // h = HASH(h || data)
}

void SymmetricState::mix_key_and_hash(std::span<const std::uint8_t> input_key_material) noexcept {
  // ck, temp_h, temp_k = HKDF(ck, input_key_material, 3); MixHash(temp_h);
  // InitializeKey(temp_k[:32]).
  std::array<std::uint8_t, kHashLen> temp_h{};
  std::array<std::uint8_t, kHashLen> temp_k{};
  hkdf(ck(), input_key_material, ck(), temp_h, temp_k);
  mix_hash(temp_h);
  cipher_.initialize_key(truncated_key(temp_k));
  crypto::wipe(temp_h);
  crypto::wipe(temp_k);
}

core::Result<void> SymmetricState::encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                                    std::span<std::uint8_t> out) noexcept {
  // ciphertext = EncryptWithAd(h, plaintext); MixHash(ciphertext).
  auto r = cipher_.encrypt_with_ad(h(), plaintext, out);
  if (!r) return r;
  mix_hash(out);
  return {};
}

core::Result<void> SymmetricState::decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                                    std::span<std::uint8_t> out) noexcept {
  // plaintext = DecryptWithAd(h, ciphertext); MixHash(ciphertext).
  auto r = cipher_.decrypt_with_ad(h(), ciphertext, out);
  if (!r) return r;
  mix_hash(ciphertext);
  return {};
}

SplitCiphers SymmetricState::split() const noexcept {
  static constexpr std::array<std::uint8_t, 0> kEmpty{};
  std::array<std::uint8_t, kHashLen> temp_k1{};
  std::array<std::uint8_t, kHashLen> temp_k2{};
  hkdf(ck(), kEmpty, temp_k1, temp_k2);
  SplitCiphers out;
  out.c1.initialize_key(truncated_key(temp_k1));
  out.c2.initialize_key(truncated_key(temp_k2));
  crypto::wipe(temp_k1);
  crypto::wipe(temp_k2);
  return out;
}

void SymmetricState::clear() noexcept {
  cipher_.clear();
  if (!state_.empty()) crypto::wipe(state_.span());
}

}  // namespace tumar::noise
