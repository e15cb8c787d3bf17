#pragma once
// Hostile clients for load tests: each thread keeps one connection open to
// a node on 127.0.0.1 and misbehaves in turn in the ways an attacker on the
// path or a scanner would, until stopped. None of them completes a
// handshake, so the node must shed every one of them on its own (framing
// refusal, handshake timeout) while honest peers sync.
//
// Header-only: the load test (tumar_cli_tests) and the load bench share it
// but link different libraries.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace tumar::test {

enum class Garbage : int {
  kRandomBytes,    // noise: what a port scanner or line noise looks like
  kHugeLength,     // a length prefix of 4 GiB, to make the node allocate it
  kBadHandshake,   // a plausible-sized first frame full of junk
  kHalfOpen,       // connect, say nothing: holds a slot until the handshake timeout
  kSlowDrip,       // one byte at a time, to keep a half-read frame alive
  kConnectClose,   // churn the accept loop
  kCount,
};

class GarbagePeers {
 public:
  GarbagePeers(std::uint16_t port, int count) : port_(port) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, i] { run(i); });
    }
  }
  ~GarbagePeers() { stop(); }
  GarbagePeers(const GarbagePeers&) = delete;
  GarbagePeers& operator=(const GarbagePeers&) = delete;

  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::uint64_t connections() const noexcept { return connections_; }

 private:
  int dial() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only, never another address
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  // Sleeps in small steps so stop() is prompt.
  bool nap(std::chrono::milliseconds total) const {
    const auto end = std::chrono::steady_clock::now() + total;
    while (!stop_ && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return !stop_;
  }

  // True while the node still holds the connection open.
  static bool still_open(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return true;
    char c;
    return ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) > 0;
  }

  void send_all(int fd, const std::vector<std::uint8_t>& bytes) const {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }

  void run(int index) {
    std::mt19937 gen(static_cast<std::uint32_t>(index) * 7919u + 1u);
    auto junk = [&gen](std::size_t n) {
      std::vector<std::uint8_t> v(n);
      for (auto& b : v) b = static_cast<std::uint8_t>(gen());
      return v;
    };
    int mode = index % static_cast<int>(Garbage::kCount);
    while (!stop_) {
      const int fd = dial();
      if (fd < 0) {
        nap(std::chrono::milliseconds(50));
        continue;
      }
      ++connections_;
      switch (static_cast<Garbage>(mode)) {
        case Garbage::kRandomBytes:
          for (int k = 0; k < 20 && !stop_ && still_open(fd); ++k) {
            send_all(fd, junk(4096));
            nap(std::chrono::milliseconds(10));
          }
          break;
        case Garbage::kHugeLength: {
          send_all(fd, {0xff, 0xff, 0xff, 0xff});
          send_all(fd, junk(1024));
          nap(std::chrono::milliseconds(200));
          break;
        }
        case Garbage::kBadHandshake: {
          auto frame = junk(32 + 2);
          frame[0] = 0;
          frame[1] = 32;
          send_all(fd, frame);
          nap(std::chrono::milliseconds(200));
          break;
        }
        case Garbage::kHalfOpen:
          while (!stop_ && still_open(fd)) nap(std::chrono::milliseconds(100));
          break;
        case Garbage::kSlowDrip:
          while (!stop_ && still_open(fd)) {
            send_all(fd, junk(1));
            nap(std::chrono::milliseconds(200));
          }
          break;
        case Garbage::kConnectClose:
        case Garbage::kCount:
          break;
      }
      ::close(fd);
      mode = (mode + 1) % static_cast<int>(Garbage::kCount);
    }
  }

  std::uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::vector<std::thread> threads_;
};

}  // namespace tumar::test
