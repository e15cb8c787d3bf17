#pragma once
// A TCP relay on 127.0.0.1 that understands tumar's framing and cuts a
// connection at a frame boundary. Every frame on the wire, handshake and
// transport alike, is a 2-byte big-endian length and that many bytes of a
// Noise message (core/noise/frame.hpp, append_frame). The relay counts
// frames in both directions as it forwards them; with cut_after(k) it
// closes both sockets right after the k-th whole frame has been passed on,
// so each node sees its peer vanish between two frames. With no cut set it
// only counts: one uncut sync tells a test how many boundaries there are.
//
// Test-only and loopback-only (unlike net/wire_tap, the demo's relay, it
// must parse, and it handles one connection at a time: a sync is one).

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace tumar::test {

class FrameCutProxy {
 public:
  static constexpr std::size_t kHeaderLen = 2;

  explicit FrameCutProxy(std::uint16_t target_port) : target_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 4) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("proxy: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FrameCutProxy() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  FrameCutProxy(const FrameCutProxy&) = delete;
  FrameCutProxy& operator=(const FrameCutProxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  // For the next connections: cut after the k-th frame (0: never cut).
  void cut_after(std::uint64_t k) { cut_after_ = k; }
  // The last connection, once it has ended: the frames passed on (both
  // directions together, and node to dialler alone), and whether it was cut.
  std::uint64_t frames() const { return frames_; }
  std::uint64_t frames_from_node() const { return from_node_; }
  bool cut() const { return cut_; }
  // Waits until no connection is being relayed (the dialler may exit
  // before the relay has read its last frames).
  bool wait_idle(std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (relaying_) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

 private:
  // Where one direction is in the frame stream.
  struct Parser {
    std::size_t header_have = 0;
    std::uint8_t header[kHeaderLen]{};
    std::size_t body_left = 0;
    // Bytes of `n` up to and including the end of the next whole frame, or
    // n if none ends within them.
    std::size_t until_frame_end(const std::uint8_t* p, std::size_t n, bool& ended) {
      std::size_t i = 0;
      ended = false;
      while (i < n) {
        if (header_have < kHeaderLen) {
          header[header_have++] = p[i++];
          if (header_have == kHeaderLen) body_left = (std::size_t{header[0]} << 8) | header[1];
          if (header_have == kHeaderLen && body_left == 0) ended = true;
        } else {
          const std::size_t take = std::min(body_left, n - i);
          i += take;
          body_left -= take;
          ended = body_left == 0;
        }
        if (ended) {
          header_have = 0;
          return i;
        }
      }
      return i;
    }
  };

  static sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
  }

  void run() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int dialler = ::accept(listener_, nullptr, nullptr);
      if (dialler < 0) continue;
      const int node = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a = loopback(target_);
      relaying_ = true;
      if (::connect(node, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) relay(dialler, node);
      ::close(dialler);
      ::close(node);
      relaying_ = false;
    }
  }

  // Passes bytes both ways, frame by frame, until either side closes or
  // the cut. Sends each frame's bytes as they come (no buffering of whole
  // frames), so it adds no delay a node could time out on.
  void relay(int dialler, int node) {
    for (int fd : {dialler, node}) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    frames_ = 0;
    from_node_ = 0;
    cut_ = false;
    const std::uint64_t cut_at = cut_after_;
    Parser parsers[2];
    std::uint8_t buf[16384];
    pollfd fds[2] = {{dialler, POLLIN, 0}, {node, POLLIN, 0}};
    while (!stop_) {
      if (::poll(fds, 2, 50) < 0) return;
      for (int from = 0; from < 2; ++from) {
        if (fds[from].revents == 0) continue;
        const ssize_t got = ::read(fds[from].fd, buf, sizeof buf);
        if (got <= 0) return;
        const int to = fds[1 - from].fd;
        std::size_t done = 0;
        const auto n = static_cast<std::size_t>(got);
        while (done < n) {
          bool ended = false;
          const std::size_t chunk = parsers[from].until_frame_end(buf + done, n - done, ended);
          if (!send_all(to, buf + done, chunk)) return;
          done += chunk;
          if (ended && from == 1) ++from_node_;
          if (ended && ++frames_ == cut_at) {
            cut_ = true;
            return;  // both sockets close; the rest of this read is dropped
          }
        }
      }
    }
  }

  static bool send_all(int fd, const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  std::uint16_t target_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> cut_after_{0};
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> from_node_{0};
  std::atomic<bool> cut_{false};
  std::atomic<bool> relaying_{false};
  std::thread thread_;
};

}  // namespace tumar::test
