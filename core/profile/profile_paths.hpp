#pragma once
// The names of a profile's files inside its home directory. Every one starts
// with "tumar." so that panic wipe can tell ours from anything else someone
// keeps in the same directory (it never touches the others).

#include <filesystem>
#include <string_view>

namespace tumar::profile {

inline constexpr std::string_view kKeyFileName = "tumar.key";
inline constexpr std::string_view kTempSuffix = ".tmp";  // atomic writes go to <name>.tmp first
inline constexpr std::string_view kDatabaseName = "tumar.db";

struct ProfilePaths {
  static ProfilePaths in(const std::filesystem::path& home);

  std::filesystem::path home;
  std::filesystem::path key_file;      // tumar.key
  std::filesystem::path key_file_tmp;  // tumar.key.tmp, only during a rewrite
  std::filesystem::path database;      // tumar.db
  std::filesystem::path wal;           // tumar.db-wal (SQLite names these after the database)
  std::filesystem::path shm;           // tumar.db-shm
  std::filesystem::path journal;       // tumar.db-journal
};

// The temp file an atomic write of `path` goes through (<path>.tmp).
[[nodiscard]] std::filesystem::path temp_path_for(const std::filesystem::path& path);

// Held locked by a running `serve` (core/profile/serve_lock.hpp).
inline constexpr std::string_view kServeLockName = "tumar.lock";

// The folder of tumar's own tor (cli/tor_mode.hpp): everything in it is
// tumar's, and panic wipes all of it.
inline constexpr std::string_view kTorDirName = "tumar.tor";

// True for exactly the file names tumar creates in a profile directory.
[[nodiscard]] bool is_profile_file_name(std::string_view name) noexcept;

}  // namespace tumar::profile
