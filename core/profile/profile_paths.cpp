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

bool is_profile_file_name(std::string_view name) noexcept { return name.starts_with(kProfileFilePrefix); }

}  // namespace tumar::profile
