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

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "net/tcp_transport.hpp"
#include "net/tor/tor_transport.hpp"
#include "tor/test_tor.hpp"
#include "tor_bench_support.hpp"

namespace {

using namespace tumar;
using namespace tumar::bench;
using Person = PlainPerson;

constexpr std::uint16_t kVirtualPort = 7000;
constexpr int kSocksFlights = 3;  // greeting, RFC 1929 authentication, CONNECT

struct Sample {
  double dial_ms = 0;
  double sync_ms = 0;
  int round_trips = 0;
  bool ok = false;
};

// One dial alone, then one up-to-date sync job, by a dialler on `make`'s transport.
Sample one(Person& dialler, const peers::PeerAddress& to, const identity::IdentityKey& key, const MakeTransport& make,
           FlightCounter& relay, int socks_flights) {
  Sample s;
  const auto t_dial = Clock::now();
  const bool dialled = dial_once(make, to, 60s);
  s.dial_ms = ms_since(t_dial);
  if (!dialled) {
    std::fprintf(stderr, "dial failed\n");
    return s;
  }
  const auto t0 = Clock::now();
  const node::JobOutcome outcome =
      run_job(dialler, node::SyncJob{to, key, std::nullopt, std::nullopt, std::nullopt}, make, 60s);
  s.sync_ms = ms_since(t0);
  s.ok = outcome.ok();
  if (!s.ok) {
    std::fprintf(stderr, "sync failed: %s\n", (outcome.cause ? outcome.cause->describe() : std::string()).c_str());
  }
  std::this_thread::sleep_for(100ms);  // the relay sees the close
  s.round_trips = relay.last_flights() - socks_flights;
  return s;
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
  Person tcp_node, onion_node;
  Server tcp_server(
      tcp_node, [](net::asio::io_context& io) { return std::make_unique<net::TcpTransport>(io); }, {"127.0.0.1", 0});
  const auto tcp_to = *peers::parse_peer_address(tcp_server.bound_to);
  const net::tor::SocksEndpoint unused = net::tor::SocksEndpoint::unix_socket(work / "unused");
  Server onion_server(
      onion_node,
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
    if (dial_once(make_tor, onion_to, 30s)) break;
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
  Sample cold = one(dialler, onion_to, onion_server.identity_key, make_tor_cold,
                    socks_relay, kSocksFlights);
  for (int i = 0; i < runs; ++i) {
    tcp.push_back(one(dialler, tcp_to, tcp_server.identity_key, make_tcp, tcp_relay, 0));
    tor_runs.push_back(one(dialler, onion_to, onion_server.identity_key, make_tor,
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
