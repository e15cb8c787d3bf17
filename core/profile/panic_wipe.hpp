#pragma once
// Panic wipe: destroy a profile now, with no passphrase. Crypto-erasure
// first: the key file is overwritten with random bytes, synced and unlinked
// (then any leftover tumar.key.tmp), and the directory synced; from that
// instant the encrypted database is noise to anyone, even where its blocks
// survive on flash. Only then is every other "tumar.*" regular file
// overwritten with zeros (1 MiB at a time), synced and unlinked.
//
// Files that are not tumar's are never touched, only listed: --home may
// point at a directory holding other things. Symlinks are unlinked, never
// followed. It works while another process holds the database open (that
// process keeps a descriptor to an overwritten, unlinked file, and its
// WipeWatch tells it to stop). Takes no lock: it must never wait.
//
// Best effort to the end: a failure on one file does not stop the rest; the
// first failure is returned as an error after everything else was tried.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace tumar::profile {

struct WipeReport {
  bool key_file_destroyed = false;          // a tumar.key was there and is gone
  std::chrono::nanoseconds key_gone_after{};  // call start -> key file (and temp) destroyed, directory synced
  std::size_t files_wiped = 0;              // entries removed, the key file included (symlinks count, 0 bytes)
  std::uint64_t bytes_overwritten = 0;
  std::chrono::nanoseconds total_duration{};
  std::vector<std::string> left_alone;  // names in home that are not tumar's (or not regular files), untouched
  bool home_removed = false;            // home was empty afterwards and was removed
};

// A missing home, or one with no tumar files, is not an error: the report
// then says nothing was there (key_file_destroyed false, files_wiped 0).
[[nodiscard]] core::Result<WipeReport> wipe_profile(const std::filesystem::path& home);

}  // namespace tumar::profile
