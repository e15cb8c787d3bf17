#include "core/ratchet/kdf.hpp"

#include <cstring>
#include <vector>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error.hpp"
#include "core/ratchet/hkdf.hpp"

namespace tumar::ratchet {

static_assert(kKeyLen == crypto_scalarmult_BYTES && kKeyLen == crypto_scalarmult_SCALARBYTES);
static_assert(kKeyLen == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kKeyLen == kHmacLen);

namespace {

constexpr std::size_t kRootOutputLen = 3 * kKeyLen;
constexpr std::size_t kMessageOutputLen = kKeyLen + kAeadNonceLen;
static_assert(kMessageOutputLen == 56);

std::span<const std::uint8_t> info(const char* s, std::size_t n_with_nul) {
  return {reinterpret_cast<const std::uint8_t*>(s), n_with_nul - 1};
}

// The AD parts joined. AD is public (identity keys, the sealed header, the
// caller's context), so an ordinary vector is fine; tiny, so no pooling.
std::vector<std::uint8_t> join(std::initializer_list<std::span<const std::uint8_t>> parts) {
  std::size_t total = 0;
  for (auto p : parts) total += p.size();
  std::vector<std::uint8_t> out;
  out.reserve(total);
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// key || nonce of ENCRYPT, in protected memory.
crypto::Secret<kMessageOutputLen> message_key_material(const Key& mk) {
  static constexpr std::array<std::uint8_t, kHmacLen> kZeroSalt{};
  crypto::Secret<kMessageOutputLen> out;
  hkdf(kZeroSalt, mk.span(), info(kMessageInfo, sizeof kMessageInfo), out.span());
  return out;
}

}  // namespace

bool dh(const Key& private_key, std::span<const std::uint8_t, kKeyLen> public_key,
        std::span<std::uint8_t, kKeyLen> out) noexcept {
  crypto::ensure_sodium();
  if (crypto_scalarmult(out.data(), private_key.data(), public_key.data()) != 0) {
    crypto::wipe(out);
    return false;
  }
  return true;
}

PublicKey public_of(const Key& private_key) noexcept {
  crypto::ensure_sodium();
  PublicKey pub{};
  crypto_scalarmult_base(pub.data(), private_key.data());
  return pub;
}

void kdf_rk(Key& rk, std::span<const std::uint8_t, kKeyLen> dh_out, Key& ck, Key& nhk) noexcept {
  crypto::Secret<kRootOutputLen> okm;
  hkdf(rk.span(), dh_out, info(kRootInfo, sizeof kRootInfo), okm.span());
  std::memcpy(rk.data(), okm.data(), kKeyLen);
  std::memcpy(ck.data(), okm.data() + kKeyLen, kKeyLen);
  std::memcpy(nhk.data(), okm.data() + 2 * kKeyLen, kKeyLen);
}

void kdf_ck(Key& ck, Key& mk) noexcept {
  static constexpr std::uint8_t kMk[1] = {kMessageKeyConstant};
  static constexpr std::uint8_t kCk[1] = {kChainKeyConstant};
  hmac_sha256(ck.span(), {kMk}, mk.span());
  hmac_sha256(ck.span(), {kCk}, ck.span());  // out may alias the key
}

void seal_body(const Key& mk, std::initializer_list<std::span<const std::uint8_t>> ad_parts,
               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out) {
  if (out.size() != plaintext.size() + kAeadTagLen) core::misuse("ratchet: seal_body output size");
  const auto km = message_key_material(mk);
  const auto ad = join(ad_parts);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &len, plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, km.data() + kKeyLen, km.data());
}

bool open_body(const Key& mk, std::initializer_list<std::span<const std::uint8_t>> ad_parts,
               std::span<const std::uint8_t> ciphertext, std::span<std::uint8_t> out) {
  if (ciphertext.size() < kAeadTagLen || out.size() != ciphertext.size() - kAeadTagLen) {
    core::misuse("ratchet: open_body size");
  }
  const auto km = message_key_material(mk);
  const auto ad = join(ad_parts);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &len, nullptr, ciphertext.data(), ciphertext.size(),
                                                 ad.data(), ad.size(), km.data() + kKeyLen, km.data()) != 0) {
    crypto::wipe(out);
    return false;
  }
  return true;
}

void seal_header(const Key& hk, const RatchetHeader& header, crypto::RandomSource& rng,
                 std::span<std::uint8_t, kHeaderLen> out) noexcept {
  std::array<std::uint8_t, kHeaderPlainLen> plain{};
  encode_header(header, plain);
  rng.fill(out.first(kAeadNonceLen));
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kAeadNonceLen, &len, plain.data(), plain.size(), nullptr,
                                             0, nullptr, out.data(), hk.data());
  crypto::wipe(plain);
}

bool open_header(const Key& hk, std::span<const std::uint8_t> sealed, RatchetHeader& out) noexcept {
  if (sealed.size() != kHeaderLen) return false;
  std::array<std::uint8_t, kHeaderPlainLen> plain{};
  unsigned long long len = 0;
  const bool ok = crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &len, nullptr, sealed.data() + kAeadNonceLen,
                                                             kHeaderPlainLen + kAeadTagLen, nullptr, 0, sealed.data(),
                                                             hk.data()) == 0;
  if (ok) out = decode_header(plain);
  crypto::wipe(plain);
  return ok;
}

}  // namespace tumar::ratchet
