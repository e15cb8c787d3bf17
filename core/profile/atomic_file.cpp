#include "core/profile/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error_ids.hpp"
#include "core/profile/profile_paths.hpp"

namespace tumar::profile {
namespace {

constexpr int kCrashed = -1;  // not an errno: the injected crash

// Runs one step for real, or returns the injected outcome.
template <typename Op>
int run_step(const std::optional<WriteFault>& fault, WriteStep step, Op&& op) {
  if (fault && fault->step == step) return fault->kind == FaultKind::kCrash ? kCrashed : EIO;
  return op();
}

core::Error storage_error(const LockedDir& dir, const std::string& name, const char* what, int err) {
  if (err == kCrashed) {
    return core::make_error<core::ErrorId::kProfileSimulatedCrash>(core::Errc::kStorage, what);
  }
  return core::make_error<core::ErrorId::kProfileCannotDo>(core::Errc::kStorage, what, (dir.path() / name).string(),
                                                           std::strerror(err));
}

// Removes the temp file whatever it holds. We hold the exclusive lock, so no
// tumar writer is using it: it is what a crash left behind, and it may hold a
// wrapping of the master key, so it is overwritten before it goes.
core::Result<void> clear_stale_temp(const LockedDir& dir, const std::string& tmp) {
  const DestroyOutcome d = destroy_entry(dir.fd(), tmp, Fill::kRandom);
  if (d.kind == DestroyOutcome::Kind::kNotRegular) {
    return core::fail<core::ErrorId::kProfileInTheWay>(core::Errc::kStorage, (dir.path() / tmp).string());
  }
  if (d.error != 0) return tl::unexpected(storage_error(dir, tmp, "remove_leftover_temp", d.error));
  return {};
}

// The temp file while it is ours: on an error (not a crash) it is destroyed,
// because it holds key material that never took effect.
class TempGuard {
 public:
  TempGuard(const LockedDir& dir, std::string name) : dir_(dir), name_(std::move(name)) {}
  ~TempGuard() {
    if (armed_) (void)destroy_entry(dir_.fd(), name_, Fill::kRandom);
  }
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;
  void dismiss() noexcept { armed_ = false; }

