#pragma once
// What the Tor benches share (tor_transport_bench, tor_serve_bench): a
// serving node on its own thread, a relay that counts a dialler's flights
// and bytes, a transport that dials a relay's Unix socket, and one dial
// alone. Header-only; bench code, POSIX.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "net/node_runner.hpp"
#include "net/transport.hpp"
#include "support/temp_dir.hpp"

namespace tumar::bench {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline node::AdmissionPolicy admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&,
            std::uint64_t) -> core::Result<std::vector<std::vector<std::uint8_t>>> { return {}; };
}

// Someone with an identity and an empty (plain) database.
struct PlainPerson {
  PlainPerson() : me(identity::LocalIdentity::generate(rng)) {
    auto opened = store::Database::open_plain(dir / "p.db");
    if (!opened) std::abort();
    db.emplace(std::move(*opened));
    if (!profile::migrate(*db)) std::abort();
    replica.emplace(*db, me);
  }
  test::TempDir dir;
  crypto::SystemRandom rng;
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
};

using MakeTransport = std::function<std::unique_ptr<net::Transport>(net::asio::io_context&)>;

// A serving node on a transport, on its own thread, for `person` (anyone
// with a replica, an identity and a random source, which must outlive it).
struct Server {
  template <typename Person>
  Server(Person& person, const MakeTransport& make, const peers::PeerAddress& where,
         node::AdmissionPolicy admission = admit_all())
      : transport(make(io)), identity_key(person.me.public_identity().identity_key) {
    node::EngineOptions options;
    options.serve = true;
    engine.emplace(*person.replica, person.me, person.rng, std::move(options), nullptr, std::move(admission));
    listen_started = Clock::now();
    auto bound = transport->listen(where);
    if (!bound) throw std::runtime_error(bound.error().describe());
    bound_to = *bound;
    runner.emplace(io, *engine, *transport, net::RunnerOptions{false, 500ms});
    thread = std::thread([this] { runner->run(); });
  }
  ~Server() {
    runner->stop();
    thread.join();
  }
  net::asio::io_context io{1};
  std::unique_ptr<net::Transport> transport;
  identity::IdentityKey identity_key;
  std::optional<node::Engine> engine;
  std::optional<net::NodeRunner> runner;
  Clock::time_point listen_started;
  std::string bound_to;
  std::thread thread;
};
// Passes bytes between a dialler and its next hop (a TCP port on 127.0.0.1,
// or a Unix socket) and counts the dialler's flights (bytes it sends after
// it last received) and the bytes each way. One connection at a time, on
// its own thread.
class FlightCounter {
 public:
  FlightCounter(const fs::path& listen_unix, std::optional<fs::path> up_unix, std::uint16_t up_port)
      : up_unix_(std::move(up_unix)), up_port_(up_port) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, listen_unix.c_str(), sizeof sa.sun_path - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(listen_fd_, 4) != 0) {
      throw std::runtime_error("relay: cannot listen");
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FlightCounter() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  // What the last connection that ended carried.
  struct Traffic {
    int flights = -1;
    std::uint64_t up = 0;    // dialler to next hop
    std::uint64_t down = 0;  // next hop to dialler
  };
  Traffic last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  int last_flights() { return last().flights; }

 private:
  int connect_up() const {
    if (up_unix_) {
      const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un sa{};
      sa.sun_family = AF_UNIX;
      std::strncpy(sa.sun_path, up_unix_->c_str(), sizeof sa.sun_path - 1);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return ::close(fd), -1;
      return fd;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(up_port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return ::close(fd), -1;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
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
  void serve() {
    std::vector<std::uint8_t> buf(64 * 1024);
    while (!stop_) {
      pollfd l{listen_fd_, POLLIN, 0};
      if (::poll(&l, 1, 20) <= 0) continue;
      const int down = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (down < 0) continue;
      const int up = connect_up();
      Traffic t{0, 0, 0};
      bool answered = true;  // the dialler's first bytes are a flight
      while (up >= 0 && !stop_) {
        pollfd p[2] = {{down, POLLIN, 0}, {up, POLLIN, 0}};
        if (::poll(p, 2, 20) <= 0) continue;
        bool done = false;
        for (int i = 0; i < 2 && !done; ++i) {
          if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
          const ssize_t n = ::read(i == 0 ? down : up, buf.data(), buf.size());
          if (n <= 0) {
            done = true;
            break;
          }
          if (i == 0 && answered) ++t.flights, answered = false;
          if (i == 1) answered = true;
          (i == 0 ? t.up : t.down) += static_cast<std::uint64_t>(n);
          done = !send_all(i == 0 ? up : down, buf.data(), static_cast<std::size_t>(n));
        }
        if (done) break;
      }
      if (up >= 0) ::close(up);
      ::close(down);
      std::lock_guard lock(mutex_);
      last_ = t;
    }
  }

  std::optional<fs::path> up_unix_;
  std::uint16_t up_port_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  Traffic last_;
  std::thread thread_;
};

// A transport that dials one Unix socket whatever the address (a relay in
// front of a TCP node: TcpTransport cannot dial a Unix socket).
struct UnixDial final : net::Transport {
  UnixDial(net::asio::io_context& io, fs::path path) : io_(io), path_(std::move(path)) {}
  net::Result<std::string> listen(const peers::PeerAddress&) override { std::abort(); }
  bool listening() const noexcept override { return false; }
  net::asio::awaitable<net::Result<net::Inbound>> accept() override { std::abort(); }
  void close_listener() noexcept override {}
  net::asio::awaitable<net::Result<net::Outbound>> dial(const peers::PeerAddress& a,
                                                        std::chrono::milliseconds) override {
    net::asio::local::stream_protocol::socket s(io_);
    net::error_code ec;
    co_await s.async_connect(net::asio::local::stream_protocol::endpoint(path_.string()),
                             net::asio::redirect_error(net::asio::use_awaitable, ec));
    if (ec) co_return net::fail(net::Errc::kUnreachable, net::Failure::kDialFailed, a.to_string(), ec.message());
    co_return net::Outbound{net::Stream(std::move(s)), a.to_string()};
  }
  net::asio::io_context& io_;
  fs::path path_;
};

// One dial alone on `make`'s transport: true if it connected.
inline bool dial_once(const MakeTransport& make, const peers::PeerAddress& to, std::chrono::milliseconds timeout) {
  net::asio::io_context io(1);
  auto t = make(io);
  std::optional<net::Result<net::Outbound>> out;
  net::asio::co_spawn(
      io,
      [&]() -> net::asio::awaitable<void> {
        auto r = co_await t->dial(to, timeout);
        out.emplace(std::move(r));
      },
      net::asio::detached);
  io.run();
  return out && *out;
}

// One sync job by `person` on `make`'s transport, run to its end.
template <typename Person>
node::JobOutcome run_job(Person& person, node::SyncJob job, const MakeTransport& make,
                         std::chrono::milliseconds dial_timeout) {
  node::EngineOptions options;
  options.dial_timeout = dial_timeout;
  options.jobs.push_back(std::move(job));
  node::Engine engine(*person.replica, person.me, person.rng, std::move(options));
  {
    net::asio::io_context io(1);
    auto t = make(io);
    net::NodeRunner runner(io, engine, *t, net::RunnerOptions{false, 500ms});
    runner.run();
  }
  return engine.outcome(0);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace tumar::bench
