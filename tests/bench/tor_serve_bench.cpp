// Issue 18's other Tor figures (tor_transport_bench has the up-to-date
// sync), over an onion service of the private Tor network
// (scripts/tor-testnet) and over direct TCP on 127.0.0.1, side by side in
// one run:
//
//   * serve start to reachable, as `tumar serve` does it in Tor mode: a
//     net::TorSupervisor joined to the private network (the lines of
//     `tor-testnet client-torrc` as the user's torrc), a node engine on
//     TorTransport's Unix socket, publish() with a new key (ADD_ONION), then
//     a second node dials ADDRESS.onion:PORT through the network's client
//     tor, again and again, until a sync job succeeds. Timed from starting
//     tor: bootstrapped (the supervisor's "ready"), ADD_ONION answered, the
//     first successful sync. Cold: a fresh data directory (no cached
//     consensus, the first `serve` of a profile); warm: the same directory
//     again (every later `serve`). TCP: listen to the first successful sync.
//   * initial sync: a founder holding N notes (10,000 by default; written
//     as initial_sync_bench writes them) and an empty newcomer, admitted
//     beforehand, run one sync job — the real engine, handshake and
//     admission included — over TCP and over the onion service. Bytes each
//     way are counted by a relay between the newcomer and its next hop (the
//     node's TCP port; tor's SOCKS port, where they include the SOCKS
//     exchange's few dozen bytes), and over the onion also on tor's own
//     wire: the newcomer's tor's traffic counters (GETINFO), less the relay's.
//
//   tumar_tor_serve_bench NETDIR [--runs N] [--notes N]
// Prints Markdown tables, then key=value lines for scripts.

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/crypto/sodium.hpp"
#include "core/network/local_author.hpp"
#include "net/tcp_transport.hpp"
#include "net/tor/tor_supervisor.hpp"
#include "net/tor/tor_transport.hpp"
#include "note_library.hpp"
#include "tor/test_tor.hpp"
#include "tor_bench_support.hpp"

namespace {

using namespace tumar;
using namespace tumar::bench;

constexpr std::uint16_t kVirtualPort = 7000;
constexpr auto kGiveUp = 180s;  // for tor to bootstrap, publish, or become reachable

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// tumar serve's own tor, in process: a TorSupervisor on an io_context of
// its own thread (the node engine runs on another, as Server does).
class ServeTor {
 public:
  ServeTor(const fs::path& data_directory, std::string extra_torrc) {
    fs::create_directories(data_directory);
    fs::permissions(data_directory, fs::perms::owner_all, fs::perm_options::replace);
    net::TorSupervisorOptions options;
    options.data_directory = data_directory;
    options.extra_torrc = std::move(extra_torrc);
    net::TorSupervisorEvents events;
    events.on_ready = [this] { ready_ = true; };
    events.on_error = [](const core::Error& e) { std::fprintf(stderr, "tor: %s\n", e.describe().c_str()); };
    events.on_gave_up = [this](const core::Error& e) {
      std::fprintf(stderr, "tor: gave up: %s\n", e.describe().c_str());
      gave_up_ = true;
    };
    supervisor_.emplace(io_, std::move(options), std::move(events), rng_);
  }
  ~ServeTor() {
    if (thread_.joinable()) {
      // Shared: the coroutine may outlive the wait.
      auto stopped = std::make_shared<std::promise<void>>();
      net::asio::co_spawn(
          io_,
          [this, stopped]() -> net::asio::awaitable<void> {
            co_await supervisor_->stop();
            stopped->set_value();
          },
          net::asio::detached);
      stopped->get_future().wait_for(15s);
      work_.reset();
      io_.stop();
      thread_.join();
    }
    supervisor_.reset();  // kills and reaps a tor that would not stop
  }
  ServeTor(const ServeTor&) = delete;
  ServeTor& operator=(const ServeTor&) = delete;

