#include "core/profile/profile.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"
#include "core/profile/key_file.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/schema.hpp"

namespace tumar::profile {
namespace fs = std::filesystem;
using DbId = std::array<std::uint8_t, 16>;

namespace {

// The page key is derived, not stored: the master key is the only secret in
// the key file, and the database key can be rotated by changing the subkey id
// in a later format without rewrapping.
constexpr std::uint64_t kPageKeySubkeyId = 1;
constexpr char kPageKeyContext[crypto_kdf_CONTEXTBYTES + 1] = "tumardb1";

core::Result<void> make_home(const fs::path& home) {
  std::error_code ec;
  // An existing directory is someone's choice (--home may point anywhere,
  // even at $HOME): its mode is theirs and is left alone. Files tumar puts
  // in it are 0600 through the CLI's umask.
  if (fs::is_directory(home, ec)) return {};
  fs::create_directories(home, ec);
  if (ec) {
    return core::fail<core::ErrorId::kProfileCannotCreateHome>(core::Errc::kStorage, home.string(), ec.message());
  }
  // Only the owner may list or read the profile.
  if (::chmod(home.c_str(), 0700) != 0) {
    return core::fail<core::ErrorId::kProfileCannotRestrictHome>(core::Errc::kStorage, home.string(),
                                                                 std::strerror(errno));
  }
  return {};
}

// The key file alone makes a profile: database files without one are the
// remains of a crashed init or duress unlock, unreadable for good (their key
// never reached the disk or was destroyed), and are cleared by the next init.
bool key_file_present(const ProfilePaths& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p.key_file, ec));
}

void remove_database_files(const ProfilePaths& p) {
  std::error_code ec;
  for (const fs::path& f : {p.database, p.wal, p.shm, p.journal}) fs::remove(f, ec);
}

core::Result<void> write_identity(store::Database& db, const identity::LocalIdentity& id, const std::string& name) {
  TUMAR_TRY_ASSIGN(st, db.prepare(
      "INSERT INTO identity (id, display_name, identity_public, identity_secret, noise_public, noise_secret, "
      "binding_signature, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)"));
  const auto& pub = id.public_identity();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto bound : {st.bind(1, std::string_view(name)),
                     st.bind(2, std::span<const std::uint8_t>(pub.identity_key)),
                     st.bind(3, std::span<const std::uint8_t>(id.identity_secret().span())),
                     st.bind(4, std::span<const std::uint8_t>(pub.noise_key)),
                     st.bind(5, std::span<const std::uint8_t>(id.noise_secret().span())),
                     st.bind(6, std::span<const std::uint8_t>(pub.binding_signature)),
                     st.bind(7, static_cast<std::int64_t>(now))}) {
    if (!bound) return bound;
  }
  TUMAR_TRY(st.step());
  return {};
}

core::Result<void> validate_name(const std::string& name) {
  if (name.empty()) return core::fail<core::ErrorId::kProfileDisplayNameEmpty>(core::Errc::kInvalidArgument);
  if (name.size() > kMaxDisplayNameBytes) {
    return core::fail<core::ErrorId::kProfileDisplayNameTooLong>(core::Errc::kInvalidArgument);
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return core::fail<core::ErrorId::kProfileDisplayNameControl>(core::Errc::kInvalidArgument);
    }
  }
  return {};
}

// Stands up a new profile in `paths`: fresh master key, database id and
// identity. The database comes first and the key file last (written by
// `write_key_file`): the key file's presence is what makes a profile exist,
// so a crash in between leaves nothing that claims to open. On failure the
// database files are removed again.
core::Result<void> build_profile(const ProfilePaths& paths, const std::string& display_name,
                                 store::JournalMode mode, crypto::RandomSource& rng, crypto::Secret<32>& master,
                                 DbId& db_id,
                                 const std::function<core::Result<void>(const crypto::Secret<32>&, const DbId&)>&
                                     write_key_file) {
  rng.fill(master.span());
  rng.fill(db_id);
  auto built = [&]() -> core::Result<void> {
    TUMAR_TRY_ASSIGN(db, store::Database::open(paths.database, derive_page_key(master), db_id, mode));
    if (auto ok = migrate(db); !ok) return ok;
    auto id = identity::LocalIdentity::generate(rng);
    if (auto ok = write_identity(db, id, display_name); !ok) return ok;
    return write_key_file(master, db_id);
  }();
  if (!built) remove_database_files(paths);
  return built;
}

}  // namespace

