// A member joining a network that already holds more objects than the
// pending queue, through real SyncSessions (wired back to back in memory)
// over real replicas. The newcomer's admission and key grant are the
// network's newest objects, so fetched oldest first everything before them
// would wait in memory and overflow the queue: the node sends them first,
// unasked (docs/PROTOCOL.md, "A round", a joining member), and one round stores the
// whole network.

#include <gtest/gtest.h>

#include <deque>

#include "core/sync/joining_replica.hpp"
#include "core/sync/sync_session.hpp"
#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

class JoiningSyncTest : public NetworkFixture {};

TEST_F(JoiningSyncTest, ANewcomerToALargeNetworkGetsAllOfItInOneRound) {
  auto a = node(1);
  auto b = node(2);
  const NetworkId net = found(*a, node(3)->pub(), Role::kMember);
  for (std::size_t i = 0; i < kMaxPendingObjects + 200; ++i) {
    ASSERT_TRUE(a->author().add_note(net, {"Note " + std::to_string(i), "body", {}, "", "", 0, 0},
                                     kT0 + 10 * kMinute + i));
  }
  // B is admitted last, as `tumar join` does it.
  ASSERT_TRUE(a->author().admit(net, b->pub(), Role::kMember, kT0 + kDay));
  b->join(net);

  sync::JoiningReplica view(b->replica(), net);
  sync::SyncSession dialler(view, a->key(), sync::Role::kInitiator, sync::SyncLimits{});
  sync::SyncSession node_a(a->replica(), b->key(), sync::Role::kResponder, sync::SyncLimits{});
  const auto now = session::Clock::now();
  const std::uint64_t now_ms = kT0 + kDay + kMinute;
  std::deque<session::WireMessage> to_a, to_b;
  ASSERT_TRUE(node_a.start(now));
  auto out = dialler.start(now);
  ASSERT_TRUE(out);
  for (auto& m : out->send) to_a.push_back(std::move(m));
  while (!to_a.empty() || !to_b.empty()) {
    if (!to_a.empty()) {
      auto r = node_a.on_message(to_a.front(), now, now_ms);
      to_a.pop_front();
      ASSERT_TRUE(r) << r.error().describe();
      for (auto& m : r->send) to_b.push_back(std::move(m));
    }
    if (!to_b.empty()) {
      auto r = dialler.on_message(to_b.front(), now, now_ms);
      to_b.pop_front();
      ASSERT_TRUE(r) << r.error().describe();
      for (auto& m : r->send) to_a.push_back(std::move(m));
    }
  }
  EXPECT_TRUE(dialler.round_complete());
  EXPECT_EQ(*b->store().object_count(net), *a->store().object_count(net));
  EXPECT_EQ(b->replica().counters().dropped_pending, 0u);
  EXPECT_EQ(snapshot(*b, net), snapshot(*a, net));
}

}  // namespace
}  // namespace tumar::network
