// How fast a lead's broadcast floods a network: 30 real nodes on loopback
// (127.0.0.1 only), each a serving node::Engine with its own encrypted
// database and replica on net::NodeRunner and TCP, on its own thread,
// exactly as `tumar serve` runs it, linked as a random mesh in which every node has
// degree 4 (a ring plus two random matchings, so the mesh is connected).
// Once every link is up and reconciled, node 0 (the founding lead) writes a
// broadcast and its engine pushes it; we time how long until the last of the 30 nodes
// has verified and stored it. Repeated, and the median reported.
//
//   tumar_gossip_bench [--quick] [--nodes N] [--rounds R]
//
// Prints a Markdown table and `gossip_30_nodes_ms=<median>` (the issue 7
// figure, for N = 30) last. --quick runs 3 rounds instead of 9.

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/peers/peer_store.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "support/run_engine.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "gossip_bench: %s\n", what.c_str());
  std::exit(1);
}

// One member's node, run as cli/commands/serve.cpp runs `tumar serve`: a
// serving engine with its default admission (members, the allow list).
struct Peer {
  Peer(const std::filesystem::path& path, std::uint8_t index) : me(identity::LocalIdentity::generate(rng)) {
    store::DbId id{};
    id[0] = index;
    auto opened = store::Database::open(path, crypto::Secret<32>::random(), id);
    if (!opened) die("open: " + opened.error().describe());
    db.emplace(std::move(*opened));
    if (auto m = profile::migrate(*db); !m) die("migrate: " + m.error().describe());
    replica.emplace(*db, me);
  }

  // Binds the listener; the event loop starts in run(). `local_poll`: how
  // soon the engine notices what this bench writes to its store and
  // floods it (the lead's; the others only flood what they receive, at once).
  void listen(std::chrono::milliseconds local_poll) {
    node::EngineOptions options;
    options.local_poll = local_poll;
    serving.emplace(*replica, me, rng, std::move(options));
    address = serving->address();
  }

  void run() { serving->start(); }

  // Runs f on the node's own thread (its database and counters are that
  // thread's) and waits for the answer.
  template <typename F>
  auto on_loop(F f) -> decltype(f()) {
    return serving->on_loop(std::move(f));
  }

  crypto::SystemRandom rng;
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
  std::optional<test::ServingEngine> serving;  // after what it uses: goes first
  peers::PeerAddress address;
};

// Edges of a connected graph on n nodes where every node has degree 4: a
// ring plus two random perfect-ish matchings, redrawn until no edge repeats.
std::vector<std::pair<std::size_t, std::size_t>> random_mesh(std::size_t n, std::mt19937& gen) {
  for (;;) {
    std::set<std::pair<std::size_t, std::size_t>> edges;
    auto add = [&](std::size_t a, std::size_t b) {
      if (a == b) return false;
      return edges.insert({std::min(a, b), std::max(a, b)}).second;
    };
    for (std::size_t i = 0; i < n; ++i) add(i, (i + 1) % n);
    bool ok = true;
    for (int m = 0; m < 2 && ok; ++m) {
      std::vector<std::size_t> order(n);
      for (std::size_t i = 0; i < n; ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), gen);
      for (std::size_t i = 0; i + 1 < n && ok; i += 2) ok = add(order[i], order[i + 1]);
    }
    if (ok) return {edges.begin(), edges.end()};
  }
}

