// One batch, one transaction: the replica keeps what it looked up about a
// network, an author and an epoch's keys while it judges a batch
// (core/network/replica_cache.hpp). These check that an object changing
// those — a removal, a grant, an admission — is seen by every later object
// of the same batch, exactly as if each had come on its own.

#include <gtest/gtest.h>

#include <set>

#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

std::vector<sync::IngestOutcome> feed_batch(Node& n, const Log& log, std::uint64_t now_ms) {
  auto r = n.replica().ingest_batch(log, now_ms);
  EXPECT_TRUE(r) << r.error().describe();
  std::vector<sync::IngestOutcome> out;
  if (r) {
    for (const auto& x : *r) out.push_back(x.outcome);
  }
  return out;
}

// A founds; B is a lead; C is a member with one note; all in sync.
class ReplicaBatchTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    c_ = node(3);
    net_ = found(*a_, b_->pub(), Role::kLead);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *c_, net_, Role::kMember, kT0 + 8 * kMinute);
    feed(*b_, missing(*a_, *b_), kT0 + 9 * kMinute);
  }

  static constexpr std::uint64_t kRemovedAt = kT0 + 20 * kMinute;
  std::unique_ptr<Node> a_, b_, c_;
  NetworkId net_{};
};

// A batch's signatures are checked by a helper thread ahead of the storing
// (verify_ahead.hpp): each result still belongs to its own envelope, in
// order, whichever thread verified it, and one core or two end in the same
// state.
TEST_F(ReplicaBatchTest, ABatchVerifiedAheadOnASecondCoreKeepsEachResultWithItsEnvelope) {
  Log batch;
  for (std::size_t i = 0; i < 8 * kVerifyAheadMin + 10; ++i) {
    auto n = a_->author().add_note(net_, {"Note " + std::to_string(i), "body", {}, "", "", 0, 0},
                                   kT0 + 30 * kMinute + i);
    ASSERT_TRUE(n);
    batch.push_back(n->envelopes[0]);
  }
  const std::set<std::size_t> forged = {0, 7, 4 * kVerifyAheadMin + 3, batch.size() - 1};
  for (std::size_t i : forged) batch[i][batch[i].size() / 2] ^= 0x01;
  for (const bool two_cores : {true, false}) {
    SCOPED_TRACE(two_cores ? "two cores" : "one core");
    auto fresh = node(2);
    fresh->join(net_);
    feed(*fresh, everything(*b_), kT0 + 29 * kMinute);
    fresh->replica().set_parallel_verify(two_cores);
    auto r = fresh->replica().ingest_batch(batch, kT0 + kDay);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (forged.count(i) != 0) {
        EXPECT_EQ((*r)[i].outcome, sync::IngestOutcome::kRejected) << i;
      } else {
        EXPECT_EQ((*r)[i].outcome, sync::IngestOutcome::kAccepted) << i;
        EXPECT_EQ((*r)[i].id, object_id(batch[i])) << i;
      }
    }
    EXPECT_EQ(fresh->replica().counters().rejected, forged.size());
  }
}

// B has not heard of C's removal. One batch brings a note C wrote before it
// (judging it puts C's member row, not yet removed, in the cache), the
// removal, then notes C signed after it: those must be rejected, in the
// same batch, and B must end exactly where one-by-one ingestion ends.
TEST_F(ReplicaBatchTest, ARemovalAffectsTheLaterObjectsOfItsOwnBatch) {
  auto before = c_->author().add_note(net_, {"Before", "written in time", {}, "", "", 0, 0}, kRemovedAt - kMinute);
  ASSERT_TRUE(before);
  // A holds it when it removes C, so the removal counts it.
  feed(*a_, before->envelopes, kRemovedAt - kMinute);
  auto removal = a_->author().remove(net_, c_->key(), kRemovedAt);
  ASSERT_TRUE(removal) << removal.error().describe();
  // C, not told, keeps writing under the old epoch's key.
  auto late1 = c_->author().add_note(net_, {"Late", "after removal", {}, "", "", 0, 0}, kRemovedAt + kMinute);
  auto late2 = c_->author().set_profile(net_, {"C renamed", "", "", "", {}, {}, {}}, kRemovedAt + 2 * kMinute);
  ASSERT_TRUE(late1 && late2);

  Log batch{before->envelopes[0]};
  for (const auto& e : removal->envelopes) batch.push_back(e);
  batch.push_back(late1->envelopes[0]);
  batch.push_back(late2->envelopes[0]);
  auto twin = node(2);  // B's identity, a fresh database: the same history, one object at a time
  twin->join(net_);
  feed(*twin, everything(*b_), kRemovedAt + 3 * kMinute);

  const auto outcomes = feed_batch(*b_, batch, kRemovedAt + 3 * kMinute);
  ASSERT_EQ(outcomes.size(), batch.size());
  EXPECT_EQ(outcomes.front(), sync::IngestOutcome::kAccepted);
  EXPECT_EQ(outcomes[outcomes.size() - 2], sync::IngestOutcome::kRejected);
  EXPECT_EQ(outcomes.back(), sync::IngestOutcome::kRejected);
  EXPECT_FALSE(*b_->store().has_object(late1->id));
  EXPECT_FALSE(*b_->store().has_object(late2->id));
  EXPECT_TRUE(*b_->store().has_object(before->id));

  feed(*twin, batch, kRemovedAt + 3 * kMinute);
  EXPECT_EQ(snapshot(*b_, net_), snapshot(*twin, net_));
}

