#pragma once
// A profile: one person's tumar on one machine. It ties the key file (who may
// open it), the encrypted database (what it holds) and the identity together,
// and it is where the duress rule lives: unlocking with the duress passphrase
// wipes the real profile silently and hands back a fresh, empty one.

#include <filesystem>
#include <optional>
#include <string>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/profile/kdf_limits.hpp"
#include "core/profile/profile_paths.hpp"
#include "core/profile/wipe_watch.hpp"
#include "core/store/database.hpp"

namespace tumar::profile {

inline constexpr std::size_t kMaxDisplayNameBytes = 78;  // fits the key file's decoy-name field

// The database's page key, derived from the master key in the key file.
// Only the profile opens its database with it; tests use it to decrypt
// every file of a profile and show what is, and is not, left on disk.
crypto::Secret<32> derive_page_key(const crypto::Secret<32>& master);

// --home, else $TUMAR_HOME, else ~/.local/share/tumar ($XDG_DATA_HOME/tumar if set).
// A leading "~" or "~/" in --home or $TUMAR_HOME means $HOME.
core::Result<std::filesystem::path> resolve_home(const std::optional<std::string>& flag);

struct InitOptions {
  std::string display_name;
  KdfLimits kdf = kdf_limits(KdfStrength::kModerate);
  store::JournalMode journal_mode = store::JournalMode::kWal;
};

class Profile {
 public:
  // Refuses (kProfileExists) if any profile file is already there; on failure
  // removes what it created, so a failed init changes nothing.
  static core::Result<Profile> create(const std::filesystem::path& home, const crypto::SecretBuffer& passphrase,
                                      const InitOptions& options, crypto::RandomSource& rng);

  // Wrong passphrase → kWrongPassphrase, nothing touched. The duress
  // passphrase → the real profile is wiped and a fresh one returned, with no
  // outward sign of the difference.
  static core::Result<Profile> unlock(const std::filesystem::path& home, const crypto::SecretBuffer& passphrase,
                                      crypto::RandomSource& rng);

  // Rewraps the master key; the database is never rewritten.
  static core::Result<void> change_passphrase(const std::filesystem::path& home, const crypto::SecretBuffer& old_pass,
                                              const crypto::SecretBuffer& new_pass, crypto::RandomSource& rng);

  static core::Result<void> set_duress(const std::filesystem::path& home, const crypto::SecretBuffer& passphrase,
                                       const crypto::SecretBuffer& duress_pass, crypto::RandomSource& rng);

  // Through unlock like set_duress: the duress passphrase wipes here too (a
  // refusal would tell it apart from a wrong one), and then "removes" the
  // fresh profile's duress slot, which was never set.
  static core::Result<void> remove_duress(const std::filesystem::path& home, const crypto::SecretBuffer& passphrase,
                                          crypto::RandomSource& rng);

  static bool exists(const std::filesystem::path& home);

  const ProfilePaths& paths() const { return paths_; }
  const std::string& display_name() const { return display_name_; }
  const identity::LocalIdentity& identity() const { return *identity_; }
  store::Database& database() { return db_; }
  const WipeWatch& wipe_watch() const { return watch_; }
  // WAL frames dropped at open because they failed authentication at the
  // log's tail: the last writes before an unclean shutdown, or tampering.
  std::uint64_t discarded_wal_frames() const { return db_.discarded_wal_frames(); }

 private:
  Profile(ProfilePaths paths, store::Database db, identity::LocalIdentity id, std::string name, WipeWatch watch);
  static core::Result<Profile> open_unlocked(const ProfilePaths& paths, const crypto::Secret<32>& master,
                                             const std::array<std::uint8_t, 16>& db_id);

  ProfilePaths paths_;
  store::Database db_;
  std::optional<identity::LocalIdentity> identity_;
  std::string display_name_;
  WipeWatch watch_;
};

}  // namespace tumar::profile
