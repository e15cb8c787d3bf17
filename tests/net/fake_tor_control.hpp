#pragma once
// A test double for tor's control socket, in the c-toxcore style: a Unix
// socket served by a thread that plays a script — read a line, answer with
// canned bytes (right, wrong, malformed, or nothing at all) — so the
// controller's every failure path runs without a tor.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tumar::net::test {

class FakeTorControl {
 public:
  class Conn {
   public:
    explicit Conn(int fd) : fd_(fd) {}
    // The next line without CRLF; nullopt once the client closed.
    std::optional<std::string> read_line() {
      while (true) {
        const auto at = buf_.find("\r\n");
        if (at != std::string::npos) {
          std::string line = buf_.substr(0, at);
          buf_.erase(0, at + 2);
          lines_.push_back(line);
          return line;
        }
        if (fd_ < 0) return std::nullopt;
        char chunk[512];
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n <= 0) return std::nullopt;
        buf_.append(chunk, static_cast<std::size_t>(n));
      }
    }
    void send(const std::string& text) {
      std::size_t done = 0;
      while (done < text.size()) {
        const ssize_t n = ::send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
      }
    }
    const std::vector<std::string>& lines() const { return lines_; }
    // tor went away: the client reads end-of-file.
    void hang_up() {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
    ~Conn() { hang_up(); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

   private:
    int fd_;
    std::string buf_;
    std::vector<std::string> lines_;
  };
  using Script = std::function<void(Conn&)>;

  // Listens at `path` and plays `script` for the first connection.
  FakeTorControl(const std::string& path, Script script) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0) {
      ADD_FAILURE() << "fake control socket: " << std::strerror(errno);
      return;
    }
    thread_ = std::thread([this, script = std::move(script)] {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      Conn conn(fd);
      script(conn);
      // Hold the connection until the client closes it, so a reply is not
      // mistaken for a close.
      while (conn.read_line()) {
      }
      lines_ = conn.lines();
      done_ = true;
    });
  }
  ~FakeTorControl() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (thread_.joinable()) thread_.join();
  }
  // Every line the client sent; valid once the client closed.
  std::vector<std::string> lines() {
    if (thread_.joinable()) thread_.join();
    return lines_;
  }

 private:
  int listen_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::vector<std::string> lines_;
};

}  // namespace tumar::net::test
