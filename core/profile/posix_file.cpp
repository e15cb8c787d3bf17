#include "core/profile/posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"

namespace tumar::profile {

void UniqueFd::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int write_all(int fd, std::span<const std::uint8_t> bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return 0;
}

int overwrite_in_place(int fd, std::uint64_t size, Fill fill) noexcept {
  if (size == 0) return 0;
  crypto::ensure_sodium();
  const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(size, kOverwriteChunk));
  std::vector<std::uint8_t> buf;
  try {
    buf.assign(chunk, 0);
  } catch (...) {
    return ENOMEM;
  }
  std::uint64_t done = 0;
  while (done < size) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, chunk));
    if (fill == Fill::kRandom) randombytes_buf(buf.data(), n);
    std::size_t at = 0;
    while (at < n) {
      const ssize_t w = ::pwrite(fd, buf.data() + at, n - at, static_cast<off_t>(done + at));
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      if (w == 0) return EIO;
      at += static_cast<std::size_t>(w);
    }
    done += n;
  }
  return 0;
}

int sync_fd(int fd) noexcept {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

core::Result<UniqueFd> open_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    return core::fail<core::ErrorId::kProfileCannotOpenDirectory>(err == ENOENT ? core::Errc::kNoProfile
                                                                                : core::Errc::kStorage,
                                                                  dir.string(), std::strerror(err));
  }
  return fd;
}

DestroyOutcome destroy_entry(int dirfd, const std::string& name, Fill fill) noexcept {
  DestroyOutcome out;
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) out.error = errno;
    return out;
  }
  if (S_ISLNK(st.st_mode)) {
    out.kind = DestroyOutcome::Kind::kSymlink;
    if (::unlinkat(dirfd, name.c_str(), 0) != 0) out.error = errno;
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.kind = DestroyOutcome::Kind::kNotRegular;
    return out;
  }
  out.kind = DestroyOutcome::Kind::kFile;
  auto note = [&out](int err) {
    if (out.error == 0) out.error = err;
  };
  // O_NOFOLLOW|O_NONBLOCK: if the entry was swapped for a symlink or a FIFO
  // since fstatat, the open fails or the fstat below catches it.
  constexpr int kFlags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(::openat(dirfd, name.c_str(), kFlags));
  if (!fd && errno == EACCES) {
    // Ours but read-only (someone ran chmod): make it writable so the bytes
    // can be destroyed, not just the name.
    if (::fchmodat(dirfd, name.c_str(), S_IRUSR | S_IWUSR, AT_SYMLINK_NOFOLLOW) == 0) {
      fd = UniqueFd(::openat(dirfd, name.c_str(), kFlags));
    }
  }
  if (!fd) {
    note(errno);
  } else {
    struct stat fst {};
    if (::fstat(fd.get(), &fst) != 0 || !S_ISREG(fst.st_mode)) {
      out.kind = DestroyOutcome::Kind::kNotRegular;
      return out;
    }
    if (int err = overwrite_in_place(fd.get(), static_cast<std::uint64_t>(fst.st_size), fill); err != 0) {
      note(err);
    } else {
      out.bytes_overwritten = static_cast<std::uint64_t>(fst.st_size);
    }
    if (int err = sync_fd(fd.get()); err != 0) note(err);
    fd.reset();
  }
  // Unlink even if the overwrite failed: the name going away still stops a
  // casual look, and the caller reports the failure.
  if (::unlinkat(dirfd, name.c_str(), 0) != 0) note(errno);
  return out;
}

}  // namespace tumar::profile
