#pragma once
// The key file's cryptography, without any file I/O (so the fuzz target and
// the known-answer tests drive exactly what production runs):
//
//   wrapping key = Argon2id13(passphrase, salt, opslimit, memlimit) -> 32 bytes
//   slot i       = nonce || XChaCha20-Poly1305-IETF(wrapping key, nonce,
//                                                   plaintext, AD = header || i)
//
// The whole 48-byte header is in the AD, so an attacker who edits the file
// cannot lower the KDF limits (or change the salt) and still have a slot
// open, and the index byte keeps the two slots from being swapped.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/profile/key_file_format.hpp"

namespace tumar::profile {

using WrappingKey = crypto::Secret<kWrappingKeySize>;
using MasterKey = crypto::Secret<kMasterKeySize>;
using Nonce = std::array<std::uint8_t, kNonceSize>;

// Empty passphrase -> kInvalidArgument. Out-of-bounds limits -> kInvalidArgument
// (parse_header has already refused them for files read from disk). Argon2id
// unable to get its memory -> kStorage. Runs Argon2id exactly once.
[[nodiscard]] core::Result<WrappingKey> derive_wrapping_key(const crypto::SecretBuffer& passphrase,
                                                            const KeyFileHeader& header);

[[nodiscard]] SlotBytes seal_slot(const WrappingKey& key, const HeaderBytes& header, std::uint8_t index,
                                  const crypto::SecretBuffer& plaintext, const Nonce& nonce);

// The 128-byte plaintext, or nullopt when the slot does not authenticate
// under this key (wrong passphrase, edited header or slot, wrong index).
[[nodiscard]] std::optional<crypto::SecretBuffer> open_slot(const WrappingKey& key, const HeaderBytes& header,
                                                            std::uint8_t index, const SlotBytes& slot);

// An unset slot: 168 random bytes, which without a passphrase cannot be told
// from a sealed one (random nonce, ciphertext and tag all look uniform).
[[nodiscard]] SlotBytes random_slot(crypto::RandomSource& rng);

// A fresh key file: slot 0 wraps `master`, slot 1 is random (no duress).
// Draws from rng: slot 0's nonce, then slot 1's 168 bytes.
[[nodiscard]] KeyFileBytes build_key_file(const KeyFileHeader& header, const WrappingKey& key, const MasterKey& master,
                                          const DatabaseId& db_id, crypto::RandomSource& rng);

// A fresh header: the limits given and a salt from rng.
[[nodiscard]] KeyFileHeader new_header(const KdfLimits& limits, crypto::RandomSource& rng);

struct Unlocked {
  SlotKind kind = SlotKind::kReal;
  MasterKey master;
  DatabaseId db_id{};
  std::string decoy_name;    // not secret; empty for the real slot
  WrappingKey wrapping_key;  // lets a duress unlock create the fresh profile's file without a second Argon2id
  KeyFileHeader header;      // its salt and limits, for the same reason
};

// Tries BOTH slots whatever happens, so the time taken does not say which
// one opened. Neither -> kWrongPassphrase. (Both can only open if the two
// passphrases are equal, which set_duress refuses; the real slot wins then.)
[[nodiscard]] core::Result<Unlocked> open_key_file(const ParsedKeyFile& file, WrappingKey key);

// parse_key_file + derive_wrapping_key + open_key_file.
[[nodiscard]] core::Result<Unlocked> unlock_key_file_bytes(std::span<const std::uint8_t> bytes,
                                                           const crypto::SecretBuffer& passphrase);

}  // namespace tumar::profile
