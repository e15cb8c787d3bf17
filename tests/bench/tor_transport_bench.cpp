// Issue 18's transport figures, over an onion service of the private Tor
// network (scripts/tor-testnet) and over direct TCP on 127.0.0.1, side by
// side in one run:
//
//   * dial: the transport's dial alone (TCP connect; or SOCKS to tor and
//     tor's CONNECT to the onion service: circuits, introduction,
//     rendezvous), first (cold) and then repeated (tor reuses the circuits
//     it built for the same isolation name);
//   * an up-to-date sync: one `tumar sync` job between two nodes that hold
//     the same (empty) set — dial, XX handshake with admission, the
//     reconciliation that finds nothing to move, the goodbye — its wall time,
//     and its round trips: the flights the dialler sends that wait for an
//     answer, counted by a relay between the dialler and its transport's
//     next hop (the SOCKS exchange's three flights are not counted).
//
// The listener of the onion case is a real node on TorTransport's Unix
// socket; its tor publishes it with HiddenServiceDir (the real node will use
// ADD_ONION), and the dialler goes through the network's client tor.
//
//   tumar_tor_transport_bench NETDIR [--runs N]
// Prints a Markdown table, then key=value lines for scripts.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
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
#include "net/tcp_transport.hpp"
#include "net/tor/tor_transport.hpp"
#include "support/temp_dir.hpp"
#include "tor/test_tor.hpp"

namespace {

using namespace tumar;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr std::uint16_t kVirtualPort = 7000;
constexpr int kSocksFlights = 3;  // greeting, RFC 1929 authentication, CONNECT

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

node::AdmissionPolicy admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&,
            std::uint64_t) -> core::Result<std::vector<std::vector<std::uint8_t>>> { return {}; };
}

// Someone with an identity and an empty database.
struct Person {
  Person() : me(identity::LocalIdentity::generate(rng)) {
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

// A serving node on a transport, on its own thread.
struct Server {
  Server(const std::function<std::unique_ptr<net::Transport>(net::asio::io_context&)>& make,
         const peers::PeerAddress& where)
      : transport(make(io)) {
    node::EngineOptions options;
    options.serve = true;
    engine.emplace(*person.replica, person.me, person.rng, std::move(options), nullptr, admit_all());
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
  Person person;
  net::asio::io_context io{1};
  std::unique_ptr<net::Transport> transport;
  std::optional<node::Engine> engine;
  std::optional<net::NodeRunner> runner;
  std::string bound_to;
  std::thread thread;
};

// Passes bytes between a dialler and its next hop (a TCP port on 127.0.0.1,
// or a Unix socket) and counts the dialler's flights: bytes it sends after
// it last received. One connection at a time, on its own thread.
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
  // Flights of the last connection that ended.
  int last_flights() {
    std::lock_guard lock(mutex_);
    return last_;
  }

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
      int flights = 0;
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
          if (i == 0 && answered) ++flights, answered = false;
          if (i == 1) answered = true;
          done = !send_all(i == 0 ? up : down, buf.data(), static_cast<std::size_t>(n));
        }
        if (done) break;
      }
      if (up >= 0) ::close(up);
      ::close(down);
      std::lock_guard lock(mutex_);
      last_ = flights;
    }
  }

  std::optional<fs::path> up_unix_;
  std::uint16_t up_port_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  int last_ = -1;
  std::thread thread_;
};

struct Sample {
  double dial_ms = 0;
  double sync_ms = 0;
  int round_trips = 0;
  bool ok = false;
};

