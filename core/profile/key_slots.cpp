#include "core/profile/key_slots.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"

namespace tumar::profile {
namespace {

std::array<std::uint8_t, kAdSize> make_ad(const HeaderBytes& header, std::uint8_t index) noexcept {
  std::array<std::uint8_t, kAdSize> ad{};
  std::memcpy(ad.data(), header.data(), kHeaderSize);
  ad[kHeaderSize] = index;
  return ad;
}

}  // namespace

core::Result<WrappingKey> derive_wrapping_key(const crypto::SecretBuffer& passphrase, const KeyFileHeader& header) {
  crypto::ensure_sodium();
  if (passphrase.empty()) return core::fail<core::ErrorId::kProfileEmptyPassphrase>(core::Errc::kInvalidArgument);
  if (!kdf_limits_in_bounds(header.limits)) {
    return core::fail<core::ErrorId::kProfileHardeningOutOfRange>(core::Errc::kInvalidArgument);
  }
  WrappingKey key;
  if (crypto_pwhash(key.data(), kWrappingKeySize, reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                    header.salt.data(), header.limits.opslimit, static_cast<std::size_t>(header.limits.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::fail<core::ErrorId::kProfileHardeningOutOfMemory>(core::Errc::kStorage, header.limits.memlimit >> 20);
  }
  return key;
}

SlotBytes seal_slot(const WrappingKey& key, const HeaderBytes& header, std::uint8_t index,
                    const crypto::SecretBuffer& plaintext, const Nonce& nonce) {
  crypto::ensure_sodium();
  if (plaintext.size() != kSlotPlaintextSize || index >= kSlotCount) core::misuse("profile: seal_slot size or index");
  const auto ad = make_ad(header, index);
  SlotBytes slot{};
  std::memcpy(slot.data(), nonce.data(), kNonceSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(slot.data() + kNonceSize, &written, plaintext.data(), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(), key.data());
  if (written != kSlotPlaintextSize + kTagSize) std::abort();
  return slot;
}

std::optional<crypto::SecretBuffer> open_slot(const WrappingKey& key, const HeaderBytes& header, std::uint8_t index,
                                              const SlotBytes& slot) {
  crypto::ensure_sodium();
  if (index >= kSlotCount) core::misuse("profile: key slot index out of range");
  const auto ad = make_ad(header, index);
  crypto::SecretBuffer plaintext(kSlotPlaintextSize);
  unsigned long long written = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.data(), &written, nullptr,
                                                            slot.data() + kNonceSize, kSlotPlaintextSize + kTagSize,
                                                            ad.data(), ad.size(), slot.data(), key.data());
  if (rc != 0 || written != kSlotPlaintextSize) return std::nullopt;
  return plaintext;
}

SlotBytes random_slot(crypto::RandomSource& rng) {
  SlotBytes slot{};
  rng.fill(slot);
  return slot;
}

KeyFileHeader new_header(const KdfLimits& limits, crypto::RandomSource& rng) {
  KeyFileHeader h;
  h.limits = limits;
  rng.fill(h.salt);
  return h;
}

KeyFileBytes build_key_file(const KeyFileHeader& header, const WrappingKey& key, const MasterKey& master,
                            const DatabaseId& db_id, crypto::RandomSource& rng) {
  const HeaderBytes hb = header.encode();
  Nonce nonce{};
  rng.fill(nonce);
  const crypto::SecretBuffer plaintext = encode_slot_plaintext(SlotKind::kReal, master, db_id, "");
  const SlotBytes real = seal_slot(key, hb, kRealSlotIndex, plaintext, nonce);
  const SlotBytes unset = random_slot(rng);
  return assemble_key_file(hb, real, unset);
}

core::Result<Unlocked> open_key_file(const ParsedKeyFile& file, WrappingKey key) {
  // Both, unconditionally and in this order: no early exit after slot 0.
  std::optional<crypto::SecretBuffer> real = open_slot(key, file.header_bytes, kRealSlotIndex, file.slots[0]);
  std::optional<crypto::SecretBuffer> duress = open_slot(key, file.header_bytes, kDuressSlotIndex, file.slots[1]);
  // Decode both as well when both opened, so a damaged duress slot is not
  // hidden behind a working real one only some of the time.
  std::optional<core::Result<SlotContents>> real_c, duress_c;
  if (real) real_c = decode_slot_plaintext(real->span(), kRealSlotIndex);
  if (duress) duress_c = decode_slot_plaintext(duress->span(), kDuressSlotIndex);

  std::optional<core::Result<SlotContents>>& chosen = real_c ? real_c : duress_c;
  if (!chosen) return core::fail<core::ErrorId::kProfileWrongPassphrase>(core::Errc::kWrongPassphrase);
  if (!*chosen) return tl::unexpected((*chosen).error());
  SlotContents& c = **chosen;
  Unlocked u;
  u.kind = c.kind;
  u.master = std::move(c.master);
  u.db_id = c.db_id;
  u.decoy_name = std::move(c.decoy_name);
  u.wrapping_key = std::move(key);
  u.header = file.header;
  return u;
}

core::Result<Unlocked> unlock_key_file_bytes(std::span<const std::uint8_t> bytes,
                                             const crypto::SecretBuffer& passphrase) {
  if (passphrase.empty()) return core::fail<core::ErrorId::kProfileEmptyPassphrase>(core::Errc::kInvalidArgument);
  TUMAR_TRY_ASSIGN(parsed, parse_key_file(bytes));
  TUMAR_TRY_ASSIGN(key, derive_wrapping_key(passphrase, parsed.header));
  return open_key_file(parsed, std::move(key));
}

}  // namespace tumar::profile
