#pragma once
// Crash-safe replacement of a small file that holds key material, leaving no
// old copy behind in the file system:
//
//   kCreateTemp  open <name>.tmp  O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600
//   kWriteTemp   write the new bytes
//   kSyncTemp    fsync the temp file
//   kRename      rename <name>.tmp over <name>   (atomic: old or new, never neither)
//   kSyncDir     fsync the directory               (the rename is durable)
//   kScrubOld    overwrite the old inode, through a descriptor kept open on it, with random bytes
//   kSyncOld     fsync it; close
//
// Why kScrubOld: the old file holds the master key wrapped under the OLD
// passphrase. If that passphrase leaked (it is why people change it), the
// old blocks must not still be lying on disk. On flash and on copy-on-write
// or journalling file systems an old copy may survive anyway; docs/KEYFILE.md
// says so.
//
// All writers take an exclusive flock on the directory (readers a shared
// one), so two tumar processes cannot interleave a read-modify-write, and a
// reader never reads an inode while it is being scrubbed. Panic wipe takes
// no lock: it must never wait.
//
// Tests inject a failure at any step: kError as if the system call failed
// (the normal clean-up runs), kCrash as if the process died right there (no
// clean-up at all; descriptors close as the kernel would close them).

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/profile/posix_file.hpp"

namespace tumar::profile {

enum class WriteStep : std::uint8_t { kCreateTemp, kWriteTemp, kSyncTemp, kRename, kSyncDir, kScrubOld, kSyncOld };
inline constexpr std::array<WriteStep, 7> kAllWriteSteps = {
    WriteStep::kCreateTemp, WriteStep::kWriteTemp, WriteStep::kSyncTemp, WriteStep::kRename,
    WriteStep::kSyncDir,    WriteStep::kScrubOld,  WriteStep::kSyncOld};
[[nodiscard]] const char* write_step_name(WriteStep step) noexcept;  // a key the front end words (field `step`)

enum class FaultKind : std::uint8_t { kError, kCrash };
struct WriteFault {
  WriteStep step;
  FaultKind kind;
};

// A directory held open and flock'd for the duration of a key-file operation.
class LockedDir {
 public:
  enum class Mode : std::uint8_t { kShared, kExclusive };
  [[nodiscard]] static core::Result<LockedDir> lock(const std::filesystem::path& dir, Mode mode);

  int fd() const noexcept { return fd_.get(); }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  LockedDir(UniqueFd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;  // closing it releases the flock
  std::filesystem::path path_;
};

// Reads a whole small file (at most max_size bytes, else kCorrupt). A missing
// file is kNoProfile. Never follows a symlink.
[[nodiscard]] core::Result<std::vector<std::uint8_t>> read_small_file(const LockedDir& dir, const std::string& name,
                                                                      std::size_t max_size);

// An existing file opened read-write, its contents read: replace_file()
// later scrubs exactly this inode.
class ReplaceableFile {
 public:
  [[nodiscard]] static core::Result<ReplaceableFile> open(const LockedDir& dir, const std::string& name,
                                                          std::size_t max_size);
  const std::vector<std::uint8_t>& contents() const noexcept { return contents_; }

 private:
  friend core::Result<void> replace_file(const LockedDir&, ReplaceableFile,
                                         std::span<const std::uint8_t>, std::optional<WriteFault>);
  ReplaceableFile(UniqueFd fd, std::string name, std::vector<std::uint8_t> contents, dev_t dev, ino_t ino)
      : fd_(std::move(fd)), name_(std::move(name)), contents_(std::move(contents)), dev_(dev), ino_(ino) {}
  UniqueFd fd_;
  std::string name_;
  std::vector<std::uint8_t> contents_;
  dev_t dev_;
  ino_t ino_;
};

// Creates `name` with `bytes`; never replaces anything (kProfileExists if
// the name exists, checked atomically by the no-replace rename). Steps
// kCreateTemp..kSyncDir.
[[nodiscard]] core::Result<void> create_file(const LockedDir& dir, const std::string& name,
                                             std::span<const std::uint8_t> bytes,
                                             std::optional<WriteFault> fault = std::nullopt);

// Replaces `old` with `bytes` by the sequence at the top of this file.
[[nodiscard]] core::Result<void> replace_file(const LockedDir& dir, ReplaceableFile old,
                                              std::span<const std::uint8_t> bytes,
                                              std::optional<WriteFault> fault = std::nullopt);

}  // namespace tumar::profile