// One dial alone, then one up-to-date sync job, by a dialler on `make`'s transport.
template <typename MakeTransport>
Sample one(Person& dialler, const peers::PeerAddress& to, const identity::IdentityKey& key, MakeTransport make,
           FlightCounter& relay, int socks_flights) {
  Sample s;
  {
    net::asio::io_context io(1);
    auto t = make(io);
    std::optional<net::Result<net::Outbound>> out;
    const auto t0 = Clock::now();
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
          auto r = co_await t->dial(to, 60s);
          out.emplace(std::move(r));
        },
        net::asio::detached);
    io.run();
    s.dial_ms = ms_since(t0);
    if (!out || !*out) {
      std::fprintf(stderr, "dial failed: %s\n", out ? out->error().describe().c_str() : "?");
      return s;
    }
  }
  node::EngineOptions options;
  options.dial_timeout = 60s;
  options.jobs.push_back(node::SyncJob{to, key, std::nullopt, std::nullopt, std::nullopt});
  node::Engine engine(*dialler.replica, dialler.me, dialler.rng, std::move(options));
  const auto t0 = Clock::now();
  {
    net::asio::io_context io(1);
    auto t = make(io);
    net::NodeRunner runner(io, engine, *t, net::RunnerOptions{false, 500ms});
    runner.run();
  }
  s.sync_ms = ms_since(t0);
  s.ok = engine.outcome(0).ok();
  if (!s.ok) std::fprintf(stderr, "sync failed: %s\n", (engine.outcome(0).cause ? engine.outcome(0).cause->describe() : std::string()).c_str());
  std::this_thread::sleep_for(100ms);  // the relay sees the close
  s.round_trips = relay.last_flights() - socks_flights;
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NETDIR [--runs N]\n", argv[0]);
    return 2;
  }
  const std::string netdir = argv[1];
  int runs = 10;
  if (argc >= 4 && std::string(argv[2]) == "--runs") runs = std::max(2, std::atoi(argv[3]));
  const auto env = test::tor_net_env(netdir);
  const auto socks_port = static_cast<std::uint16_t>(std::stoi(env.at("TOR_TESTNET_SOCKS_PORT")));

  char tmpl[] = "/tmp/tumar-tb-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const fs::path work(tmpl);

  // Listeners: one on TCP 127.0.0.1, one on TorTransport's Unix socket.
  Server tcp_server([](net::asio::io_context& io) { return std::make_unique<net::TcpTransport>(io); },
                    {"127.0.0.1", 0});
  const auto tcp_to = *peers::parse_peer_address(tcp_server.bound_to);
  const net::tor::SocksEndpoint unused = net::tor::SocksEndpoint::unix_socket(work / "unused");
  Server onion_server(
      [&](net::asio::io_context& io) {
        return std::make_unique<net::tor::TorTransport>(
            io, net::tor::TorTransportOptions{unused, work / "node", "onion.sock", "tumar", false});
      },
      {"", kVirtualPort});

  // The service's tor: publishes the Unix socket as an onion service.
  const auto t_tor = Clock::now();
  test::TestTor tor(work / "tor", netdir,
                    "SocksPort 0\nHiddenServiceDir " + (work / "tor" / "hs").string() + "\nHiddenServicePort " +
                        std::to_string(kVirtualPort) + " " + onion_server.bound_to + "\n");
  const std::string onion = test::TestTor::wait_hostname(work / "tor" / "hs", 120s);
  if (onion.empty() || !tor.wait_log("Bootstrapped 100%", 120s)) {
    std::fprintf(stderr, "the service's tor did not start:\n%s", tor.log_tail().c_str());
    return 1;
  }
  const peers::PeerAddress onion_to{onion, kVirtualPort};

  // Relays that count the dialler's flights: to the TCP node directly, and
  // to the network client's SOCKS port.
  FlightCounter tcp_relay(work / "tcp-relay", std::nullopt, tcp_to.port);
  FlightCounter socks_relay(work / "socks-relay", std::nullopt, socks_port);
  // The TCP dialler reaches the node through its relay: a TCP transport
  // cannot dial a Unix socket, so the relay listens on one and TcpTransport
  // is replaced by a TorTransport-free shim: a transport that connects to
  // the relay's Unix socket.
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
  const auto make_tcp = [&](net::asio::io_context& io) { return std::make_unique<UnixDial>(io, work / "tcp-relay"); };
  const auto make_tor = [&](net::asio::io_context& io) {
    return std::make_unique<net::tor::TorTransport>(
        io, net::tor::TorTransportOptions{net::tor::SocksEndpoint::unix_socket(work / "socks-relay"), work / "a",
                                          "onion.sock", "tumar", false});
  };

  // Wait until the onion is reachable (descriptor uploaded): not timed.
  Person dialler;
  int attempts = 0;
  while (true) {
    ++attempts;
    net::asio::io_context io(1);
    auto t = make_tor(io);
    std::optional<net::Result<net::Outbound>> out;
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
          auto r = co_await t->dial(onion_to, 30s);
          out.emplace(std::move(r));
        },
        net::asio::detached);
    io.run();
    if (out && *out) break;
    if (ms_since(t_tor) > 180'000) {
      std::fprintf(stderr, "the onion service never became reachable\n");
      return 1;
    }
    std::this_thread::sleep_for(1s);
  }
  const double reachable_s = ms_since(t_tor) / 1000;
  // That probe dial built circuits for this isolation name: the first timed
  // onion run uses another name, so that it is cold.
  const auto make_tor_cold = [&](net::asio::io_context& io) {
    return std::make_unique<net::tor::TorTransport>(
        io, net::tor::TorTransportOptions{net::tor::SocksEndpoint::unix_socket(work / "socks-relay"), work / "a",
                                          "onion.sock", "cold", false});
  };

  std::vector<Sample> tcp, tor_runs;
  Sample cold = one(dialler, onion_to, onion_server.person.me.public_identity().identity_key, make_tor_cold,
                    socks_relay, kSocksFlights);
  for (int i = 0; i < runs; ++i) {
    tcp.push_back(one(dialler, tcp_to, tcp_server.person.me.public_identity().identity_key, make_tcp, tcp_relay, 0));
    tor_runs.push_back(one(dialler, onion_to, onion_server.person.me.public_identity().identity_key, make_tor,
                           socks_relay, kSocksFlights));
  }
  auto column = [](const std::vector<Sample>& v, auto field) {
    std::vector<double> out;
    for (const auto& s : v) out.push_back(static_cast<double>(s.*field));
    return out;
  };
  const bool all_ok = cold.ok && std::all_of(tcp.begin(), tcp.end(), [](auto& s) { return s.ok; }) &&
                      std::all_of(tor_runs.begin(), tor_runs.end(), [](auto& s) { return s.ok; });
  const double tcp_dial = median(column(tcp, &Sample::dial_ms)), tor_dial = median(column(tor_runs, &Sample::dial_ms));
  const double tcp_sync = median(column(tcp, &Sample::sync_ms)), tor_sync = median(column(tor_runs, &Sample::sync_ms));
  const double tcp_rt = median(column(tcp, &Sample::round_trips)),
               tor_rt = median(column(tor_runs, &Sample::round_trips));

  std::printf("Onion service reachable %.1f s after its tor started (%d dial attempts).\n\n", reachable_s, attempts);
  std::printf("| up-to-date sync, medians of %d runs | direct TCP, 127.0.0.1 | onion service, private Tor network |\n",
              runs);
  std::printf("|---|---|---|\n");
  std::printf("| dial alone | %.2f ms | %.1f ms (cold, new circuits: %.1f ms) |\n", tcp_dial, tor_dial, cold.dial_ms);
  std::printf("| sync job: dial + handshake + reconcile + goodbye | %.2f ms | %.1f ms (cold: %.1f ms) |\n", tcp_sync,
              tor_sync, cold.sync_ms);
  const auto range = [&](const std::vector<Sample>& v) {
    const auto c = column(v, &Sample::sync_ms);
    const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f..%.1f ms", *lo, *hi);
    return std::string(buf);
  };
  std::printf("| sync job, range over the runs | %s | %s |\n", range(tcp).c_str(), range(tor_runs).c_str());
  std::printf("| sync job minus dial alone | %.2f ms | %.1f ms |\n", tcp_sync - tcp_dial, tor_sync - tor_dial);
  std::printf("| round trips (dialler's flights; SOCKS's 3 not counted) | %.0f | %.0f |\n", tcp_rt, tor_rt);
  std::printf("| all runs synced | %s | %s |\n\n", all_ok ? "yes" : "NO", all_ok ? "yes" : "NO");
  std::printf("onion_reachable_s=%.1f onion_dial_ms=%.1f onion_dial_cold_ms=%.1f onion_sync_ms=%.1f "
              "onion_sync_cold_ms=%.1f onion_round_trips=%.0f\n",
              reachable_s, tor_dial, cold.dial_ms, tor_sync, cold.sync_ms, tor_rt);
  std::printf("tcp_dial_ms=%.2f tcp_sync_ms=%.2f tcp_round_trips=%.0f all_ok=%d\n", tcp_dial, tcp_sync, tcp_rt,
              all_ok ? 1 : 0);
  std::error_code ec;
  fs::remove_all(work, ec);
  return all_ok ? 0 : 1;
}
