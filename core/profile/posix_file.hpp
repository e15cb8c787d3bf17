#pragma once
// The few POSIX file operations that key-file writes and panic wipe share:
// an owning descriptor, writing and overwriting in place, fsync, and
// destroying one directory entry without ever following a symlink. They
// return 0 or an errno so that callers can decide what a failure means
// (for panic wipe: note it and carry on destroying the rest).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/error.hpp"

namespace tumar::profile {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() noexcept;

 private:
  int fd_ = -1;
};

enum class Fill : std::uint8_t {
  kRandom,  // key material: what was there must not be guessable from what is left
  kZeros,   // bulk data that is already encrypted: cheaper, and just as final
};

// Overwrite chunk: bounds the buffer (and so memory use) whatever the file size.
inline constexpr std::size_t kOverwriteChunk = std::size_t{1} << 20;

// Writes all of `bytes` at the current offset, retrying short writes and EINTR.
[[nodiscard]] int write_all(int fd, std::span<const std::uint8_t> bytes) noexcept;

// Overwrites bytes [0, size) of the file in place, kOverwriteChunk at a time.
[[nodiscard]] int overwrite_in_place(int fd, std::uint64_t size, Fill fill) noexcept;

[[nodiscard]] int sync_fd(int fd) noexcept;

// Opens a directory (following a symlink only if `dir` itself is one: that
// is the path the user chose) for *at() calls and fsync.
[[nodiscard]] core::Result<UniqueFd> open_directory(const std::filesystem::path& dir);

struct DestroyOutcome {
  enum class Kind : std::uint8_t {
    kAbsent,      // nothing by that name
    kFile,        // a regular file: overwritten, synced and unlinked
    kSymlink,     // a symlink: unlinked, its target untouched
    kNotRegular,  // a directory, FIFO, socket or device: left alone
  };
  Kind kind = Kind::kAbsent;
  std::uint64_t bytes_overwritten = 0;
  int error = 0;  // 0, or the errno of the first step that failed (the later steps still ran)
};

// Overwrites `name` in `dirfd` with `fill`, fsyncs it and unlinks it. Never
// follows a symlink, never opens a device (its open could have side effects).
// Does not fsync the directory: callers batch that.
[[nodiscard]] DestroyOutcome destroy_entry(int dirfd, const std::string& name, Fill fill) noexcept;

}  // namespace tumar::profile