  bool start() {
    if (auto started = supervisor_->start(); !started) {
      std::fprintf(stderr, "tor did not start: %s\n", started.error().describe().c_str());
      return false;
    }
    thread_ = std::thread([this] { io_.run(); });
    return true;
  }
  // Bootstrapped to 100% (with nothing published yet, the supervisor's "ready").
  bool wait_ready() const {
    const auto end = Clock::now() + kGiveUp;
    while (!ready_ && !gave_up_ && Clock::now() < end) std::this_thread::sleep_for(5ms);
    return ready_;
  }
  // ADD_ONION with a new key for `target` ("unix:PATH", TorTransport::listen's answer):
  // the service id, or "" if tor refused.
  std::string publish(const std::string& target) {
    tor::OnionPublication publication;
    publication.virtual_port = kVirtualPort;
    publication.unix_socket_path = target.substr(std::string("unix:").size());
    auto id = std::make_shared<std::promise<std::string>>();  // the coroutine may outlive the wait
    net::asio::co_spawn(
        io_,
        [this, id, publication]() -> net::asio::awaitable<void> {
          auto r = co_await supervisor_->publish(nullptr, publication);
          if (!r) std::fprintf(stderr, "ADD_ONION: %s\n", r.error().describe().c_str());
          id->set_value(r ? r->service_id : std::string());
        },
        net::asio::detached);
    auto f = id->get_future();
    return f.wait_for(kGiveUp) == std::future_status::ready ? f.get() : std::string();
  }

