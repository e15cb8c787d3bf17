#pragma once
// The socket tor forwards the onion service to: a Unix-domain listener inside
// the profile, so that in Tor mode no tumar process listens on any TCP port
// (issue 18). Only this user may reach it:
//
//   * the directory must be a real directory (not a symlink), owned by this
//     user, with no group or other permission bits; a missing directory is
//     made with mode 0700 (its parent must exist);
//   * the socket is made with mode 0600;
//   * a path that exists as anything but a socket of this user's (a file, a
//     symlink, a directory) is refused, never removed; a socket of this
//     user's that nobody answers on (left by a node that died) is removed;
//     one that answers is another node of this profile, and is refused;
//   * the path fits a sockaddr_un (kMaxUnixPathLen);
//   * close() removes the socket, if the path is still the one it bound.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>

#include "net/transport.hpp"

namespace tumar::net::tor {

// sizeof(sockaddr_un::sun_path) on Linux is 108, and the path needs its NUL.
inline constexpr std::size_t kMaxUnixPathLen = 107;

class UnixListener {
 public:
  // Binds `dir`/`name` and listens (`dir` absolute, `name` without a slash:
  // misuse aborts). Errc::kAddress with kListenPathTooLong,
  // kListenUnsafeDir, kListenPathTaken, kListenInUse or kListenFailed.
  [[nodiscard]] static Result<UnixListener> open(asio::io_context& io, const std::filesystem::path& dir,
                                                 const std::string& name);

  UnixListener(UnixListener&& other) noexcept;
  UnixListener& operator=(UnixListener&&) = delete;
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;
  ~UnixListener();

  const std::filesystem::path& path() const noexcept { return path_; }
  bool is_open() const noexcept { return acceptor_.is_open(); }
  // The next connection (from tor); kListenerClosed once closed.
  asio::awaitable<Result<Stream>> accept();
  // Stops accepting and removes the socket file. Idempotent.
  void close() noexcept;

 private:
  UnixListener(asio::local::stream_protocol::acceptor acceptor, std::filesystem::path path, dev_t dev, ino_t ino)
      : acceptor_(std::move(acceptor)), path_(std::move(path)), dev_(dev), ino_(ino) {}

  asio::local::stream_protocol::acceptor acceptor_;
  std::filesystem::path path_;
  // The socket file this listener made: close() removes only that one.
  dev_t dev_;
  ino_t ino_;
  bool owns_file_ = true;
};

}  // namespace tumar::net::tor
