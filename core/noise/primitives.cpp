#include "core/noise/primitives.hpp"

#include <cstring>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error.hpp"

namespace tumar::noise {

static_assert(kDhLen == crypto_scalarmult_BYTES && kDhLen == crypto_scalarmult_SCALARBYTES);
static_assert(kHashLen <= crypto_generichash_BYTES_MAX);
static_assert(kKeyLen == crypto_aead_chacha20poly1305_ietf_KEYBYTES);
static_assert(kTagLen == crypto_aead_chacha20poly1305_ietf_ABYTES);
static_assert(kNonceLen == crypto_aead_chacha20poly1305_ietf_NPUBBYTES);
static_assert(kHashLen <= kBlockLen, "HMAC pads keys of HASHLEN bytes to BLOCKLEN");

namespace {

constexpr std::uint8_t kInnerPad = 0x36;  // RFC 2104 ipad
constexpr std::uint8_t kOuterPad = 0x5c;  // RFC 2104 opad

// §12.3: 32 bits of zeros followed by the little-endian encoding of n.
std::array<std::uint8_t, kNonceLen> chachapoly_nonce(std::uint64_t n) noexcept {
  std::array<std::uint8_t, kNonceLen> nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return nonce;
}

}  // namespace

KeyPair KeyPair::generate(crypto::RandomSource& rng) {
  crypto::ensure_sodium();
  KeyPair kp;
  rng.fill(kp.private_key.span());
  crypto_scalarmult_base(kp.public_key.data(), kp.private_key.data());
  return kp;
}

KeyPair KeyPair::from_private(std::span<const std::uint8_t, kDhLen> private_key) {
  crypto::ensure_sodium();
  KeyPair kp{crypto::Secret<kDhLen>::copy_of(private_key), {}};
  crypto_scalarmult_base(kp.public_key.data(), kp.private_key.data());
  return kp;
}

bool dh(const crypto::Secret<kDhLen>& private_key, std::span<const std::uint8_t, kDhLen> public_key,
        std::span<std::uint8_t, kDhLen> out) noexcept {
  // libsodium returns -1 when the shared secret is all zero (low-order point).
  if (crypto_scalarmult(out.data(), private_key.data(), public_key.data()) != 0) {
    crypto::wipe(out);
    return false;
  }
  return true;
}

void hash(std::initializer_list<std::span<const std::uint8_t>> parts, std::span<std::uint8_t, kHashLen> out) noexcept {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashLen);
  for (auto part : parts) crypto_generichash_update(&st, part.data(), part.size());
  crypto_generichash_final(&st, out.data(), kHashLen);
  sodium_memzero(&st, sizeof st);
}

void hmac(std::span<const std::uint8_t> key, std::initializer_list<std::span<const std::uint8_t>> parts,
          std::span<std::uint8_t, kHashLen> out) noexcept {
  std::array<std::uint8_t, kBlockLen> block{};  // the key, zero-padded to BLOCKLEN
  if (key.size() > kBlockLen) {
    hash({key}, std::span<std::uint8_t, kHashLen>(block.data(), kHashLen));
  } else if (!key.empty()) {
    std::memcpy(block.data(), key.data(), key.size());
  }

  std::array<std::uint8_t, kBlockLen> pad{};
  std::array<std::uint8_t, kHashLen> inner{};
  crypto_generichash_state st;

  // inner = HASH((K ^ ipad) || text)
  for (std::size_t i = 0; i < kBlockLen; ++i) pad[i] = static_cast<std::uint8_t>(block[i] ^ kInnerPad);
  crypto_generichash_init(&st, nullptr, 0, kHashLen);
  crypto_generichash_update(&st, pad.data(), pad.size());
  for (auto part : parts) crypto_generichash_update(&st, part.data(), part.size());
  crypto_generichash_final(&st, inner.data(), inner.size());

  // out = HASH((K ^ opad) || inner)
  for (std::size_t i = 0; i < kBlockLen; ++i) pad[i] = static_cast<std::uint8_t>(block[i] ^ kOuterPad);
  crypto_generichash_init(&st, nullptr, 0, kHashLen);
  crypto_generichash_update(&st, pad.data(), pad.size());
  crypto_generichash_update(&st, inner.data(), inner.size());
  crypto_generichash_final(&st, out.data(), kHashLen);

  sodium_memzero(&st, sizeof st);
  crypto::wipe(block);
  crypto::wipe(pad);
  crypto::wipe(inner);
}

