#pragma once
// The key file's byte layout (docs/KEYFILE.md has the same table). This file
// only lays bytes out and checks them; the cryptography is in key_slots.*
// and the file I/O in key_file.*.
//
//   offset size  header (48 bytes, all of it authenticated as AD of each slot)
//        0    8  magic "TUMARKF1"
//        8    1  version = 1
//        9    1  alg = 2 (crypto_pwhash_ALG_ARGON2ID13)
//       10    6  zero
//       16    8  opslimit, u64 little-endian
//       24    8  memlimit, u64 little-endian (bytes)
//       32   16  salt
//       48  168  slot 0 (real):   nonce (24) | XChaCha20-Poly1305 ciphertext (128) | tag (16)
//      216  168  slot 1 (duress): same layout, or 168 random bytes when unset
//      384       end
//
//   slot plaintext (128 bytes)
//        0    1  kind: 1 = real, 2 = duress
//        1   32  master key
//       33   16  database id
//       49    1  name length (0..78; 0 in the real slot)
//       50   78  decoy display name, UTF-8, zero padded

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/profile/kdf_limits.hpp"

namespace tumar::profile {

inline constexpr std::array<std::uint8_t, 8> kKeyFileMagic = {'T', 'U', 'M', 'A', 'R', 'K', 'F', '1'};
inline constexpr std::uint8_t kKeyFileVersion = 1;
inline constexpr std::uint8_t kKeyFileAlgArgon2id13 = 2;  // == crypto_pwhash_ALG_ARGON2ID13 (checked in .cpp)

inline constexpr std::size_t kSaltSize = 16;     // crypto_pwhash_SALTBYTES
inline constexpr std::size_t kNonceSize = 24;    // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
inline constexpr std::size_t kTagSize = 16;      // crypto_aead_xchacha20poly1305_ietf_ABYTES
inline constexpr std::size_t kMasterKeySize = 32;
inline constexpr std::size_t kWrappingKeySize = 32;  // crypto_aead_xchacha20poly1305_ietf_KEYBYTES
inline constexpr std::size_t kDatabaseIdSize = 16;
inline constexpr std::size_t kMaxDecoyNameBytes = 78;

inline constexpr std::size_t kHeaderSize = 48;
inline constexpr std::size_t kSlotPlaintextSize = 128;
inline constexpr std::size_t kSlotSize = kNonceSize + kSlotPlaintextSize + kTagSize;
inline constexpr std::size_t kSlotCount = 2;
inline constexpr std::size_t kKeyFileSize = kHeaderSize + kSlotCount * kSlotSize;
inline constexpr std::size_t kAdSize = kHeaderSize + 1;  // header || slot index

// Slot plaintext field offsets.
inline constexpr std::size_t kKindOffset = 0;
inline constexpr std::size_t kMasterOffset = 1;
inline constexpr std::size_t kDatabaseIdOffset = kMasterOffset + kMasterKeySize;
inline constexpr std::size_t kNameLengthOffset = kDatabaseIdOffset + kDatabaseIdSize;
inline constexpr std::size_t kNameOffset = kNameLengthOffset + 1;

static_assert(kSlotSize == 168);
static_assert(kKeyFileSize == 384);
static_assert(kNameOffset + kMaxDecoyNameBytes == kSlotPlaintextSize);

using DatabaseId = std::array<std::uint8_t, kDatabaseIdSize>;
using Salt = std::array<std::uint8_t, kSaltSize>;
using HeaderBytes = std::array<std::uint8_t, kHeaderSize>;
using SlotBytes = std::array<std::uint8_t, kSlotSize>;
using KeyFileBytes = std::array<std::uint8_t, kKeyFileSize>;

// Slot 0 always holds the real key, slot 1 the duress one: the index is bound
// into each slot's AD, so the slots cannot be swapped.
enum class SlotKind : std::uint8_t { kReal = 1, kDuress = 2 };
inline constexpr std::uint8_t kRealSlotIndex = 0;
inline constexpr std::uint8_t kDuressSlotIndex = 1;

struct KeyFileHeader {
  KdfLimits limits;
  Salt salt{};

  [[nodiscard]] HeaderBytes encode() const noexcept;
  friend bool operator==(const KeyFileHeader&, const KeyFileHeader&) = default;
};

// Strict: magic, version, alg, zero reserved bytes and in-bounds KDF limits,
// else kCorrupt. Nothing is derived before this has passed.
[[nodiscard]] core::Result<KeyFileHeader> parse_header(std::span<const std::uint8_t, kHeaderSize> bytes);

struct ParsedKeyFile {
  KeyFileHeader header;
  HeaderBytes header_bytes{};  // exactly as read: the AD is computed over these
  std::array<SlotBytes, kSlotCount> slots{};
};

// Exactly kKeyFileSize bytes and a valid header, else kCorrupt.
[[nodiscard]] core::Result<ParsedKeyFile> parse_key_file(std::span<const std::uint8_t> bytes);

[[nodiscard]] KeyFileBytes assemble_key_file(const HeaderBytes& header, const SlotBytes& slot0,
                                             const SlotBytes& slot1) noexcept;

// A decoy name must fit its field and hold no control characters (it is shown
// on a terminal) and no NUL (it would be ambiguous with the padding).
[[nodiscard]] core::Result<void> validate_decoy_name(std::string_view name);

// The 128-byte slot plaintext, in protected memory.
[[nodiscard]] crypto::SecretBuffer encode_slot_plaintext(SlotKind kind, const crypto::Secret<kMasterKeySize>& master,
                                                         const DatabaseId& db_id, std::string_view decoy_name);

struct SlotContents {
  SlotKind kind = SlotKind::kReal;
  crypto::Secret<kMasterKeySize> master;
  DatabaseId db_id{};
  std::string decoy_name;  // not secret: a display name; empty in the real slot
};

// Strict on the authenticated plaintext too (kind matches the slot, name
// length in range, padding zero): an error means a bug or a broken writer,
// since only a holder of the passphrase can produce a plaintext. kCorrupt.
[[nodiscard]] core::Result<SlotContents> decode_slot_plaintext(std::span<const std::uint8_t> plaintext,
                                                               std::uint8_t slot_index);

}  // namespace tumar::profile