// The same with the removal arriving after what it invalidates, all in one
// batch: the late note is accepted first, then taken out by the removal.
TEST_F(ReplicaBatchTest, ARemovalLaterInTheBatchTakesOutWhatCameBefore) {
  auto removal = a_->author().remove(net_, c_->key(), kRemovedAt);
  ASSERT_TRUE(removal);
  auto late = c_->author().add_note(net_, {"Late", "after removal", {}, "", "", 0, 0}, kRemovedAt + kMinute);
  ASSERT_TRUE(late);
  Log batch{late->envelopes[0]};
  for (const auto& e : removal->envelopes) batch.push_back(e);
  auto late_again = c_->author().add_note(net_, {"Later", "still after", {}, "", "", 0, 0}, kRemovedAt + 2 * kMinute);
  ASSERT_TRUE(late_again);
  batch.push_back(late_again->envelopes[0]);

  const auto outcomes = feed_batch(*b_, batch, kRemovedAt + 3 * kMinute);
  ASSERT_EQ(outcomes.size(), batch.size());
  EXPECT_EQ(outcomes.front(), sync::IngestOutcome::kAccepted);  // judged before the removal arrived
  EXPECT_EQ(outcomes.back(), sync::IngestOutcome::kRejected);
  EXPECT_FALSE(*b_->store().has_object(late->id));  // and taken out by it
  EXPECT_FALSE(*b_->store().has_object(late_again->id));
  feed(*a_, missing(*b_, *a_), kRemovedAt + 3 * kMinute);
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));
}

// A grant of the next epoch's key in the middle of a batch: an object of
// that epoch judged before it (no key: pending; the cache now holds "no
// keys for epoch 1") and one after it are both accepted by the end.
TEST_F(ReplicaBatchTest, AKeyGrantedInABatchOpensTheLaterObjectsOfIt) {
  auto removal = a_->author().remove(net_, c_->key(), kRemovedAt);
  ASSERT_TRUE(removal);
  const std::uint64_t t = kRemovedAt + kMinute;
  auto n1 = a_->author().add_note(net_, {"Epoch 1", "first", {}, "", "", 0, 0}, t);
  auto n2 = a_->author().add_note(net_, {"Epoch 1", "second", {}, "", "", 0, 0}, t + 1);
  ASSERT_TRUE(n1 && n2);
  ASSERT_EQ(verify_envelope_bytes(n1->envelopes[0])->header().epoch, 1u);
  Bytes removal_env, start_env, grant_env;
  for (const auto& e : removal->envelopes) {
    const Kind k = verify_envelope_bytes(e)->header().kind;
    (k == Kind::kEpochGrant ? grant_env : k == Kind::kEpochStart ? start_env : removal_env) = e;
  }
  ASSERT_FALSE(grant_env.empty());
  ASSERT_FALSE(start_env.empty());
  const Log batch{removal_env, start_env, n1->envelopes[0], grant_env, n2->envelopes[0]};

  const auto outcomes = feed_batch(*b_, batch, t + kMinute);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(outcomes[2], sync::IngestOutcome::kPending);
  EXPECT_EQ(outcomes[3], sync::IngestOutcome::kAccepted);
  EXPECT_EQ(outcomes[4], sync::IngestOutcome::kAccepted);
  EXPECT_TRUE(*b_->store().has_object(n1->id));  // released by the retry at the end of the batch
  EXPECT_TRUE(*b_->store().has_object(n2->id));
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));
}

// A newcomer's first sync in batches: the member it learns of in a batch
// (an admission) writes notes in the same batch, and every order of the
// whole history, cut into batches, ends in the same state.
TEST_F(ReplicaBatchTest, EveryOrderInBatchesEndsTheSame) {
  auto d = node(4);
  ASSERT_TRUE(a_->author().admit(net_, d->pub(), Role::kMember, kT0 + 10 * kMinute));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c_->author().add_note(net_, {"C " + std::to_string(i), "x", {}, "", "", 0, 0},
                                      kT0 + 11 * kMinute + static_cast<std::uint64_t>(i)));
  }
  feed(*a_, missing(*c_, *a_), kT0 + 12 * kMinute);
  auto removal = a_->author().remove(net_, c_->key(), kRemovedAt);
  ASSERT_TRUE(removal);
  auto late = c_->author().add_note(net_, {"Late", "after removal", {}, "", "", 0, 0}, kRemovedAt + kMinute);
  ASSERT_TRUE(late);
  Log all = everything(*a_);
  all.push_back(late->envelopes[0]);

  const Snapshot want = [&] {
    auto ref = node(4);
    ref->join(net_);
    feed(*ref, all, kRemovedAt + 2 * kMinute);
    return snapshot(*ref, net_);
  }();
  EXPECT_EQ(want, snapshot(*a_, net_));
  for (const Log& order : orders(all)) {
    for (std::size_t size : {std::size_t{3}, std::size_t{64}}) {
      auto fresh = node(4);
      fresh->join(net_);
      for (std::size_t i = 0; i < order.size(); i += size) {
        const Log part(order.begin() + static_cast<std::ptrdiff_t>(i),
                       order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + size)));
        feed_batch(*fresh, part, kRemovedAt + 2 * kMinute);
      }
      // Whatever is still pending waits for the next sync: feed everything once more.
      feed(*fresh, all, kRemovedAt + 2 * kMinute);
      EXPECT_EQ(snapshot(*fresh, net_), want) << "batches of " << size;
    }
  }
}

}  // namespace
}  // namespace tumar::network