 private:
  const LockedDir& dir_;
  std::string name_;
  bool armed_ = true;
};

// kCreateTemp, kWriteTemp, kSyncTemp. On success the temp file is complete
// and durable and the guard is armed.
core::Result<void> write_temp(const LockedDir& dir, const std::string& tmp, std::span<const std::uint8_t> bytes,
                              const std::optional<WriteFault>& fault, TempGuard& guard) {
  UniqueFd fd;
  int err = run_step(fault, WriteStep::kCreateTemp, [&] {
    fd = UniqueFd(::openat(dir.fd(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    return fd ? 0 : errno;
  });
  if (err != 0) {
    guard.dismiss();  // not created (or crashed): nothing of ours to remove
    return tl::unexpected(storage_error(dir, tmp, "create", err));
  }
  err = run_step(fault, WriteStep::kWriteTemp, [&] { return write_all(fd.get(), bytes); });
  if (err == 0) err = run_step(fault, WriteStep::kSyncTemp, [&] { return sync_fd(fd.get()); });
  if (err != 0) {
    if (err == kCrashed) guard.dismiss();
    return tl::unexpected(storage_error(dir, tmp, "write", err));
  }
  return {};
}

int rename_noreplace(int dirfd, const std::string& from, const std::string& to) {
  if (::renameat2(dirfd, from.c_str(), dirfd, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // The file system cannot do a no-replace rename: link() fails with EEXIST
  // just as atomically, then the temp name goes.
  if (::linkat(dirfd, from.c_str(), dirfd, to.c_str(), 0) != 0) return errno;
  (void)::unlinkat(dirfd, from.c_str(), 0);
  return 0;
}

}  // namespace

const char* write_step_name(WriteStep step) noexcept {
  switch (step) {
    case WriteStep::kCreateTemp: return "create_temp";
    case WriteStep::kWriteTemp: return "write_temp";
    case WriteStep::kSyncTemp: return "sync_temp";
    case WriteStep::kRename: return "rename_into_place";
    case WriteStep::kSyncDir: return "sync_directory";
    case WriteStep::kScrubOld: return "overwrite_old";
    case WriteStep::kSyncOld: return "sync_overwritten_old";
  }
  return "write";
}

core::Result<LockedDir> LockedDir::lock(const std::filesystem::path& dir, Mode mode) {
  TUMAR_TRY_ASSIGN(fd, open_directory(dir));
  const int op = mode == Mode::kExclusive ? LOCK_EX : LOCK_SH;
  while (::flock(fd.get(), op) != 0) {
    if (errno == EINTR) continue;
    // File systems without flock on directories (some NFS and FUSE mounts):
    // carry on unlocked. The lock only serialises tumar's own writers; the
    // write sequence stays crash-safe without it.
    if (errno == ENOLCK || errno == EOPNOTSUPP || errno == EBADF || errno == EINVAL) break;
    return core::fail<core::ErrorId::kProfileCannotLock>(core::Errc::kStorage, dir.string(), std::strerror(errno));
  }
  return LockedDir(std::move(fd), dir);
}

namespace {

struct OpenedFile {
  UniqueFd fd;
  std::vector<std::uint8_t> contents;
  struct stat st {};
};

core::Result<OpenedFile> open_and_read(const LockedDir& dir, const std::string& name, std::size_t max_size,
                                       int access) {
  OpenedFile f;
  f.fd = UniqueFd(::openat(dir.fd(), name.c_str(), access | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!f.fd) {
    const int err = errno;
    if (err == ENOENT) {
      return core::fail<core::ErrorId::kProfileNoSuchFile>(core::Errc::kNoProfile, (dir.path() / name).string());
    }
    if (err == ELOOP) {  // O_NOFOLLOW met a symlink: someone may be redirecting us
      return core::fail<core::ErrorId::kProfileSymlink>(core::Errc::kCorrupt, (dir.path() / name).string());
    }
    return tl::unexpected(storage_error(dir, name, "open", err));
  }
  if (::fstat(f.fd.get(), &f.st) != 0) return tl::unexpected(storage_error(dir, name, "inspect", errno));
  if (!S_ISREG(f.st.st_mode)) {
    return core::fail<core::ErrorId::kProfileNotRegularFile>(core::Errc::kCorrupt, (dir.path() / name).string());
  }
  if (static_cast<std::uint64_t>(f.st.st_size) > max_size) {
    return core::fail<core::ErrorId::kProfileFileTooLarge>(core::Errc::kCorrupt, (dir.path() / name).string(),
                                                           f.st.st_size, max_size);
  }
  f.contents.resize(static_cast<std::size_t>(f.st.st_size));
  std::size_t at = 0;
  while (at < f.contents.size()) {
    const ssize_t n = ::pread(f.fd.get(), f.contents.data() + at, f.contents.size() - at, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::unexpected(storage_error(dir, name, "read", errno));
    if (n == 0) break;  // shrank under us: the parser reports the short size
    at += static_cast<std::size_t>(n);
  }
  f.contents.resize(at);
  return f;
}

}  // namespace

core::Result<std::vector<std::uint8_t>> read_small_file(const LockedDir& dir, const std::string& name,
                                                        std::size_t max_size) {
  TUMAR_TRY_ASSIGN(f, open_and_read(dir, name, max_size, O_RDONLY));
  return std::move(f.contents);
}

core::Result<ReplaceableFile> ReplaceableFile::open(const LockedDir& dir, const std::string& name,
                                                    std::size_t max_size) {
  TUMAR_TRY_ASSIGN(f, open_and_read(dir, name, max_size, O_RDWR));
  return ReplaceableFile(std::move(f.fd), name, std::move(f.contents), f.st.st_dev, f.st.st_ino);
}

core::Result<void> create_file(const LockedDir& dir, const std::string& name, std::span<const std::uint8_t> bytes,
                               std::optional<WriteFault> fault) {
  struct stat st {};
  if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    return core::fail<core::ErrorId::kProfileFileExists>(core::Errc::kProfileExists, (dir.path() / name).string());
  }
  const std::string tmp = temp_path_for(name).string();
  if (auto ok = clear_stale_temp(dir, tmp); !ok) return ok;
  TempGuard guard(dir, tmp);
  if (auto ok = write_temp(dir, tmp, bytes, fault, guard); !ok) return ok;

  int err = run_step(fault, WriteStep::kRename, [&] { return rename_noreplace(dir.fd(), tmp, name); });
  if (err == EEXIST) {
    return core::fail<core::ErrorId::kProfileFileExists>(core::Errc::kProfileExists, (dir.path() / name).string());
  }
  if (err != 0) {
    if (err == kCrashed) guard.dismiss();
    return tl::unexpected(storage_error(dir, name, write_step_name(WriteStep::kRename), err));
  }
  guard.dismiss();  // the temp name is gone: the bytes are the new file now
  err = run_step(fault, WriteStep::kSyncDir, [&] { return sync_fd(dir.fd()); });
  if (err != 0) return tl::unexpected(storage_error(dir, name, "sync_directory_holding", err));
  return {};
}

core::Result<void> replace_file(const LockedDir& dir, ReplaceableFile old, std::span<const std::uint8_t> bytes,
                                std::optional<WriteFault> fault) {
  const std::string& name = old.name_;
  const std::string tmp = temp_path_for(name).string();
  if (auto ok = clear_stale_temp(dir, tmp); !ok) return ok;
  TempGuard guard(dir, tmp);
  if (auto ok = write_temp(dir, tmp, bytes, fault, guard); !ok) return ok;

  // Only replace the file we read. If it went away meanwhile (a panic wipe
  // does not take the lock), renaming would bring a key file back.
  struct stat now {};
  if (::fstatat(dir.fd(), name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 || now.st_dev != old.dev_ ||
      now.st_ino != old.ino_) {
    return core::fail<core::ErrorId::kProfileFileReplaced>(core::Errc::kProfileWiped, (dir.path() / name).string());
  }
  int err = run_step(fault, WriteStep::kRename, [&] {
    return ::renameat(dir.fd(), tmp.c_str(), dir.fd(), name.c_str()) == 0 ? 0 : errno;
  });
  if (err != 0) {
    if (err == kCrashed) guard.dismiss();
    return tl::unexpected(storage_error(dir, name, "replace", err));
  }
  guard.dismiss();

  // From here the new file is in place: a failure is reported as such, so
  // that nobody concludes the old passphrase still works.
  auto after = [&](WriteStep step, int e) -> core::Error {
    if (e == kCrashed) return storage_error(dir, name, write_step_name(step), e);
    return core::make_error<core::ErrorId::kProfileDiskErrorAfterChange>(
        core::Errc::kStorage, (dir.path() / name).string(), write_step_name(step), std::strerror(e));
  };
  err = run_step(fault, WriteStep::kSyncDir, [&] { return sync_fd(dir.fd()); });
  if (err != 0) return tl::unexpected(after(WriteStep::kSyncDir, err));
  const auto old_size = static_cast<std::uint64_t>(old.contents_.size());
  err = run_step(fault, WriteStep::kScrubOld, [&] { return overwrite_in_place(old.fd_.get(), old_size, Fill::kRandom); });
  if (err != 0) return tl::unexpected(after(WriteStep::kScrubOld, err));
  err = run_step(fault, WriteStep::kSyncOld, [&] { return sync_fd(old.fd_.get()); });
  if (err != 0) return tl::unexpected(after(WriteStep::kSyncOld, err));
  return {};
}

}  // namespace tumar::profile
