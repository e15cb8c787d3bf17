// Direct messages have a lifetime (core/network/direct_expiry.hpp): 30 days
// after the time in their header every replica refuses them and deletes
// them (the recipient's own node once it has read them), so a device does
// not keep the network's record of who was written to when, and a replica
// that still holds an old message cannot bring it back to one that
// dropped it, through a real sync round either.

#include "core/network/direct_expiry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "core/direct/expiry.hpp"
#include "core/network/recipient_tag.hpp"
#include "core/store/bind.hpp"
#include "core/sync/sync_session.hpp"
#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

constexpr std::uint64_t kT1 = kT0 + kDay;

class DirectExpiryTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    net_ = found(*a_, b_->pub(), Role::kMember);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
  }

  // A DIRECT object from A to B, written at `at` (the ratchet message inside
  // is opaque to carriers; any bytes do here).
  Written send_direct(std::uint64_t at) {
    const Bytes message(300, 0x5a);
    auto w = a_->author().send_direct(net_, b_->key(), message, at);
    EXPECT_TRUE(w) << w.error().describe();
    return w ? std::move(*w) : Written{};
  }

  static bool holds(Node& n, const ObjectId& id) { return *n.store().has_object(id); }
  static bool in_items(Node& n, const NetworkId& net, const ObjectId& id) {
    auto items = n.replica().items(net);
    if (!items) std::abort();
    return std::any_of(items->begin(), items->end(), [&](const reconcile::Item& i) { return i.id == id; });
  }

  // One real sync round between two replicas, wired back to back in memory.
  static void sync_round(Node& initiator, Node& responder, std::uint64_t now_ms) {
    sync::SyncSession dialler(initiator.replica(), responder.key(), sync::Role::kInitiator, sync::SyncLimits{});
    sync::SyncSession node(responder.replica(), initiator.key(), sync::Role::kResponder, sync::SyncLimits{});
    const auto now = session::Clock::now();
    std::deque<session::WireMessage> to_node, to_dialler;
    ASSERT_TRUE(node.start(now));
    auto out = dialler.start(now);
    ASSERT_TRUE(out);
    for (auto& m : out->send) to_node.push_back(std::move(m));
    while (!to_node.empty() || !to_dialler.empty()) {
      if (!to_node.empty()) {
        auto r = node.on_message(to_node.front(), now, now_ms);
        to_node.pop_front();
        ASSERT_TRUE(r) << r.error().describe();
        for (auto& m : r->send) to_dialler.push_back(std::move(m));
      }
      if (!to_dialler.empty()) {
        auto r = dialler.on_message(to_dialler.front(), now, now_ms);
        to_dialler.pop_front();
        ASSERT_TRUE(r) << r.error().describe();
        for (auto& m : r->send) to_node.push_back(std::move(m));
      }
    }
    EXPECT_TRUE(dialler.round_complete());
  }

  std::unique_ptr<Node> a_, b_;
  NetworkId net_{};
};

TEST(DirectExpiry, TheLifetimeIsThirtyDaysToTheMillisecond) {
  EXPECT_EQ(kDirectLifetimeMs, 30 * kDay);
  EXPECT_FALSE(direct_expired(kT1, kT1 + kDirectLifetimeMs - 1));
  EXPECT_TRUE(direct_expired(kT1, kT1 + kDirectLifetimeMs));
  EXPECT_FALSE(direct_expired(0, kDirectLifetimeMs - 1));  // no underflow near the epoch
  EXPECT_TRUE(direct_expired(0, UINT64_MAX));
  EXPECT_FALSE(direct_expired(UINT64_MAX, UINT64_MAX));
}

TEST_F(DirectExpiryTest, ADirectMessageOlderThanItsLifetimeIsRefused) {
  const Written w = send_direct(kT1);
  ASSERT_EQ(w.envelopes.size(), 1u);
  // B's replica has never had it: offered at the end of its lifetime, it is refused.
  auto refused = b_->replica().ingest(w.envelopes[0], kT1 + kDirectLifetimeMs);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->outcome, sync::IngestOutcome::kRejected);
  EXPECT_FALSE(holds(*b_, w.id));
  auto accepted = b_->replica().ingest(w.envelopes[0], kT1 + kDirectLifetimeMs - 1);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->outcome, sync::IngestOutcome::kAccepted);
  EXPECT_TRUE(holds(*b_, w.id));
}

