// Issue 7, load: one real `tumar serve` process, 200 honest members syncing
// with it at once over 127.0.0.1 while 50 hostile clients send it garbage.
// Every honest peer must end with the node's whole object set, the node's
// peak resident memory must stay under kNodePeakRssBoundMiB, and the node
// must still be up and serving afterwards. How much the garbage slows the
// honest peers is a timing ratio, so it is measured by tumar_load_bench,
// not asserted here.

#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <memory>
#include <optional>
#include <regex>
#include <thread>
#include <vector>

#include "cli/network_cli_fixture.hpp"
#include "core/peers/peer_address.hpp"
#include "support/garbage_peers.hpp"
#include "support/load_peer.hpp"
#include "support/proc_status.hpp"
#include "support/run_engine.hpp"

namespace tumar::test {
namespace {

constexpr int kHonestPeers = 200;
constexpr int kGarbagePeers = 50;
// Peak resident memory (VmHWM) of the serving process. Measured at 71.8 MiB
// in a RelWithDebInfo build (docs/PERFORMANCE.md, "Load"); 128 MiB leaves
// ~1.8x for allocator and machine variation yet fails a node that holds
// even 256 KiB per connection more than today (250 x 256 KiB = 62 MiB), or
// fills the 4 MiB outbox per connection. ASan's shadow memory and its
// quarantine (256 MiB by default) add a fixed cost, hence its own bound.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t kNodePeakRssBoundMiB = 768;
#else
constexpr std::uint64_t kNodePeakRssBoundMiB = 128;
#endif

class LoadTest : public NetworkCli {};

TEST_F(LoadTest, TwoHundredMembersSyncWhileFiftyPeersSendGarbage) {
  const std::string net_name = create_network();
  ASSERT_FALSE(net_name.empty());

  std::vector<std::unique_ptr<LoadPeer>> peers;
  for (int i = 0; i < kHonestPeers; ++i) {
    peers.push_back(std::make_unique<LoadPeer>(dir_ / ("peer" + std::to_string(i) + ".db"), i));
  }

  // The lead admits everyone in-process (200 `tumar invite` round trips
  // would dominate the test) and writes a few broadcasts to sync.
  network::NetworkId net{};
  identity::IdentityKey node_key{};
  std::vector<network::ObjectId> broadcasts;
  with_replica(kNetwork, [&](Opened& o) {
    net = o.net;
    node_key = o.self.identity_key;
    for (auto& p : peers) {
      auto a = o.me.admit(o.net, p->me().public_identity(), network::Role::kMember, now_ms());
      ASSERT_TRUE(a) << a.error().describe();
    }
    for (int b = 0; b < 3; ++b) {
      auto w = o.me.broadcast(o.net, "Load test broadcast " + std::to_string(b), false, 0, now_ms());
      ASSERT_TRUE(w) << w.error().describe();
      broadcasts.push_back(w->id);
    }
  });
  for (auto& p : peers) p->know(net);

  // 127.0.0.1 only. All 250 clients share one address, so the per-address
  // cap (8 by default, against one machine hogging a node) is raised to
  // the total; the global cap stays above 250 for the same reason.
  std::optional<BackgroundProcess> serving;
  serving.emplace(std::vector<std::string>{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_, "serve", "--listen", "127.0.0.1:0",
                          "--max-connections", "300", "--max-per-address", "300"},
                  (dir_ / "serve").string());
  BackgroundProcess& node = *serving;
  ASSERT_TRUE(node.wait_output("listening on", std::chrono::seconds(30))) << node.out();
  std::smatch m;
  const std::string out = node.out();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(listening on 127\.0\.0\.1:([0-9]+))"))) << out;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  auto address = peers::parse_peer_address("127.0.0.1:" + m[1].str());
  ASSERT_TRUE(address);

  std::optional<GarbagePeers> garbage;
  garbage.emplace(port, kGarbagePeers);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  std::vector<std::optional<node::JobOutcome>> outcomes(kHonestPeers);
  {
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kHonestPeers; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        outcomes[i] = peers[i]->sync(*address, node_key, net);
      });
    }
    go = true;
    for (auto& t : threads) t.join();
  }
  garbage->stop();
  const std::uint64_t garbage_connections = garbage->connections();
  EXPECT_GT(garbage_connections, static_cast<std::uint64_t>(kGarbagePeers));
  garbage.reset();

  const std::uint64_t peak_kib = proc_status_kib(node.pid(), "VmHWM");
  ASSERT_GT(peak_kib, 0u) << "no VmHWM for the node";
  std::printf("[ load ] node peak RSS %.1f MiB (bound %llu MiB); %llu garbage connections\n",
              static_cast<double>(peak_kib) / 1024.0, static_cast<unsigned long long>(kNodePeakRssBoundMiB),
              static_cast<unsigned long long>(garbage_connections));
  EXPECT_LT(peak_kib, kNodePeakRssBoundMiB * 1024);

  // Still up, and still serving a sync after the onslaught.
  EXPECT_FALSE(node.wait_exit(std::chrono::milliseconds(0))) << "the node exited";
  auto again = peers[0]->sync(*address, node_key, net);
  EXPECT_TRUE(again.ok()) << describe(again);

  // The node's object set, read once it has stopped (it adds its own
  // prekeys when it starts, so the count before serving is not the one).
  ASSERT_EQ(::kill(node.pid(), SIGTERM), 0);
  ASSERT_TRUE(node.wait_exit(std::chrono::seconds(10)));
  serving.reset();
  std::uint64_t node_objects = 0;
  with_replica(kNetwork, [&](Opened& o) {
    auto count = o.replica.store().object_count(o.net);
    ASSERT_TRUE(count);
    node_objects = *count;
  });

  int synced = 0;
  for (int i = 0; i < kHonestPeers; ++i) {
    ASSERT_TRUE(outcomes[i]);
    EXPECT_TRUE(outcomes[i]->ok()) << "peer " << i << ": " << describe(*outcomes[i]);
    EXPECT_EQ(peers[i]->object_count(net), node_objects) << "peer " << i;
    for (const auto& id : broadcasts) {
      auto has = peers[i]->replica().store().has_object(id);
      EXPECT_TRUE(has && *has) << "peer " << i;
    }
    if (outcomes[i]->ok()) ++synced;
  }
  EXPECT_EQ(synced, kHonestPeers);
}

}  // namespace
}  // namespace tumar::test