crypto::Secret<32> derive_page_key(const crypto::Secret<32>& master) {
  crypto::Secret<32> key;
  crypto_kdf_derive_from_key(key.data(), key.kSize, kPageKeySubkeyId, kPageKeyContext, master.data());
  return key;
}

namespace {

// "~" and "~/x" as the shell would expand them, for a value that reached us
// unexpanded: TUMAR_HOME set in a file or a service's environment, or
// `--home=~/x` (the shell expands a tilde only at the start of a word).
// Other users' homes ("~bota") are not looked up.
fs::path expand_tilde(const std::string& value) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home != '/') return value;
  if (value == "~") return fs::path(home);
  if (value.starts_with("~/")) return fs::path(home) / value.substr(2);
  return value;
}

}  // namespace

core::Result<fs::path> resolve_home(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return fs::absolute(expand_tilde(*flag));
  if (const char* env = std::getenv("TUMAR_HOME"); env != nullptr && *env != '\0') {
    return fs::absolute(expand_tilde(env));
  }
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') return fs::path(xdg) / "tumar";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return fs::path(home) / ".local" / "share" / "tumar";
  }
  return core::fail<core::ErrorId::kProfileNoHome>(core::Errc::kInvalidArgument);
}

Profile::Profile(ProfilePaths paths, store::Database db, identity::LocalIdentity id, std::string name,
                 WipeWatch watch)
    : paths_(std::move(paths)),
      db_(std::move(db)),
      identity_(std::move(id)),
      display_name_(std::move(name)),
      watch_(std::move(watch)) {}

bool Profile::exists(const fs::path& home) { return key_file_present(ProfilePaths::in(home)); }

core::Result<Profile> Profile::create(const fs::path& home, const crypto::SecretBuffer& passphrase,
                                      const InitOptions& options, crypto::RandomSource& rng) {
  crypto::ensure_sodium();
  ProfilePaths paths = ProfilePaths::in(home);
  TUMAR_TRY(validate_name(options.display_name));
  if (key_file_present(paths)) {
    return core::fail<core::ErrorId::kProfileExistsAt>(core::Errc::kProfileExists, home.string());
  }
  TUMAR_TRY(make_home(home));
  remove_database_files(paths);

  crypto::Secret<32> master;
  DbId db_id{};
  TUMAR_TRY(build_profile(paths, options.display_name, options.journal_mode, rng, master, db_id,
                            [&](const crypto::Secret<32>& m, const DbId& id) {
                              return KeyFile::create(paths.key_file, passphrase, options.kdf, m, id);
                            }));
  return open_unlocked(paths, master, db_id);
}

