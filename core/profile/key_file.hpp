#pragma once
// The key file on disk: tumar.key in the profile's home. A random 32-byte
// master key, wrapped under Argon2id(passphrase), in one of two slots that
// look alike whether or not a duress passphrase is set. Format: see
// key_file_format.hpp and docs/KEYFILE.md. Every write goes through
// atomic_file.hpp (crash-safe, old copy scrubbed).
//
// Secrets (passphrases, derived keys, slot plaintexts, the master key) live
// only in SecretBuffer/Secret and are wiped on every path; no error message
// contains anything derived from them.

#include <optional>
#include <string_view>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/profile/atomic_file.hpp"
#include "core/profile/kdf_limits.hpp"
#include "core/profile/key_file_format.hpp"
#include "core/profile/key_slots.hpp"

namespace tumar::profile {

// What a key-file operation takes from outside besides its arguments:
// randomness (salt, nonces, unset-slot filler, duress decoy keys) and an
// optional injected write fault. Production uses the defaults; tests pass a
// scripted RandomSource for known-answer bytes and a WriteFault for crash
// safety.
struct KeyFileSeams {
  crypto::RandomSource* rng = nullptr;  // nullptr = the system's randomness
  std::optional<WriteFault> fault;
};

class KeyFile {
 public:
  // A new key file: slot 0 wraps `master` under Argon2id(passphrase) with a
  // fresh salt, slot 1 is random (no duress). Never overwrites: an existing
  // file -> kProfileExists. Empty passphrase or limits out of bounds ->
  // kInvalidArgument.
  [[nodiscard]] static core::Result<void> create(const std::filesystem::path& path,
                                                 const crypto::SecretBuffer& passphrase, const KdfLimits& limits,
                                                 const MasterKey& master, const DatabaseId& db_id,
                                                 const KeyFileSeams& seams = {});

  // As create(), with a wrapping key already derived under `header`'s salt
  // and limits: after a duress unlock, the fresh profile's file is made from
  // the key the duress passphrase just produced, so the unlock costs one
  // Argon2id run like any other (a second run would show in the timing).
  [[nodiscard]] static core::Result<void> create_with_wrapping_key(const std::filesystem::path& path,
                                                                   const KeyFileHeader& header,
                                                                   const WrappingKey& wrapping_key,
                                                                   const MasterKey& master, const DatabaseId& db_id,
                                                                   const KeyFileSeams& seams = {});

  // Derives once and tries both slots (see open_key_file). Neither opens ->
  // kWrongPassphrase "The passphrase is wrong."; no file -> kNoProfile;
  // malformed file -> kCorrupt (before any derivation).
  [[nodiscard]] static core::Result<Unlocked> unlock(const std::filesystem::path& path,
                                                     const crypto::SecretBuffer& passphrase);

  // `old_pass` must open the real slot (kWrongPassphrase otherwise, also for
  // the duress passphrase: handling duress is the caller's job). Rewraps slot
  // 0 under Argon2id(new_pass, same salt and limits) with a fresh nonce; the
  // header and slot 1 stay byte-identical, so the duress slot keeps working
  // and two snapshots of the file do not tell whether duress is set.
  // If new_pass equals the duress passphrase, the real slot wins from then
  // on (duress is silently disabled): refusing would turn this call into a
  // way to test duress guesses without triggering the wipe.
  [[nodiscard]] static core::Result<void> change_passphrase(const std::filesystem::path& path,
                                                            const crypto::SecretBuffer& old_pass,
                                                            const crypto::SecretBuffer& new_pass,
                                                            const KeyFileSeams& seams = {});

  // `passphrase` must open the real slot. Seals slot 1 (kind duress, a random
  // unused master key and database id, and `decoy_name` for the fresh
  // profile a duress unlock creates) under Argon2id(duress_pass, same salt).
  // Only slot 1's bytes change. A duress passphrase that opens slot 0 (equal
  // to the real one) -> kInvalidArgument.
  [[nodiscard]] static core::Result<void> set_duress(const std::filesystem::path& path,
                                                     const crypto::SecretBuffer& passphrase,
                                                     const crypto::SecretBuffer& duress_pass,
                                                     std::string_view decoy_name, const KeyFileSeams& seams = {});

  // `passphrase` must open the real slot (kWrongPassphrase otherwise). Slot 1
  // becomes kSlotSize fresh random bytes, exactly what create() writes for
  // "no duress": the file then looks like one where duress was never set,
  // whether or not it was. Only slot 1's bytes change.
  [[nodiscard]] static core::Result<void> remove_duress(const std::filesystem::path& path,
                                                        const crypto::SecretBuffer& passphrase,
                                                        const KeyFileSeams& seams = {});
};

}  // namespace tumar::profile
