// Two leads, each offline from the other, remove two members at once: each
// grants the next epoch's key to the member the other removed. Once a lead
// holds both removals it starts another epoch, granted only to those who
// remain, so neither removed member can read what is written after
// (docs/NETWORKS.md, "Epochs and removal").

#include <gtest/gtest.h>

#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

// A founds; B is a lead; C and D are members; all in sync at kT0 + 10 min.
class RekeyTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    c_ = node(3);
    d_ = node(4);
    net_ = found(*a_, b_->pub(), Role::kLead);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *c_, net_, Role::kMember, kT0 + 8 * kMinute);
    admit_and_sync(*a_, *d_, net_, Role::kMember, kT0 + 9 * kMinute);
    feed(*b_, missing(*a_, *b_), kT0 + 10 * kMinute);
    feed(*c_, missing(*a_, *c_), kT0 + 10 * kMinute);
  }

  // A removes C while B, offline, removes D; then A and B sync.
  void remove_concurrently() {
    ASSERT_TRUE(a_->author().remove(net_, c_->key(), kRemovedAt));
    ASSERT_TRUE(b_->author().remove(net_, d_->key(), kRemovedAt));
    feed(*a_, missing(*b_, *a_), kRemovedAt + kMinute);
    feed(*b_, missing(*a_, *b_), kRemovedAt + kMinute);
  }

  // Every key `who` could hold, having received everything A stores.
  std::vector<crypto::Secret<32>> keys_of(Node& who) {
    feed(who, missing(*a_, who), kRemovedAt + 5 * kMinute);
    auto keys = who.store().all_epoch_keys(net_);
    EXPECT_TRUE(keys);
    std::vector<crypto::Secret<32>> out;
    for (auto& [epoch, key] : *keys) out.push_back(std::move(key));
    return out;
  }

  static constexpr std::uint64_t kRemovedAt = kT0 + 20 * kMinute;
  std::unique_ptr<Node> a_, b_, c_, d_;
  NetworkId net_{};
};

TEST_F(RekeyTest, WithoutTheRekeyARemovedMemberHoldsTheCurrentKey) {
  // The gap being closed: D received A's key for epoch 1, C received B's.
  remove_concurrently();
  EXPECT_EQ(current_key(*a_, net_).first, 1u);
  EXPECT_TRUE(*a_->store().epoch_granted_to_removed(net_, 1));
  feed(*d_, missing(*a_, *d_), kRemovedAt + 2 * kMinute);
  EXPECT_FALSE(d_->store().epoch_keys(net_, 1)->empty());
}

TEST_F(RekeyTest, ALeadHoldingBothRemovalsStartsAnEpochNeitherRemovedMemberReads) {
  remove_concurrently();
  auto w = a_->author().rekey_if_exposed(net_, kRemovedAt + 2 * kMinute);
  ASSERT_TRUE(w) << w.error().describe();
  ASSERT_EQ(w->envelopes.size(), 2u);  // the epoch start, one grant (to B: A keeps its own copy)
  auto start = verify_envelope_bytes(w->envelopes[0]);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->header().kind, Kind::kEpochStart);
  EXPECT_EQ(start->header().epoch, 1u);  // the epoch it follows
  auto grant = verify_envelope_bytes(w->envelopes[1]);
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->header().kind, Kind::kEpochGrant);
  EXPECT_EQ(grant->header().epoch, 2u);
  EXPECT_EQ(*grant->header().recipient, b_->key());
  EXPECT_EQ(current_key(*a_, net_).first, 2u);

  // B takes the new epoch, writes in it, and has nothing more to do.
  feed(*b_, w->envelopes, kRemovedAt + 3 * kMinute);
  EXPECT_EQ(current_key(*b_, net_).first, 2u);
  auto again = b_->author().rekey_if_exposed(net_, kRemovedAt + 3 * kMinute);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->envelopes.empty());
  auto note = b_->author().add_note(net_, {"New safe house", "Address: 12 Secret st.", {}, "", "", 0, 0},
                                    kRemovedAt + 4 * kMinute);
  ASSERT_TRUE(note);
  feed(*a_, note->envelopes, kRemovedAt + 4 * kMinute);
  ASSERT_TRUE(*a_->store().has_object(note->id));
  auto sealed = verify_envelope_bytes(note->envelopes[0]);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->header().epoch, 2u);
  for (Node* removed : {c_.get(), d_.get()}) {
    for (const auto& key : keys_of(*removed)) EXPECT_FALSE(sealed->open(key));
    EXPECT_FALSE(*removed->store().has_object(note->id));
  }
}

TEST_F(RekeyTest, BothLeadsRekeyingAtOnceStillExcludeBothAndDoNotRepeat) {
  remove_concurrently();
  auto by_a = a_->author().rekey_if_exposed(net_, kRemovedAt + 2 * kMinute);
  auto by_b = b_->author().rekey_if_exposed(net_, kRemovedAt + 2 * kMinute);
  ASSERT_TRUE(by_a && by_b);
  EXPECT_FALSE(by_a->envelopes.empty());
  EXPECT_FALSE(by_b->envelopes.empty());
  feed(*a_, by_b->envelopes, kRemovedAt + 3 * kMinute);
  feed(*b_, by_a->envelopes, kRemovedAt + 3 * kMinute);
  // Two keys for epoch 2, both granted only to current members: no more.
  EXPECT_EQ(a_->store().epoch_keys(net_, 2)->size(), 2u);
  EXPECT_TRUE(a_->author().rekey_if_exposed(net_, kRemovedAt + 4 * kMinute)->envelopes.empty());
  EXPECT_TRUE(b_->author().rekey_if_exposed(net_, kRemovedAt + 4 * kMinute)->envelopes.empty());
  for (Node* removed : {c_.get(), d_.get()}) {
    feed(*removed, missing(*a_, *removed), kRemovedAt + 5 * kMinute);
    EXPECT_TRUE(removed->store().epoch_keys(net_, 2)->empty());
  }
}

TEST_F(RekeyTest, AnOrdinaryRemovalNeverRekeys) {
  ASSERT_TRUE(a_->author().remove(net_, c_->key(), kRemovedAt));
  feed(*b_, missing(*a_, *b_), kRemovedAt + kMinute);
  feed(*d_, missing(*a_, *d_), kRemovedAt + kMinute);
  EXPECT_TRUE(a_->author().rekey_if_exposed(net_, kRemovedAt + 2 * kMinute)->envelopes.empty());
  EXPECT_TRUE(b_->author().rekey_if_exposed(net_, kRemovedAt + 2 * kMinute)->envelopes.empty());
  EXPECT_EQ(current_key(*a_, net_).first, 1u);
}

TEST_F(RekeyTest, AMemberHoldingBothConcurrentRemovalsLeavesTheRekeyToALead) {
  auto e = node(5);
  admit_and_sync(*a_, *e, net_, Role::kMember, kT0 + 10 * kMinute);
  feed(*b_, missing(*a_, *b_), kT0 + 11 * kMinute);
  remove_concurrently();
  feed(*e, missing(*a_, *e), kRemovedAt + 2 * kMinute);
  // E sees the gap exactly as a lead would, but only leads may grant keys.
  ASSERT_TRUE(*e->store().epoch_granted_to_removed(net_, 1));
  auto w = e->author().rekey_if_exposed(net_, kRemovedAt + 3 * kMinute);
  ASSERT_TRUE(w) << w.error().describe();
  EXPECT_TRUE(w->envelopes.empty());
  EXPECT_EQ(current_key(*e, net_).first, 1u);
}

}  // namespace
}  // namespace tumar::network