core::Result<Profile> Profile::open_unlocked(const ProfilePaths& paths, const crypto::Secret<32>& master,
                                             const DbId& db_id) {
  std::error_code ec;
  if (!fs::exists(paths.database, ec)) {
    return core::fail<core::ErrorId::kProfileDatabaseMissing>(core::Errc::kCorrupt, paths.home.string());
  }
  TUMAR_TRY_ASSIGN(watch, WipeWatch::arm(paths));
  TUMAR_TRY_ASSIGN(db, store::Database::open(paths.database, derive_page_key(master), db_id, store::JournalMode::kWal));
  TUMAR_TRY(migrate(db));

  TUMAR_TRY_ASSIGN(st, db.prepare("SELECT display_name, identity_secret, noise_secret FROM identity WHERE id = 1"));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return core::fail<core::ErrorId::kProfileNoIdentity>(core::Errc::kCorrupt);
  std::string name = st.column_text(0);
  auto id_blob = st.column_blob(1);
  auto noise_blob = st.column_blob(2);
  if (id_blob.size() != identity::kIdentitySecretSize || noise_blob.size() != identity::kNoiseKeySize) {
    return core::fail<core::ErrorId::kProfileIdentitySize>(core::Errc::kCorrupt);
  }
  auto id_secret = crypto::Secret<identity::kIdentitySecretSize>::copy_of(
      std::span<const std::uint8_t, identity::kIdentitySecretSize>(id_blob.data(), identity::kIdentitySecretSize));
  auto noise_secret = crypto::Secret<identity::kNoiseKeySize>::copy_of(
      std::span<const std::uint8_t, identity::kNoiseKeySize>(noise_blob.data(), identity::kNoiseKeySize));
  st.reset();
  TUMAR_TRY_ASSIGN(id, identity::LocalIdentity::from_secrets(id_secret, noise_secret));
  return Profile(paths, std::move(db), std::move(id), std::move(name), std::move(watch));
}

core::Result<Profile> Profile::unlock(const fs::path& home, const crypto::SecretBuffer& passphrase,
                                      crypto::RandomSource& rng) {
  crypto::ensure_sodium();
  ProfilePaths paths = ProfilePaths::in(home);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(paths.key_file, ec))) {
    return core::fail<core::ErrorId::kProfileNone>(core::Errc::kNoProfile, home.string());
  }
  TUMAR_TRY_ASSIGN(unlocked, KeyFile::unlock(paths.key_file, passphrase));
  if (unlocked.kind == SlotKind::kReal) return open_unlocked(paths, unlocked.master, unlocked.db_id);

  // Duress: destroy the real profile, then stand up a fresh one that the
  // duress passphrase opens, reusing the key it already derived so the
  // unlock costs one Argon2id run like any other.
  //
  // From here on nothing may say "wipe" to whoever is watching: a partial
  // failure of the wipe (say, the home directory is a symlink it cannot
  // remove) is not reported; what matters is that the key file is gone.
  (void)wipe_profile(home);
  if (key_file_present(paths)) {
    return core::fail<core::ErrorId::kProfileNotWritable>(core::Errc::kStorage, home.string());
  }
  TUMAR_TRY(make_home(home));
  remove_database_files(paths);
  crypto::Secret<32> master;
  DbId db_id{};
  std::string name = unlocked.decoy_name.empty() ? std::string("tumar") : unlocked.decoy_name;
  TUMAR_TRY(build_profile(paths, name, store::JournalMode::kWal, rng, master, db_id,
                            [&](const crypto::Secret<32>& m, const DbId& id) {
                              return KeyFile::create_with_wrapping_key(paths.key_file, unlocked.header,
                                                                       unlocked.wrapping_key, m, id);
                            }));
  return open_unlocked(paths, master, db_id);
}

core::Result<void> Profile::change_passphrase(const fs::path& home, const crypto::SecretBuffer& old_pass,
                                              const crypto::SecretBuffer& new_pass, crypto::RandomSource& rng) {
  // Through unlock, so the duress passphrase wipes here too and the change
  // then applies to the fresh profile, exactly as it would on a new one.
  TUMAR_TRY_ASSIGN(profile, unlock(home, old_pass, rng));
  return KeyFile::change_passphrase(profile.paths().key_file, old_pass, new_pass);
}

core::Result<void> Profile::set_duress(const fs::path& home, const crypto::SecretBuffer& passphrase,
                                       const crypto::SecretBuffer& duress_pass, crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(profile, unlock(home, passphrase, rng));
  return KeyFile::set_duress(profile.paths().key_file, passphrase, duress_pass, profile.display_name());
}

core::Result<void> Profile::remove_duress(const fs::path& home, const crypto::SecretBuffer& passphrase,
                                          crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(profile, unlock(home, passphrase, rng));
  return KeyFile::remove_duress(profile.paths().key_file, passphrase);
}

}  // namespace tumar::profile
