// How much 50 garbage-sending clients slow 200 honest members syncing with
// one node (issue 7: by no more than 2x). The node is a node::Engine
// serving as `tumar serve` runs it (network::NodeAdmission, the engine's
// defaults) on net::NodeRunner and TCP, on its own thread;
// every peer is a fresh member with its own identity and database that
// does a real Noise handshake and a full sync over 127.0.0.1. Each round
// has a clean phase and a garbage phase, each with 200 new members on a
// fresh node holding the same base set, in alternating order so warm-up
// favours neither; both are measured in the same run. The figure per phase is the median per-peer completion time.
//
//   tumar_load_bench [--quick] [--peers N] [--garbage G] [--rounds R]
//
// Prints a Markdown table, then key=value lines: load_honest_sync_ms,
// load_with_garbage_sync_ms, load_garbage_slowdown, load_peak_rss_mb (this
// process's VmHWM: node and clients together, so an upper bound on the
// node's; tests/cli/load_test.cpp bounds the real `tumar serve` alone).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "support/garbage_peers.hpp"
#include "support/load_peer.hpp"
#include "support/proc_status.hpp"
#include "support/run_engine.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "load_bench: %s\n", what.c_str());
  std::exit(1);
}

// The node under load, run as cli/commands/serve.cpp runs `tumar serve`: a
// serving engine with its default admission (members, the allow list,
// invites).
struct ServedNode {
  explicit ServedNode(const std::filesystem::path& path) : me(identity::LocalIdentity::generate(rng)) {
    auto opened = store::Database::open(path, crypto::Secret<32>::random(), store::DbId{});
    if (!opened) die("open: " + opened.error().describe());
    db.emplace(std::move(*opened));
    if (auto m = profile::migrate(*db); !m) die("migrate: " + m.error().describe());
    replica.emplace(*db, me);
    author.emplace(*replica, me, rng);
    auto id = author->create_network("Load bench network", false, test::unix_now_ms());
    if (!id) die("create: " + id.error().describe());
    net_id = *id;
    for (int b = 0; b < 3; ++b) {
      if (!author->broadcast(net_id, "Load bench broadcast " + std::to_string(b), false, 0, test::unix_now_ms())) {
        die("broadcast");
      }
    }
  }

  void listen(std::size_t max_connections) {
    node::EngineOptions options;
    options.connection_limits.max_connections = max_connections;
    options.connection_limits.max_per_address = max_connections;  // every client is 127.0.0.1
    serving.emplace(*replica, me, rng, std::move(options));
    address = serving->address();
    port = serving->port();
    serving->start();
  }

  // Runs f on the node's thread (its database belongs to that thread).
  template <typename F>
  auto on_loop(F f) -> decltype(f()) {
    return serving->on_loop(std::move(f));
  }

  void stop() { serving.reset(); }

  crypto::SystemRandom rng;
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
  std::optional<network::LocalAuthor> author;
  network::NetworkId net_id{};
  std::optional<test::ServingEngine> serving;  // after what it uses: goes first
  peers::PeerAddress address;
  std::uint16_t port = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// One phase: `n` new members admitted, then all sync at once. Returns each
// peer's completion time (dial to end of round), in ms.
std::vector<double> phase(ServedNode& node, const std::filesystem::path& dir, std::size_t n, std::uint32_t first,
                          std::uint64_t expect_objects) {
  std::vector<std::unique_ptr<test::LoadPeer>> peers;
  for (std::size_t i = 0; i < n; ++i) {
    peers.push_back(std::make_unique<test::LoadPeer>(dir / ("p" + std::to_string(first + i) + ".db"),
                                                     static_cast<std::uint32_t>(first + i)));
    peers.back()->know(node.net_id);
  }
  node.on_loop([&] {
    for (auto& p : peers) {
      if (!node.author->admit(node.net_id, p->me().public_identity(), network::Role::kMember, test::unix_now_ms())) {
        die("admit");
      }
    }
    return 0;
  });
  std::vector<double> ms(n, 0);
  std::vector<std::string> errors(n);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      const auto t0 = Clock::now();
      auto out = peers[i]->sync(node.address, node.me.public_identity().identity_key, node.net_id);
      ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (!out.ok()) errors[i] = test::describe(out);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < n; ++i) {
    if (!errors[i].empty()) die("peer " + std::to_string(i) + " failed: " + errors[i]);
    // Each phase's members see earlier phases' admissions too: at least the base set.
    if (peers[i]->object_count(node.net_id) < expect_objects) die("peer " + std::to_string(i) + " is missing objects");
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  crypto::ensure_sodium();
  std::size_t n = 200;
  int garbage_count = 50;
  std::size_t rounds = 3;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) rounds = 1;
    else if (std::strcmp(argv[i], "--peers") == 0 && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--garbage") == 0 && i + 1 < argc) garbage_count = std::stoi(argv[++i]);
    else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::stoul(argv[++i]);
    else die(std::string("usage: ") + argv[0] + " [--quick] [--peers N] [--garbage G] [--rounds R]");
  }
  if (n < 1 || n > 1000 || rounds < 1 || garbage_count < 1) die("bad arguments");