 private:
  net::asio::io_context io_{1};
  net::asio::executor_work_guard<net::asio::io_context::executor_type> work_ = net::asio::make_work_guard(io_);
  crypto::SystemRandom rng_;
  std::optional<net::TorSupervisor> supervisor_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> gave_up_{false};
  std::thread thread_;
};

MakeTransport onion_node_transport(const fs::path& socket_dir) {
  return [socket_dir](net::asio::io_context& io) {
    return std::make_unique<net::tor::TorTransport>(
        io, net::tor::TorTransportOptions{net::tor::SocksEndpoint::unix_socket(socket_dir / "unused"), socket_dir,
                                          "onion.sock", "tumar", false});
  };
}

// A dialler through tor's SOCKS endpoint, its circuits isolated by `tag`.
MakeTransport onion_dialler(net::tor::SocksEndpoint socks, const fs::path& dir, std::string tag) {
  return [socks, dir, tag](net::asio::io_context& io) {
    return std::make_unique<net::tor::TorTransport>(
        io, net::tor::TorTransportOptions{socks, dir, "onion.sock", tag, false});
  };
}

MakeTransport tcp_transport() {
  return [](net::asio::io_context& io) { return std::make_unique<net::TcpTransport>(io); };
}

// Sync jobs by `dialler` until one succeeds: the attempts made, 0 at the
// deadline.
int sync_until_reached(PlainPerson& dialler, const peers::PeerAddress& to, const identity::IdentityKey& key,
                       const MakeTransport& make, Clock::time_point deadline) {
  for (int attempts = 1; Clock::now() < deadline; ++attempts) {
    if (run_job(dialler, node::SyncJob{to, key, std::nullopt, std::nullopt, std::nullopt}, make, 30s).ok()) {
      return attempts;
    }
    std::this_thread::sleep_for(100ms);
  }
  return 0;
}

// Bytes a tor read and wrote on all its connections so far (GETINFO
// traffic/read and traffic/written), asked over its control socket with the
// COOKIE method; nullopt if it did not answer so. TestingTorNetwork counts
// connections to 127.0.0.1 too (CountPrivateBandwidth 1): the SOCKS
// stream's bytes are in it as well as the cells to its guard.
struct TorTraffic {
  std::uint64_t read = 0, written = 0;
};
std::optional<TorTraffic> tor_traffic(const fs::path& control, const fs::path& cookie_file) {
  std::ifstream in(cookie_file, std::ios::binary);
  const std::string cookie((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string hex;
  for (const unsigned char c : cookie) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", c);
    hex += two;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, control.c_str(), sizeof sa.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return ::close(fd), std::nullopt;
  const std::string ask = "AUTHENTICATE " + hex + "\r\nGETINFO traffic/read traffic/written\r\nQUIT\r\n";
  std::string reply;
  if (::send(fd, ask.data(), ask.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(ask.size())) {
    char buf[1024];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  TorTraffic t;
  const auto r = reply.find("traffic/read="), w = reply.find("traffic/written=");
  if (r == std::string::npos || w == std::string::npos) return std::nullopt;
  t.read = std::stoull(reply.substr(r + 13));
  t.written = std::stoull(reply.substr(w + 16));
  return t;
}

struct Reach {
  double bootstrapped_s = 0, published_s = 0, reachable_s = 0;  // since tor started
  double add_onion_ms = 0;                                      // ADD_ONION alone
  double failed_attempts = 0;                                   // sync jobs before the first that succeeded
};

// One `serve` in Tor mode, from starting tor to the first successful sync.
std::optional<Reach> onion_reach(const fs::path& tor_dir, const fs::path& node_dir, const std::string& torrc,
                                 std::uint16_t socks_port) {
  PlainPerson node, dialler;
  Server server(node, onion_node_transport(node_dir), {"", kVirtualPort});
  ServeTor tor(tor_dir, torrc);
  Reach r;
  const auto t0 = Clock::now();
  if (!tor.start() || !tor.wait_ready()) return std::nullopt;
  r.bootstrapped_s = ms_since(t0) / 1000;
  const auto t_publish = Clock::now();
  const std::string id = tor.publish(server.bound_to);
  if (id.empty()) return std::nullopt;
  r.add_onion_ms = ms_since(t_publish);
  r.published_s = ms_since(t0) / 1000;
  const auto dial = onion_dialler(net::tor::SocksEndpoint::loopback_port(socks_port), node_dir / "dialler", "reach");
  const int attempts =
      sync_until_reached(dialler, {id + ".onion", kVirtualPort}, server.identity_key, dial, t0 + kGiveUp);
  if (attempts == 0) return std::nullopt;
  r.failed_attempts = attempts - 1;
  r.reachable_s = ms_since(t0) / 1000;
  return r;
}

// `serve --listen 127.0.0.1:0`, from listen to the first successful sync (ms).
double tcp_reach_ms() {
  PlainPerson node, dialler;
  Server server(node, tcp_transport(), {"127.0.0.1", 0});
  const auto to = *peers::parse_peer_address(server.bound_to);
  if (sync_until_reached(dialler, to, server.identity_key, tcp_transport(), Clock::now() + 30s) == 0) std::exit(1);
  return ms_since(server.listen_started);
}

std::uint64_t object_count(Person& p, const network::NetworkId& net) {
  auto count = p.replica->store().object_count(net);
  if (!count) die("count", count.error());
  return *count;
}

struct InitialSync {
  double secs = 0;
  std::uint64_t objects = 0;          // the newcomer's store afterwards
  std::uint64_t founder_objects = 0;  // the founder's (its node may have written some while serving)
  std::uint64_t envelope_bytes = 0;   // the engine's count of envelope bytes received
  FlightCounter::Traffic wire;        // the relay's
  std::optional<TorTraffic> tor;      // over an onion: what the newcomer's tor read from and wrote to its guard
};

// One sync job by `newcomer` (admitted, store empty) from the founder's
// node, through `relay`; `make` dials the relay.
InitialSync initial_sync(Person& newcomer, const network::NetworkId& net, const peers::PeerAddress& to,
                         const identity::IdentityKey& founder, const MakeTransport& make, FlightCounter& relay,
                         const std::function<std::optional<TorTraffic>()>& traffic = {}) {
  InitialSync s;
  const auto before = traffic ? traffic() : std::nullopt;
  const auto t0 = Clock::now();
  const node::JobOutcome outcome =
      run_job(newcomer, node::SyncJob{to, founder, std::nullopt, net, std::nullopt}, make, 60s);
  s.secs = ms_since(t0) / 1000;
  if (!outcome.ok()) {
    std::fprintf(stderr, "initial sync failed: %s\n", outcome.cause ? outcome.cause->describe().c_str() : "?");
    std::exit(1);
  }
  std::this_thread::sleep_for(100ms);  // the relay sees the close
  s.wire = relay.last();
  // Less the SOCKS stream (the relay's count, exact): what remains is tor's
  // own wire to its guard, TLS records of cells.
  if (const auto after = traffic ? traffic() : std::nullopt; before && after) {
    const auto less = [](std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; };
    s.tor =
        TorTraffic{less(after->read - before->read, s.wire.up), less(after->written - before->written, s.wire.down)};
  }
  s.envelope_bytes = outcome.progress.bytes_received;
  s.objects = object_count(newcomer, net);
  return s;
}

std::string range_s(std::vector<double> v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.2f s (%.2f..%.2f)", median(v), *lo, *hi);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NETDIR [--runs N] [--notes N]\n", argv[0]);
    return 2;
  }
  const std::string netdir = argv[1];
  int runs = 3;
  std::size_t notes = 10'000;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (std::string(argv[i]) == "--notes") notes = std::stoul(argv[i + 1]);
  }
  crypto::ensure_sodium();
  const auto env = test::tor_net_env(netdir);
  const auto socks_port = static_cast<std::uint16_t>(std::stoi(env.at("TOR_TESTNET_SOCKS_PORT")));
  const std::string torrc =
      test::run_capture(std::string(TUMAR_SOURCE_DIR) + "/scripts/tor-testnet client-torrc " + netdir);
  // Short: the supervisor's socket paths must fit in sun_path.
  const test::TempDir scratch;
  const fs::path& work = scratch.path();

  // (a) serve start to reachable: each run a cold start, then a warm one on
  // the same data directory.
  std::vector<Reach> cold, warm;
  std::vector<double> tcp_ms;
  for (int i = 0; i < runs; ++i) {
    const fs::path dir = work / ("t" + std::to_string(i));
    for (auto* into : {&cold, &warm}) {
      std::fprintf(stderr, "run %d: %s start...\n", i + 1, into == &cold ? "cold" : "warm");
      const fs::path node_dir = work / ("n" + std::to_string(i) + (into == &cold ? "c" : "w"));
      auto r = onion_reach(dir, node_dir, torrc, socks_port);
      if (!r) {
        std::fprintf(stderr, "the onion service did not become reachable\n");
        return 1;
      }
      into->push_back(*r);
    }
    tcp_ms.push_back(tcp_reach_ms());
  }

  // (c) initial sync of `notes` notes, over TCP and over the onion service.
  std::fprintf(stderr, "preparing %zu notes...\n", notes);
  const std::uint64_t t0_ms = wall_ms() - 120'000;  // all in the past, as the engine reads the real clock
  Person founder(work / "founder.db", 1);
  Person tcp_newcomer(work / "newcomer-tcp.db", 2), onion_newcomer(work / "newcomer-onion.db", 3);
  network::LocalAuthor author(*founder.replica, founder.me, founder.rng);
  auto net = author.create_network("Benchmark network", false, t0_ms);
  if (!net) die("create", net.error());
  if (!write_notes(founder, *net, notes, t0_ms, t0_ms + notes + 100)) return 1;
  for (Person* p : {&tcp_newcomer, &onion_newcomer}) {
    auto admitted = author.admit(*net, p->me.public_identity(), network::Role::kMember, t0_ms + notes + 200);
    if (!admitted) die("admit", admitted.error());
    network::NetworkRecord rec;
    rec.id = *net;
    if (auto r = p->replica->store().add_network(rec); !r) die("join", r.error());
  }
  const std::uint64_t total = object_count(founder, *net);
  const auto founder_key = founder.me.public_identity().identity_key;

  InitialSync tcp_sync, onion_sync;
  double onion_probe_s = 0;
  {
    std::fprintf(stderr, "initial sync over TCP...\n");
    Server server(founder, tcp_transport(), {"127.0.0.1", 0}, {});
    const auto to = *peers::parse_peer_address(server.bound_to);
    FlightCounter relay(work / "tcp-relay", std::nullopt, to.port);
    const fs::path relay_path = work / "tcp-relay";
    tcp_sync = initial_sync(
        tcp_newcomer, *net, to, founder_key,
        [&](net::asio::io_context& io) { return std::make_unique<UnixDial>(io, relay_path); }, relay);
  }
  tcp_sync.founder_objects = object_count(founder, *net);
  {
    std::fprintf(stderr, "initial sync over the onion service...\n");
    Server server(founder, onion_node_transport(work / "sync-node"), {"", kVirtualPort}, {});
    ServeTor tor(work / "t0", torrc);  // warm: the first run's directory
    if (!tor.start() || !tor.wait_ready()) return 1;
    const std::string id = tor.publish(server.bound_to);
    if (id.empty()) return 1;
    const peers::PeerAddress to{id + ".onion", kVirtualPort};
    // Reachable first (a dial alone; a sync would move the notes), on the
    // circuits the timed job then uses: it measures the sync, not tor's
    // introduction and rendezvous.
    const auto direct = onion_dialler(net::tor::SocksEndpoint::loopback_port(socks_port), work / "d", "sync");
    const auto t_probe = Clock::now();
    while (!dial_once(direct, to, 30s)) {
      if (Clock::now() > t_probe + kGiveUp) return 1;
      std::this_thread::sleep_for(100ms);
    }
    onion_probe_s = ms_since(t_probe) / 1000;
    FlightCounter relay(work / "socks-relay", std::nullopt, socks_port);
    onion_sync = initial_sync(
        onion_newcomer, *net, to, founder_key,
        onion_dialler(net::tor::SocksEndpoint::unix_socket(work / "socks-relay"), work / "d", "sync"), relay, [&] {
          return tor_traffic(fs::path(netdir) / "client" / "control",
                             fs::path(netdir) / "client" / "control_auth_cookie");
        });
  }
  onion_sync.founder_objects = object_count(founder, *net);
  const bool complete =
      tcp_sync.objects == tcp_sync.founder_objects && onion_sync.objects == onion_sync.founder_objects;

  auto col = [](const std::vector<Reach>& v, double Reach::*f) {
    std::vector<double> out;
    for (const auto& r : v) out.push_back(r.*f);
    return out;
  };
  const auto sum = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  std::printf(
      "| serve start to reachable, median (range) of %d runs | direct TCP, 127.0.0.1 | onion, cold (fresh tor data "
      "directory) | onion, warm (the same directory again) |\n",
      runs);
  std::printf("|---|---|---|---|\n");
  std::printf("| tor started -> bootstrapped (100%%) | - | %s | %s |\n",
              range_s(col(cold, &Reach::bootstrapped_s)).c_str(), range_s(col(warm, &Reach::bootstrapped_s)).c_str());
  std::printf("| ADD_ONION alone (new key) | - | %.1f ms | %.1f ms |\n", median(col(cold, &Reach::add_onion_ms)),
              median(col(warm, &Reach::add_onion_ms)));
  std::printf("| -> ADD_ONION answered | - | %s | %s |\n", range_s(col(cold, &Reach::published_s)).c_str(),
              range_s(col(warm, &Reach::published_s)).c_str());
  std::printf("| -> first successful sync (reachable) | %.2f ms after listen | %s | %s |\n", median(tcp_ms),
              range_s(col(cold, &Reach::reachable_s)).c_str(), range_s(col(warm, &Reach::reachable_s)).c_str());
  std::printf("| sync attempts that failed before one succeeded, all runs | 0 | %.0f | %.0f |\n\n",
              sum(col(cold, &Reach::failed_attempts)), sum(col(warm, &Reach::failed_attempts)));

  const auto per_object = [](std::uint64_t bytes, std::uint64_t n) {
    return static_cast<double>(bytes) / static_cast<double>(n);
  };
  std::printf(
      "| initial sync of %zu notes, one sync job from an empty replica | direct TCP, 127.0.0.1 | onion service |\n",
      notes);
  std::printf("|---|---|---|\n");
  std::printf("| objects synced (notes, genesis, admissions, grants...) | %llu | %llu |\n",
              static_cast<unsigned long long>(tcp_sync.objects), static_cast<unsigned long long>(onion_sync.objects));
  std::printf("| wall time (dial, handshake, reconciliation, every object verified and stored) | %.2f s | %.2f s |\n",
              tcp_sync.secs, onion_sync.secs);
  std::printf("| objects/s | %.0f | %.0f |\n", static_cast<double>(tcp_sync.objects) / tcp_sync.secs,
              static_cast<double>(onion_sync.objects) / onion_sync.secs);
  std::printf("| bytes on the wire, node to newcomer | %.2f MB | %.2f MB |\n",
              static_cast<double>(tcp_sync.wire.down) / 1e6, static_cast<double>(onion_sync.wire.down) / 1e6);
  std::printf("| bytes on the wire, newcomer to node | %.1f kB | %.1f kB |\n",
              static_cast<double>(tcp_sync.wire.up) / 1e3, static_cast<double>(onion_sync.wire.up) / 1e3);
  std::printf("| bytes per object, both ways | %.0f | %.0f |\n",
              per_object(tcp_sync.wire.down + tcp_sync.wire.up, tcp_sync.objects),
              per_object(onion_sync.wire.down + onion_sync.wire.up, onion_sync.objects));
  if (onion_sync.tor) {
    std::printf(
        "| bytes on tor's wire (the newcomer's tor to its guard: TLS, cells), node to newcomer, per object | - | %.0f "
        "|\n",
        per_object(onion_sync.tor->read, onion_sync.objects));
    std::printf("| the same, newcomer to node, per object | - | %.0f |\n",
                per_object(onion_sync.tor->written, onion_sync.objects));
  }
  std::printf("| of which envelope bytes (the engine's count) | %.0f | %.0f |\n",
              per_object(tcp_sync.envelope_bytes, tcp_sync.objects),
              per_object(onion_sync.envelope_bytes, onion_sync.objects));
  std::printf("| newcomer's flights (sends after a receive; WANT batches overlap, so not each a wait) | %d | %d |\n\n",
              tcp_sync.wire.flights, onion_sync.wire.flights - 3);
  std::printf(
      "Onion service of the initial sync: reachable %.1f s after ADD_ONION answered. All objects synced: %s.\n\n",
      onion_probe_s, complete ? "yes" : "NO");

  std::printf(
      "tcp_reach_ms=%.2f onion_cold_bootstrapped_s=%.1f onion_cold_published_s=%.1f onion_cold_reach_s=%.1f "
      "onion_warm_bootstrapped_s=%.1f onion_warm_published_s=%.1f onion_warm_reach_s=%.1f\n",
      median(tcp_ms), median(col(cold, &Reach::bootstrapped_s)), median(col(cold, &Reach::published_s)),
      median(col(cold, &Reach::reachable_s)), median(col(warm, &Reach::bootstrapped_s)),
      median(col(warm, &Reach::published_s)), median(col(warm, &Reach::reachable_s)));
  std::printf(
      "tcp_initial_sync_s=%.2f tcp_initial_objects_per_s=%.0f tcp_initial_bytes_per_object=%.0f "
      "onion_initial_sync_s=%.2f onion_initial_objects_per_s=%.0f onion_initial_bytes_per_object=%.0f "
      "initial_objects=%llu all_ok=%d\n",
      tcp_sync.secs, static_cast<double>(tcp_sync.objects) / tcp_sync.secs,
      per_object(tcp_sync.wire.down + tcp_sync.wire.up, tcp_sync.objects), onion_sync.secs,
      static_cast<double>(onion_sync.objects) / onion_sync.secs,
      per_object(onion_sync.wire.down + onion_sync.wire.up, onion_sync.objects), static_cast<unsigned long long>(total),
      complete ? 1 : 0);
  if (onion_sync.tor) {
    std::printf("onion_initial_tor_read_per_object=%.0f onion_initial_tor_written_per_object=%.0f\n",
                per_object(onion_sync.tor->read, onion_sync.objects),
                per_object(onion_sync.tor->written, onion_sync.objects));
  }
  return complete ? 0 : 1;
}
