#include "core/profile/panic_wipe.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "core/error_ids.hpp"
#include "core/profile/posix_file.hpp"
#include "core/profile/profile_paths.hpp"

namespace tumar::profile {
namespace {

using Clock = std::chrono::steady_clock;

// The first failure: the step, the path and the system's reason (the
// fields of profile.wipe_incomplete); later failures do not replace it.
class FirstFailure {
 public:
  struct Failure {
    std::string step;
    std::string path;
    std::string reason;
  };
  void note(const std::string& what, const std::string& name, int err) {
    if (err == 0 || failure_) return;
    failure_ = Failure{what, name, std::strerror(err)};
  }
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  std::optional<Failure> failure_;
};

void count(WipeReport& report, const DestroyOutcome& d) {
  if (d.kind == DestroyOutcome::Kind::kFile || d.kind == DestroyOutcome::Kind::kSymlink) ++report.files_wiped;
  report.bytes_overwritten += d.bytes_overwritten;
}

// Every name in the directory except . and .., sorted (a stable report).
std::vector<std::string> list_names(int dirfd, int& err) {
  std::vector<std::string> names;
  err = 0;
  const int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) {
    err = errno;
    return names;
  }
  DIR* d = ::fdopendir(dup);
  if (d == nullptr) {
    err = errno;
    ::close(dup);
    return names;
  }
  ::rewinddir(d);
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
    errno = 0;
  }
  if (errno != 0) err = errno;
  ::closedir(d);  // closes dup
  std::sort(names.begin(), names.end());
  return names;
}

// tumar.tor/ (cli/tor_mode.hpp): tor's state, its sockets and the node's
// socket — all tumar's, so all of it goes: files overwritten and unlinked,
// sockets unlinked, folders emptied and removed, at any depth (tor's keys/
// and hs folders). Never follows a symlink (O_NOFOLLOW; a link is unlinked).
void destroy_tree(int parent_fd, const std::string& name, WipeReport& report, FirstFailure& failure, int depth) {
  const DestroyOutcome d = destroy_entry(parent_fd, name, Fill::kZeros);
  failure.note("wipe", name, d.error);
  count(report, d);
  if (d.kind != DestroyOutcome::Kind::kNotRegular) return;
  struct stat st {};
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    failure.note("inspect", name, errno);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    // A socket or FIFO of tor's: nothing to overwrite.
    if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (::unlinkat(parent_fd, name.c_str(), 0) != 0) failure.note("remove", name, errno);
      return;
    }
    report.left_alone.push_back(name);  // a device: never touched
    return;
  }
  if (depth > 8) {  // tor nests two levels; deeper is not ours
    report.left_alone.push_back(name);
    return;
  }
  const int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    failure.note("open_directory", name, errno);
    return;
  }
  int list_err = 0;
  for (const std::string& child : list_names(fd, list_err)) destroy_tree(fd, child, report, failure, depth + 1);
  failure.note("list", name, list_err);
  failure.note("sync_directory", name, sync_fd(fd));
  ::close(fd);
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0) failure.note("remove_directory", name, errno);
}

}  // namespace

core::Result<WipeReport> wipe_profile(const std::filesystem::path& home) {
  const Clock::time_point start = Clock::now();
  WipeReport report;
  FirstFailure failure;

  struct stat hs {};
  if (::stat(home.c_str(), &hs) != 0) {
    if (errno == ENOENT) {
      report.total_duration = Clock::now() - start;
      return report;  // nothing there: idempotent
    }
    return core::fail<core::ErrorId::kProfileCannotInspect>(core::Errc::kStorage, home.string(), std::strerror(errno));
  }
  if (!S_ISDIR(hs.st_mode)) {
    return core::fail<core::ErrorId::kProfileHomeNotDirectory>(core::Errc::kInvalidArgument, home.string());
  }
  TUMAR_TRY_ASSIGN(dir, open_directory(home));
  const int dirfd = dir.get();

  // 1. The key file, then a temp copy a crashed rewrite may have left: both
  //    wrap the master key. Random fill, so nothing of the old bytes is
  //    predictable from what remains.
  const std::string key_name(kKeyFileName);
  const std::string tmp_name = temp_path_for(key_name).string();
  const DestroyOutcome key = destroy_entry(dirfd, key_name, Fill::kRandom);
  report.key_file_destroyed = key.kind == DestroyOutcome::Kind::kFile && key.bytes_overwritten > 0;
  failure.note("destroy_key_file", key_name, key.error);
  count(report, key);
  const DestroyOutcome tmp = destroy_entry(dirfd, tmp_name, Fill::kRandom);
  failure.note("destroy", tmp_name, tmp.error);
  count(report, tmp);
  failure.note("sync_directory", home.string(), sync_fd(dirfd));
  report.key_gone_after = Clock::now() - start;

  // 2. Everything else of ours. Encrypted, so zeros are as final as random
  //    and cheaper on a gigabyte.
  int list_err = 0;
  for (const std::string& name : list_names(dirfd, list_err)) {
    if (name == kTorDirName) {
      destroy_tree(dirfd, name, report, failure, 0);
      continue;
    }
    if (!is_profile_file_name(name)) {
      report.left_alone.push_back(name);
      continue;
    }
    // tumar.key again only if it reappeared (a rewrite racing with us): random fill.
    const Fill fill = (name == key_name || name == tmp_name) ? Fill::kRandom : Fill::kZeros;
    const DestroyOutcome d = destroy_entry(dirfd, name, fill);
    if (d.kind == DestroyOutcome::Kind::kNotRegular) report.left_alone.push_back(name);
    failure.note("wipe", name, d.error);
    count(report, d);
  }
  failure.note("list", home.string(), list_err);
  failure.note("sync_directory", home.string(), sync_fd(dirfd));
  dir.reset();

  // 3. The directory itself, only if nothing else is in it.
  if (report.left_alone.empty() && !failure.failure()) {
    if (::rmdir(home.c_str()) == 0) {
      report.home_removed = true;
    } else if (errno != ENOTEMPTY && errno != EEXIST && errno != EBUSY && errno != ENOTDIR) {
      // ENOTDIR: home is a symlink to the real directory (an encrypted
      // volume, say). The link is the user's, not ours; it stays.
      failure.note("remove_directory", home.string(), errno);
    }
  }
  report.total_duration = Clock::now() - start;
  if (const auto& f = failure.failure()) {
    if (report.key_file_destroyed) {
      return core::fail<core::ErrorId::kProfileWipeIncompleteKeyDestroyed>(core::Errc::kStorage, f->step, f->path,
                                                                            f->reason);
    }
    return core::fail<core::ErrorId::kProfileWipeIncomplete>(core::Errc::kStorage, f->step, f->path, f->reason);
  }
  return report;
}

}  // namespace tumar::profile