namespace {

void hkdf_impl(std::span<const std::uint8_t, kHashLen> chaining_key, std::span<const std::uint8_t> ikm,
               std::span<std::uint8_t, kHashLen> out1, std::span<std::uint8_t, kHashLen> out2,
               std::span<std::uint8_t, kHashLen>* out3) noexcept {
  static constexpr std::uint8_t kOne[1] = {0x01};
  static constexpr std::uint8_t kTwo[1] = {0x02};
  static constexpr std::uint8_t kThree[1] = {0x03};
  std::array<std::uint8_t, kHashLen> temp_key{};
  std::array<std::uint8_t, kHashLen> output1{};
  std::array<std::uint8_t, kHashLen> output2{};

  hmac(chaining_key, {ikm}, temp_key);                 // temp_key = HMAC(ck, ikm)
  hmac(temp_key, {kOne}, output1);                     // output1 = HMAC(temp_key, 0x01)
  hmac(temp_key, {output1, kTwo}, output2);            // output2 = HMAC(temp_key, output1 || 0x02)
  if (out3 != nullptr) hmac(temp_key, {output2, kThree}, *out3);  // output3 = HMAC(temp_key, output2 || 0x03)

  // Written last, so out1/out2 may alias chaining_key.
  std::memcpy(out1.data(), output1.data(), kHashLen);
  std::memcpy(out2.data(), output2.data(), kHashLen);
  crypto::wipe(temp_key);
  crypto::wipe(output1);
  crypto::wipe(output2);
}

}  // namespace

void hkdf(std::span<const std::uint8_t, kHashLen> chaining_key, std::span<const std::uint8_t> input_key_material,
          std::span<std::uint8_t, kHashLen> out1, std::span<std::uint8_t, kHashLen> out2) noexcept {
  hkdf_impl(chaining_key, input_key_material, out1, out2, nullptr);
}

void hkdf(std::span<const std::uint8_t, kHashLen> chaining_key, std::span<const std::uint8_t> input_key_material,
          std::span<std::uint8_t, kHashLen> out1, std::span<std::uint8_t, kHashLen> out2,
          std::span<std::uint8_t, kHashLen> out3) noexcept {
  // out3 is computed before out1/out2 are written, but after temp_key: it may
  // not alias chaining_key or the other outputs.
  hkdf_impl(chaining_key, input_key_material, out1, out2, &out3);
}

void aead_encrypt(std::span<const std::uint8_t, kKeyLen> key, std::uint64_t nonce, std::span<const std::uint8_t> ad,
                  std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out) noexcept {
  if (out.size() != plaintext.size() + kTagLen) core::misuse("noise: aead_encrypt: output size");
  const auto n = chachapoly_nonce(nonce);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(), ad.data(),
                                            ad.size(), nullptr, n.data(), key.data());
}

bool aead_decrypt(std::span<const std::uint8_t, kKeyLen> key, std::uint64_t nonce, std::span<const std::uint8_t> ad,
                  std::span<const std::uint8_t> ciphertext, std::span<std::uint8_t> out) noexcept {
  if (ciphertext.size() < kTagLen || out.size() != ciphertext.size() - kTagLen) {
    core::misuse("noise: aead_decrypt: output size");
  }
  const auto n = chachapoly_nonce(nonce);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
                                                ad.data(), ad.size(), n.data(), key.data()) != 0) {
    crypto::wipe(out);
    return false;
  }
  return true;
}

}  // namespace tumar::noise