// Hops from node 0 to the farthest node: the least number of flood steps.
std::size_t eccentricity_of_0(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  std::vector<std::size_t> dist(n, SIZE_MAX);
  std::vector<std::size_t> queue{0};
  dist[0] = 0;
  for (std::size_t q = 0; q < queue.size(); ++q) {
    for (const auto& [a, b] : edges) {
      const std::size_t u = queue[q];
      const std::size_t v = a == u ? b : b == u ? a : SIZE_MAX;
      if (v != SIZE_MAX && dist[v] == SIZE_MAX) {
        dist[v] = dist[u] + 1;
        queue.push_back(v);
      }
    }
  }
  return *std::max_element(dist.begin(), dist.end());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  crypto::ensure_sodium();
  std::size_t n = 30;
  std::size_t rounds = 9;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) rounds = 3;
    else if (std::strcmp(argv[i], "--nodes") == 0 && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::stoul(argv[++i]);
    else die(std::string("usage: ") + argv[0] + " [--quick] [--nodes N] [--rounds R]");
  }
  if (n < 5 || n > 200 || rounds < 1) die("--nodes must be 5..200 and --rounds at least 1");

  const auto dir = std::filesystem::temp_directory_path() / ("tumar-gossip-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};

  std::vector<std::unique_ptr<Peer>> peers;
  for (std::size_t i = 0; i < n; ++i) {
    peers.push_back(std::make_unique<Peer>(dir / ("node" + std::to_string(i) + ".db"), static_cast<std::uint8_t>(i)));
  }

  // Node 0 founds the network and admits everyone (with the epoch key
  // granted); each member starts from that history, as after `tumar join`.
  std::uint64_t now = test::unix_now_ms();
  network::LocalAuthor lead(*peers[0]->replica, peers[0]->me, peers[0]->rng);
  auto net_id = lead.create_network("Gossip bench network", false, now);
  if (!net_id) die("create: " + net_id.error().describe());
  for (std::size_t i = 1; i < n; ++i) {
    if (auto a = lead.admit(*net_id, peers[i]->me.public_identity(), network::Role::kMember, ++now); !a) {
      die("admit: " + a.error().describe());
    }
  }
  auto history = peers[0]->replica->store().envelopes_after(0, 100'000);
  if (!history) die("history: " + history.error().describe());
  std::vector<std::vector<std::uint8_t>> envelopes;
  for (auto& [rowid, env] : *history) envelopes.push_back(std::move(env));
  for (std::size_t i = 1; i < n; ++i) {
    network::NetworkRecord rec;
    rec.id = *net_id;
    if (auto r = peers[i]->replica->store().add_network(rec); !r) die("add network: " + r.error().describe());
    if (auto r = peers[i]->replica->ingest_batch(envelopes, test::unix_now_ms()); !r) {
      die("ingest: " + r.error().describe());
    }
  }

  // The lead hands its broadcast to its engine at once (Engine::published,
  // as a front end does), so the figure is the flood through the mesh, not
  // the wait for the next store poll.
  for (std::size_t i = 0; i < n; ++i) peers[i]->listen(node::EngineOptions{}.local_poll);
  std::mt19937 gen(20261204);
  const auto edges = random_mesh(n, gen);
  std::vector<std::size_t> degree(n, 0);
  for (const auto& [a, b] : edges) {
    // One side dials (as after `tumar peer add`), the other admits.
    peers::PeerStore store(*peers[a]->db);
    if (auto r = store.add(peers[b]->address, peers[b]->me.public_identity().identity_key, 0); !r) {
      die("peer add: " + r.error().describe());
    }
    ++degree[a];
    ++degree[b];
  }
  for (auto& p : peers) p->run();

  // Every link up, then time for the first reconciliation rounds to finish.
  const auto setup_start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    while (peers[i]->on_loop([&] { return peers[i]->serving->engine().live_connections(); }) < degree[i]) {
      if (Clock::now() - setup_start > std::chrono::seconds(60)) die("the mesh did not come up within 60 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  std::vector<double> times_ms;
  for (std::size_t r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    auto written = peers[0]->on_loop([&]() -> core::Result<network::Written> {
      return lead.broadcast(*net_id, "Round " + std::to_string(r) + ": the Almaty shelter moved; new address inside",
                            r % 2 == 0, 0, test::unix_now_ms());
    });
    if (!written) die("broadcast: " + written.error().describe());
    peers[0]->serving->submit([&engine = peers[0]->serving->engine(), envelopes = written->envelopes](node::Now at) {
      return engine.published(at, envelopes);
    });
    const network::ObjectId id = written->id;
    std::vector<bool> seen(n, false);
    seen[0] = true;
    std::size_t have = 1;
    while (have < n) {
      if (Clock::now() - t0 > std::chrono::seconds(30)) die("a broadcast did not reach every node within 30 s");
      for (std::size_t i = 1; i < n; ++i) {
        if (seen[i]) continue;
        auto got = peers[i]->on_loop([&] { return peers[i]->replica->store().has_object(id); });
        if (got && *got) {
          seen[i] = true;
          ++have;
        }
      }
      if (have < n) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    times_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  for (auto& p : peers) p->serving->request_stop();
  for (auto& p : peers) p->serving->stop();

  const double med = median(times_ms);
  const double worst = *std::max_element(times_ms.begin(), times_ms.end());
  std::printf("| measurement | figure |\n|---|---|\n");
  std::printf("| nodes, links (random mesh, degree 4), hops from the lead to the farthest | %zu, %zu, %zu |\n", n,
              edges.size(), eccentricity_of_0(n, edges));
  std::printf("| broadcasts timed | %zu |\n", rounds);
  std::printf("| lead's broadcast stored by every node, median | %.1f ms |\n", med);
  std::printf("| the same, slowest round | %.1f ms |\n", worst);
  std::printf("\ngossip_%zu_nodes_ms=%.1f\n", n, med);
  return 0;
}
