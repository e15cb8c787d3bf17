#include "net/tor/unix_listener.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/log/log.hpp"

namespace tumar::net::tor {

namespace {

using local = asio::local::stream_protocol;

static_assert(kMaxUnixPathLen + 1 == sizeof(sockaddr_un{}.sun_path));

std::string errno_text(int e) { return std::strerror(e); }

// The directory the socket lives in: ours alone, or made so.
Result<void> check_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(Errc::kAddress, Failure::kListenFailed, dir.string(), errno_text(errno));
    // Only this user may even find the socket: made 0700 (umask cannot widen it).
    if (::mkdir(dir.c_str(), 0700) != 0) {
      return fail(Errc::kAddress, Failure::kListenFailed, dir.string(), errno_text(errno));
    }
    if (::lstat(dir.c_str(), &st) != 0) {
      return fail(Errc::kAddress, Failure::kListenFailed, dir.string(), errno_text(errno));
    }
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    // A symlink, someone else's directory, or one others may enter: tor's
    // forwarded connections would be open to whoever can reach the path.
    return fail(Errc::kAddress, Failure::kListenUnsafeDir, dir.string());
  }
  return {};
}

// True if a listener answers at `path` (another node of this profile).
bool answers(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.native().size() + 1);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// Clears the way for bind(): nothing there, or a stale socket of ours.
Result<void> clear_path(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return fail(Errc::kAddress, Failure::kListenFailed, path.string(), errno_text(errno));
  }
  // Never remove what is not a socket of this user's: a symlink could point
  // anywhere, a file could be the user's own.
  if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) {
    return fail(Errc::kAddress, Failure::kListenPathTaken, path.string());
  }
  if (answers(path)) return fail(Errc::kAddress, Failure::kListenInUse, path.string());
  // Left by a node that died: nobody answers on it. The directory is ours
  // alone, so nobody can swap the file between the checks and the unlink.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return fail(Errc::kAddress, Failure::kListenFailed, path.string(), errno_text(errno));
  }
  log::debug("Removed a stale socket at " + path.string());
  return {};
}

}  // namespace

Result<UnixListener> UnixListener::open(asio::io_context& io, const std::filesystem::path& dir,
                                        const std::string& name) {
  const std::filesystem::path path = dir / name;
  if (name.empty() || name.find('/') != std::string::npos || !dir.is_absolute()) {
    core::misuse("UnixListener::open: a socket name without '/' in an absolute directory");
  }
  if (path.native().size() > kMaxUnixPathLen) return fail(Errc::kAddress, Failure::kListenPathTooLong, path.string());
  if (auto ok = check_dir(dir); !ok) return tl::unexpected(ok.error());
  if (auto ok = clear_path(path); !ok) return tl::unexpected(ok.error());

  local::acceptor acceptor(io);
  error_code ec;
  if (acceptor.open(local(), ec); ec) return fail(Errc::kAddress, Failure::kListenFailed, path.string(), ec.message());
  if (acceptor.bind(local::endpoint(path.string()), ec); ec) {
    return fail(Errc::kAddress, Failure::kListenFailed, path.string(), ec.message());
  }
  // bind() made the file under the umask; the 0700 directory kept it out of
  // reach meanwhile. 0600 before anyone is accepted.
  struct stat st {};
  if (::chmod(path.c_str(), 0600) != 0 || ::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    const std::string why = errno_text(errno);
    ::unlink(path.c_str());
    return fail(Errc::kAddress, Failure::kListenFailed, path.string(), why);
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    ::unlink(path.c_str());
    return fail(Errc::kAddress, Failure::kListenFailed, path.string(), ec.message());
  }
  return UnixListener(std::move(acceptor), path, st.st_dev, st.st_ino);
}

UnixListener::UnixListener(UnixListener&& other) noexcept
    : acceptor_(std::move(other.acceptor_)),
      path_(std::move(other.path_)),
      dev_(other.dev_),
      ino_(other.ino_),
      owns_file_(std::exchange(other.owns_file_, false)) {}

UnixListener::~UnixListener() { close(); }

void UnixListener::close() noexcept {
  error_code ignored;
  if (acceptor_.is_open()) acceptor_.close(ignored);
  if (!owns_file_) return;
  owns_file_ = false;
  // Remove the socket only if it is still the one bound here: a newer node's
  // socket at the same path is not ours to take away.
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev_ && st.st_ino == ino_) {
    ::unlink(path_.c_str());
  }
}

asio::awaitable<Result<Stream>> UnixListener::accept() {
  asio::steady_timer backoff(acceptor_.get_executor());
  while (acceptor_.is_open()) {
    error_code ec;
    local::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // Out of file descriptors, say: pause instead of spinning on the error.
      log::warn("Accepting a connection from tor failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    co_return Stream(std::move(socket));
  }
  co_return fail(Errc::kAddress, Failure::kListenerClosed);
}

}  // namespace tumar::net::tor
