#include "core/profile/serve_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "core/error_ids.hpp"
#include "core/profile/profile_paths.hpp"

namespace tumar::profile {

core::Result<UniqueFd> lock_serving(const std::filesystem::path& home) {
  const std::filesystem::path path = home / std::string(kServeLockName);
  // O_NOFOLLOW: a link planted in the profile cannot make us create or
  // lock a file elsewhere. The file holds nothing; only its lock matters.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return core::fail<core::ErrorId::kProfileServeLockFailed>(core::Errc::kStorage, path.string(),
                                                              std::strerror(errno));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return core::fail<core::ErrorId::kProfileAlreadyServing>(core::Errc::kInvalidArgument);
    return core::fail<core::ErrorId::kProfileServeLockFailed>(core::Errc::kStorage, path.string(),
                                                              std::strerror(errno));
  }
  return fd;
}

}  // namespace tumar::profile
