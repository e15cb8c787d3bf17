#pragma once
// A test double for tor's SOCKS port (c-toxcore style: the real client code
// against a scripted network): a server on a Unix socket, or on 127.0.0.1,
// that takes one connection at a time on its own thread, reads the greeting,
// the RFC 1929 authentication and the CONNECT request exactly, records what
// it was asked, and then does what its script says — answer a reply code,
// stall, close, send garbage, send the peer's bytes after the reply, or
// splice the stream to a Unix socket (a tiny tor that reaches a local
// "onion service"). Blocking POSIX sockets with poll(), so that stopping
// never waits on a stalled read.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tumar::net::test {

class FakeSocks {
 public:
  using Bytes = std::vector<std::uint8_t>;

  enum class Act {
    kReply,              // method, auth OK, then the CONNECT reply `rep` (+ `after`)
    kStallAfterGreeting,  // reads the greeting and never answers
    kStallMidReply,      // answers half a CONNECT reply, then nothing
    kCloseAfterGreeting,  // closes without a word
    kCloseAfterConnect,  // reads the CONNECT request, closes
    kGarbageMethod,      // answers the greeting with `garbage`
    kGarbageReply,       // answers the CONNECT request with `garbage`
    kSpliceToUnix,       // succeeds, then forwards the stream to `splice_to`
  };
  struct Script {
    Act act = Act::kReply;
    std::uint8_t rep = 0x00;
    Bytes after;    // sent in the same write as a successful reply
    Bytes garbage;
    std::filesystem::path splice_to;
  };
  // What a client asked for.
  struct Request {
    std::uint8_t method = 0;
    std::string username, password;
    std::uint8_t atyp = 0;
    std::string host;  // the name as sent (ATYP 03), or a.b.c.d
    std::uint16_t port = 0;
  };

  // On a Unix socket at `path`.
  FakeSocks(const std::filesystem::path& path, Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) throw std::runtime_error("bind");
    start();
  }
  // On 127.0.0.1:<free port>.
  explicit FakeSocks(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) throw std::runtime_error("bind");
    socklen_t len = sizeof sa;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    start();
  }
  ~FakeSocks() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FakeSocks(const FakeSocks&) = delete;
  FakeSocks& operator=(const FakeSocks&) = delete;

  std::uint16_t port() const { return port_; }
  std::size_t connections() const { return connections_; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void start() {
    if (::listen(listen_fd_, 16) != 0) throw std::runtime_error("listen");
    thread_ = std::thread([this] { serve(); });
  }

  // Waits for `fd` to be readable, checking the stop flag; false on stop.
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }
  bool read_exact(int fd, void* out, std::size_t n) {
    auto* p = static_cast<std::uint8_t*>(out);
    while (n > 0) {
      if (!wait_readable(fd)) return false;
      const ssize_t got = ::read(fd, p, n);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }
  static void write_all(int fd, const Bytes& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<std::size_t>(n);
    }
  }

  void serve() {
    while (wait_readable(listen_fd_)) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      one(fd);
      ::close(fd);
    }
  }

  void one(int fd) {
    Request r;
    std::uint8_t greeting[3];
    if (!read_exact(fd, greeting, 3)) return;
    r.method = greeting[2];
    if (script_.act == Act::kCloseAfterGreeting) return;
    if (script_.act == Act::kStallAfterGreeting) return hold(fd);
    if (script_.act == Act::kGarbageMethod) return write_all(fd, script_.garbage), hold(fd);
    write_all(fd, {0x05, r.method});
    if (r.method == 0x02) {
      std::uint8_t head[2], len = 0;
      if (!read_exact(fd, head, 2)) return;
      r.username.resize(head[1]);
      if (!read_exact(fd, r.username.data(), head[1]) || !read_exact(fd, &len, 1)) return;
      r.password.resize(len);
      if (!read_exact(fd, r.password.data(), len)) return;
      write_all(fd, {0x01, 0x00});
    }
    std::uint8_t req[4];
    if (!read_exact(fd, req, 4)) return;
    r.atyp = req[3];
    if (r.atyp == 0x03) {
      std::uint8_t len = 0;
      if (!read_exact(fd, &len, 1)) return;
      r.host.resize(len);
      if (!read_exact(fd, r.host.data(), len)) return;
    } else {
      std::uint8_t a[4];
      if (!read_exact(fd, a, 4)) return;
      r.host = std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
               std::to_string(a[3]);
    }
    std::uint8_t port[2];
    if (!read_exact(fd, port, 2)) return;
    r.port = static_cast<std::uint16_t>(port[0] << 8 | port[1]);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(r);
    }
    switch (script_.act) {
      case Act::kCloseAfterConnect: return;
      case Act::kStallMidReply: return write_all(fd, {0x05, 0x00, 0x00}), hold(fd);
      case Act::kGarbageReply: return write_all(fd, script_.garbage), hold(fd);
      case Act::kSpliceToUnix: return write_all(fd, {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0}), splice(fd);
      default: break;
    }
    Bytes reply = {0x05, script_.rep, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    reply.insert(reply.end(), script_.after.begin(), script_.after.end());
    write_all(fd, reply);
    hold(fd);
  }

  // Keeps the connection open, reading and dropping, until the client
  // closes or the double stops.
  void hold(int fd) {
    std::uint8_t sink[4096];
    while (wait_readable(fd)) {
      if (::read(fd, sink, sizeof sink) <= 0) return;
    }
  }

  // Forwards both ways between the client and the Unix socket `splice_to`,
  // as tor does between a SOCKS stream and an onion service's target.
  void splice(int fd) {
    const int up = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, script_.splice_to.c_str(), sizeof sa.sun_path - 1);
    if (::connect(up, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return (void)::close(up);
    std::uint8_t buf[16384];
    while (!stop_) {
      pollfd p[2] = {{fd, POLLIN, 0}, {up, POLLIN, 0}};
      if (::poll(p, 2, 20) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const int from = i == 0 ? fd : up, to = i == 0 ? up : fd;
        const ssize_t n = ::read(from, buf, sizeof buf);
        if (n <= 0) return (void)::close(up);
        write_all(to, Bytes(buf, buf + n));
      }
    }
    ::close(up);
  }

  Script script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> connections_{0};
  std::mutex mutex_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace tumar::net::test
