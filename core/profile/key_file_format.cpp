#include "core/profile/key_file_format.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <sodium.h>

#include "core/error_ids.hpp"

namespace tumar::profile {
namespace {

static_assert(kKeyFileAlgArgon2id13 == crypto_pwhash_ALG_ARGON2ID13);
static_assert(kSaltSize == crypto_pwhash_SALTBYTES);
static_assert(kNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kWrappingKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kAlgOffset = 9;
constexpr std::size_t kReservedOffset = 10;
constexpr std::size_t kReservedSize = 6;
constexpr std::size_t kOpsOffset = 16;
constexpr std::size_t kMemOffset = 24;
constexpr std::size_t kSaltOffset = 32;
static_assert(kSaltOffset + kSaltSize == kHeaderSize);

void put_u64_le(std::uint8_t* out, std::uint64_t v) noexcept {
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t get_u64_le(const std::uint8_t* in) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{in[i]} << (8 * i);
  return v;
}

template <core::ErrorId Id, typename... Values>
core::Error corrupt(Values&&... values) {
  return core::make_error<Id>(core::Errc::kCorrupt, std::forward<Values>(values)...);
}

}  // namespace

HeaderBytes KeyFileHeader::encode() const noexcept {
  HeaderBytes h{};
  std::copy(kKeyFileMagic.begin(), kKeyFileMagic.end(), h.begin());
  h[kVersionOffset] = kKeyFileVersion;
  h[kAlgOffset] = kKeyFileAlgArgon2id13;
  put_u64_le(h.data() + kOpsOffset, limits.opslimit);
  put_u64_le(h.data() + kMemOffset, limits.memlimit);
  std::copy(salt.begin(), salt.end(), h.begin() + kSaltOffset);
  return h;
}

core::Result<KeyFileHeader> parse_header(std::span<const std::uint8_t, kHeaderSize> bytes) {
  if (!std::equal(kKeyFileMagic.begin(), kKeyFileMagic.end(), bytes.begin())) {
    return tl::unexpected(corrupt<core::ErrorId::kProfileNotKeyFile>());
  }
  if (bytes[kVersionOffset] != kKeyFileVersion) {
    return tl::unexpected(corrupt<core::ErrorId::kProfileKeyFileVersion>(bytes[kVersionOffset]));
  }
  if (bytes[kAlgOffset] != kKeyFileAlgArgon2id13) {
    return tl::unexpected(corrupt<core::ErrorId::kProfileKeyFileAlgorithm>());
  }
  for (std::size_t i = kReservedOffset; i < kReservedOffset + kReservedSize; ++i) {
    if (bytes[i] != 0) return tl::unexpected(corrupt<core::ErrorId::kProfileKeyFileHeaderDamaged>());
  }
  KeyFileHeader h;
  h.limits.opslimit = get_u64_le(bytes.data() + kOpsOffset);
  h.limits.memlimit = get_u64_le(bytes.data() + kMemOffset);
  // Before any derivation: the limits decide how much memory and time
  // Argon2id takes, and whoever wrote the file chose them.
  if (!kdf_limits_in_bounds(h.limits)) {
    return tl::unexpected(
        corrupt<core::ErrorId::kProfileKeyFileHardeningOutOfRange>());
  }
  std::copy(bytes.begin() + kSaltOffset, bytes.end(), h.salt.begin());
  return h;
}

core::Result<ParsedKeyFile> parse_key_file(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kKeyFileSize) {
    return tl::unexpected(corrupt<core::ErrorId::kProfileKeyFileSize>(bytes.size()));
  }
  ParsedKeyFile parsed;
  TUMAR_TRY_ASSIGN(header, parse_header(bytes.first<kHeaderSize>()));
  parsed.header = header;
  std::copy_n(bytes.begin(), kHeaderSize, parsed.header_bytes.begin());
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + i * kSlotSize), kSlotSize,
                parsed.slots[i].begin());
  }
  return parsed;
}

KeyFileBytes assemble_key_file(const HeaderBytes& header, const SlotBytes& slot0, const SlotBytes& slot1) noexcept {
  KeyFileBytes out{};
  auto at = std::copy(header.begin(), header.end(), out.begin());
  at = std::copy(slot0.begin(), slot0.end(), at);
  std::copy(slot1.begin(), slot1.end(), at);
  return out;
}

core::Result<void> validate_decoy_name(std::string_view name) {
  if (name.size() > kMaxDecoyNameBytes) {
    return core::fail<core::ErrorId::kProfileDecoyNameTooLong>(core::Errc::kInvalidArgument);
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return core::fail<core::ErrorId::kProfileDecoyNameControl>(core::Errc::kInvalidArgument);
    }
  }
  return {};
}

crypto::SecretBuffer encode_slot_plaintext(SlotKind kind, const crypto::Secret<kMasterKeySize>& master,
                                           const DatabaseId& db_id, std::string_view decoy_name) {
  // Callers validate the name; a name that does not fit is a programming error.
  if (decoy_name.size() > kMaxDecoyNameBytes) core::misuse("profile: a decoy name longer than the slot holds");
  crypto::SecretBuffer p(kSlotPlaintextSize);  // zero-filled: the padding
  p.data()[kKindOffset] = static_cast<std::uint8_t>(kind);
  std::memcpy(p.data() + kMasterOffset, master.data(), kMasterKeySize);
  std::memcpy(p.data() + kDatabaseIdOffset, db_id.data(), kDatabaseIdSize);
  p.data()[kNameLengthOffset] = static_cast<std::uint8_t>(decoy_name.size());
  if (!decoy_name.empty()) std::memcpy(p.data() + kNameOffset, decoy_name.data(), decoy_name.size());
  return p;
}

core::Result<SlotContents> decode_slot_plaintext(std::span<const std::uint8_t> plaintext, std::uint8_t slot_index) {
  const core::Error damaged = corrupt<core::ErrorId::kProfileKeyFileContentsDamaged>();
  if (plaintext.size() != kSlotPlaintextSize) return tl::unexpected(damaged);
  const SlotKind expected = slot_index == kRealSlotIndex ? SlotKind::kReal : SlotKind::kDuress;
  if (plaintext[kKindOffset] != static_cast<std::uint8_t>(expected)) return tl::unexpected(damaged);
  const std::size_t name_len = plaintext[kNameLengthOffset];
  if (name_len > kMaxDecoyNameBytes || (expected == SlotKind::kReal && name_len != 0)) return tl::unexpected(damaged);
  for (std::size_t i = kNameOffset + name_len; i < kSlotPlaintextSize; ++i) {
    if (plaintext[i] != 0) return tl::unexpected(damaged);
  }
  SlotContents c;
  c.kind = expected;
  std::memcpy(c.master.data(), plaintext.data() + kMasterOffset, kMasterKeySize);
  std::copy_n(plaintext.begin() + kDatabaseIdOffset, kDatabaseIdSize, c.db_id.begin());
  c.decoy_name.assign(reinterpret_cast<const char*>(plaintext.data() + kNameOffset), name_len);
  if (!validate_decoy_name(c.decoy_name)) return tl::unexpected(damaged);
  return c;
}

}  // namespace tumar::profile