  // mkdtemp, not a pid-derived name: unpredictable and private (0700) on a shared /tmp.
  const test::TempDir scratch;
  const std::filesystem::path& dir = scratch.path();

  // Every phase gets a fresh node holding the same base set (a network, 3
  // broadcasts) and admits its own 200 members, so each phase's members
  // sync the same number of objects: otherwise later phases carry every
  // earlier phase's admissions and the order of phases decides the ratio.
  std::vector<double> clean, dirty;
  std::uint32_t next = 0;
  std::uint64_t garbage_connections = 0;
  for (std::size_t r = 0; r < rounds; ++r) {
    for (int half = 0; half < 2; ++half) {
      const bool with_garbage = (half == 0) == (r % 2 == 1);
      ServedNode node(dir / ("node" + std::to_string(r) + "-" + std::to_string(half) + ".db"));
      auto base = node.replica->store().object_count(node.net_id);
      if (!base) die("count");
      node.listen(n + static_cast<std::size_t>(garbage_count) + 50);
      std::optional<test::GarbagePeers> garbage;
      if (with_garbage) {
        garbage.emplace(node.port, garbage_count);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
      auto ms = phase(node, dir, n, next, *base);
      next += static_cast<std::uint32_t>(n);
      (with_garbage ? dirty : clean).insert((with_garbage ? dirty : clean).end(), ms.begin(), ms.end());
      if (garbage) garbage_connections += garbage->connections();
      garbage.reset();
      node.stop();
    }
  }

  const double clean_ms = median(clean);
  const double dirty_ms = median(dirty);
  const double slowdown = dirty_ms / clean_ms;
  const double peak_mb = static_cast<double>(test::proc_status_kib(getpid(), "VmHWM")) / 1024.0;
  std::printf("| measurement | figure |\n|---|---|\n");
  std::printf("| honest members per phase, garbage clients, rounds | %zu, %d, %zu |\n", n, garbage_count, rounds);
  std::printf("| honest sync, no garbage, median per peer | %.1f ms |\n", clean_ms);
  std::printf("| honest sync, with garbage, median per peer | %.1f ms |\n", dirty_ms);
  std::printf("| slowest honest sync, without / with garbage | %.1f / %.1f ms |\n",
              *std::max_element(clean.begin(), clean.end()), *std::max_element(dirty.begin(), dirty.end()));
  std::printf("| garbage connections made during the garbage phases | %llu |\n",
              static_cast<unsigned long long>(garbage_connections));
  std::printf("| slowdown from garbage (median) | %.2fx |\n", slowdown);
  std::printf("| peak RSS, node and clients in one process | %.1f MB |\n", peak_mb);
  std::printf("\nload_honest_sync_ms=%.1f\nload_with_garbage_sync_ms=%.1f\nload_garbage_slowdown=%.2f\nload_peak_rss_mb=%.1f\n",
              clean_ms, dirty_ms, slowdown, peak_mb);
  return 0;
}
