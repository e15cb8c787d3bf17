#include "core/profile/wipe_watch.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/error_ids.hpp"

namespace tumar::profile {

core::Result<WipeWatch> WipeWatch::arm(const ProfilePaths& paths) {
  struct stat st {};
  if (::stat(paths.database.c_str(), &st) != 0) {
    const int err = errno;
    return core::fail<core::ErrorId::kProfileCannotWatch>(err == ENOENT ? core::Errc::kNoProfile : core::Errc::kStorage,
                                                          paths.database.string(), std::strerror(err));
  }
  return WipeWatch(paths, st.st_dev, st.st_ino);
}

bool WipeWatch::wiped() const {
  struct stat st {};
  if (::lstat(paths_.key_file.c_str(), &st) != 0) return true;
  if (::stat(paths_.database.c_str(), &st) != 0) return true;
  return st.st_dev != dev_ || st.st_ino != ino_;
}

}  // namespace tumar::profile
