#include "core/profile/profile_paths.hpp"

#include <string>

namespace tumar::profile {

ProfilePaths ProfilePaths::in(const std::filesystem::path& home) {
  ProfilePaths p;
  p.home = home;
  p.key_file = home / kKeyFileName;
  p.key_file_tmp = temp_path_for(p.key_file);
  p.database = home / kDatabaseName;
  p.wal = home / (std::string(kDatabaseName) + "-wal");
  p.shm = home / (std::string(kDatabaseName) + "-shm");
  p.journal = home / (std::string(kDatabaseName) + "-journal");
  return p;
}

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += std::string(kTempSuffix);
  return tmp;
}

bool is_profile_file_name(std::string_view name) noexcept {
  // An exact list, not a prefix: --home may name a directory that also holds
  // the user's own "tumar.AppImage" or "tumar.notes.txt", and panic must not
  // destroy those. SQLite names nothing else here: temp files live in memory
  // and the VFS refuses super-journals (core/store/encrypted_vfs.cpp).
  static constexpr std::string_view kNames[] = {
      "tumar.key", "tumar.key.tmp", "tumar.db", "tumar.db-wal", "tumar.db-shm", "tumar.db-journal", "tumar.lock",
  };
  for (std::string_view n : kNames) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace tumar::profile