TEST_F(DirectExpiryTest, TheSweepRemovesOldDirectMessagesAndLeavesYoungOnesAndEverythingElse) {
  const Written old_one = send_direct(kT1);
  const Written young = send_direct(kT1 + 2 * kDay);
  const auto before = *a_->store().object_count(net_);
  // B handled the old one (its inbox says so); that record goes with it.
  feed(*b_, missing(*a_, *b_), kT1 + 2 * kDay + 1);
  ASSERT_TRUE(store::execute(b_->db(), "INSERT INTO dm_inbox (object_id, outcome) VALUES (?1, 1)", old_one.id));

  const std::uint64_t now = kT1 + kDirectLifetimeMs;
  for (Node* n : {a_.get(), b_.get()}) {
    auto swept = sweep_expired_direct(n->store(), n->key(), now);
    ASSERT_TRUE(swept) << swept.error().describe();
    EXPECT_EQ(*swept, std::vector<ObjectId>{old_one.id});
    EXPECT_FALSE(holds(*n, old_one.id));
    EXPECT_FALSE(in_items(*n, net_, old_one.id));  // reconciliation no longer offers it
    EXPECT_TRUE(holds(*n, young.id));
    EXPECT_TRUE(in_items(*n, net_, young.id));
    EXPECT_EQ(*n->store().object_count(net_), before - 1);  // the notes, grants, profile... all stay
    EXPECT_EQ(*n->store().envelope(old_one.id), std::nullopt);
  }
  auto inbox = store::prepare_bound(b_->db(), "SELECT count(*) FROM dm_inbox WHERE object_id = ?1", old_one.id);
  ASSERT_TRUE(inbox && *inbox->step());
  EXPECT_EQ(inbox->column_int64(0), 0);
  // Nothing left to do a moment later; the young one goes when its time comes.
  EXPECT_TRUE(sweep_expired_direct(a_->store(), a_->key(), now + 1)->empty());
  EXPECT_EQ(*sweep_expired_direct(a_->store(), a_->key(), kT1 + 2 * kDay + kDirectLifetimeMs),
            std::vector<ObjectId>{young.id});
}

TEST_F(DirectExpiryTest, AReplicaThatStillHoldsAnOldMessageDoesNotBringItBackThroughASyncRound) {
  const Written w = send_direct(kT1);
  feed(*b_, missing(*a_, *b_), kT1 + 1);
  ASSERT_TRUE(holds(*b_, w.id));
  ASSERT_TRUE(store::execute(b_->db(), "INSERT INTO dm_inbox (object_id, outcome) VALUES (?1, 1)", w.id));  // read
  const std::uint64_t now = kT1 + kDirectLifetimeMs + kMinute;
  // B's node swept (its `serve` timer ran); A's has not yet.
  auto swept = direct::expire_direct_metadata(b_->store(), b_->key(), now);
  ASSERT_TRUE(swept) << swept.error().describe();
  EXPECT_EQ(swept->objects, std::vector<ObjectId>{w.id});
  ASSERT_TRUE(holds(*a_, w.id));

  sync_round(*b_, *a_, now);  // B dials A
  EXPECT_FALSE(holds(*b_, w.id));
  sync_round(*a_, *b_, now);  // A dials B
  EXPECT_FALSE(holds(*b_, w.id));
  // A drops it at its own next sweep.
  EXPECT_EQ(*sweep_expired_direct(a_->store(), a_->key(), now), std::vector<ObjectId>{w.id});
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));
}

TEST_F(DirectExpiryTest, TheRecipientsNodeKeepsAnOldMessageUntilItHasBeenRead) {
  const Written w = send_direct(kT1);
  feed(*b_, missing(*a_, *b_), kT1 + 1);
  const std::uint64_t now = kT1 + kDirectLifetimeMs + kDay;
  // Bota has not run `msg list` for a month: her node keeps it for her...
  EXPECT_TRUE(sweep_expired_direct(b_->store(), b_->key(), now)->empty());
  EXPECT_TRUE(holds(*b_, w.id));
  // ...while every carrier drops it,
  EXPECT_EQ(*sweep_expired_direct(a_->store(), a_->key(), now), std::vector<ObjectId>{w.id});
  // and once read it goes from her node too.
  ASSERT_TRUE(store::execute(b_->db(), "INSERT INTO dm_inbox (object_id, outcome) VALUES (?1, 1)", w.id));
  EXPECT_EQ(*sweep_expired_direct(b_->store(), b_->key(), now), std::vector<ObjectId>{w.id});
  EXPECT_FALSE(holds(*b_, w.id));
}

}  // namespace
}  // namespace tumar::network
