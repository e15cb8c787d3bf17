// The pending queue: objects that cannot be judged yet wait in memory. A
// peer flooding it (valid signatures from unknown authors cost nothing to
// make) must not grow memory without bound, slow the node to a crawl,
// evict real objects by resending one, or get anything stored.

#include <gtest/gtest.h>

#include <chrono>

#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

class PendingTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    net_ = found(*a_, b_->pub(), Role::kMember);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    stored_ = *a_->store().object_count(net_);
  }

  std::unique_ptr<Node> a_, b_;
  NetworkId net_{};
  std::uint64_t stored_ = 0;
};

TEST_F(PendingTest, AFloodFromAnOutsiderDropsTheOldestAndStoresNothing) {
  crypto::DeterministicRandom rng(80);
  auto outsider = identity::LocalIdentity::generate(rng);
  const auto key = crypto::Secret<32>::random();
  const std::size_t n = kMaxPendingObjects + 100;
  Log flood;
  for (std::size_t i = 0; i < n; ++i) {
    flood.push_back(craft(outsider, net_, Kind::kNote, 0, kT0 + i, bytes_of(note_payload("spam", std::to_string(i))),
                          key, rng));
  }
  for (const Log* batch : {&flood}) {
    for (std::size_t i = 0; i < batch->size(); i += 500) {
      const std::size_t end = std::min(batch->size(), i + 500);
      auto r = a_->replica().ingest_batch(std::span(batch->data() + i, end - i), kT0 + kDay);
      ASSERT_TRUE(r);
      for (const auto& x : *r) ASSERT_EQ(x.outcome, sync::IngestOutcome::kPending);
    }
  }
  EXPECT_EQ(a_->replica().counters().dropped_pending, 100u);
  EXPECT_EQ(*a_->store().object_count(net_), stored_);
  // The node still works: B's note is accepted, and the retry over the
  // full queue stores none of the flood.
  auto note = b_->author().add_note(net_, {"Real", "note", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(note);
  EXPECT_EQ(a_->replica().ingest(note->envelopes[0], kT0 + kDay)->outcome, sync::IngestOutcome::kAccepted);
  EXPECT_EQ(*a_->store().object_count(net_), stored_ + 1);
}

TEST_F(PendingTest, LargeObjectsAreBoundedByBytesToo) {
  crypto::DeterministicRandom rng(81);
  auto outsider = identity::LocalIdentity::generate(rng);
  const auto key = crypto::Secret<32>::random();
  const std::string big(60 * 1024, 'x');
  const std::size_t n = kMaxPendingBytes / big.size() + 20;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = a_->replica().ingest(craft(outsider, net_, Kind::kNote, 0, kT0 + i, bytes_of(big), key, rng), kT0 + kDay);
    ASSERT_TRUE(r);
  }
  EXPECT_GE(a_->replica().counters().dropped_pending, 20u);
  EXPECT_LT(a_->replica().counters().dropped_pending, 30u);
}

TEST_F(PendingTest, ResendingOnePendingObjectDoesNotEvictOthers) {
  // B's grant-dependent history waits at a fresh node; a peer then resends
  // one pending object thousands of times. The history must survive.
  auto fresh = node(2);
  fresh->join(net_);
  Log history = everything(*a_);
  const Bytes grant = history.back();  // B's grant: written last
  history.pop_back();
  feed(*fresh, history, kT0 + 8 * kMinute);
  for (std::size_t i = 0; i < kMaxPendingObjects + 10; ++i) {
    auto r = fresh->replica().ingest(history.front(), kT0 + 8 * kMinute);
    ASSERT_TRUE(r);
    EXPECT_NE(r->outcome, sync::IngestOutcome::kAccepted);
  }
  EXPECT_EQ(fresh->replica().counters().dropped_pending, 0u);
  EXPECT_EQ(fresh->replica().counters().duplicates, kMaxPendingObjects + 10);
  // The grant itself waits for the genesis, but its key opens the genesis,
  // and then everything follows (released with the grant's result).
  auto r = fresh->replica().ingest(grant, kT0 + 8 * kMinute);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, sync::IngestOutcome::kPending);
  EXPECT_EQ(r->released.size(), history.size() + 1);
  EXPECT_EQ(snapshot(*fresh, net_), snapshot(*a_, net_));
}

TEST_F(PendingTest, AJoiningMembersFirstBatchLargerThanTheQueueIsStoredWhole) {
  // A network's history, oldest first as a sync fetches it: the genesis,
  // B's admission and key grant, then more notes than the pending queue
  // holds. All of it arrives at B's fresh node in one batch. The grant
  // settles what it waits for at once, so the notes are accepted as they
  // come, none waits, and the genesis is never pushed out of the queue.
  for (std::size_t i = 0; i < kMaxPendingObjects + 50; ++i) {
    ASSERT_TRUE(a_->author().add_note(net_, {"Note " + std::to_string(i), "body", {}, "", "", 0, 0},
                                      kT0 + 8 * kMinute + i));
  }
  auto fresh = node(2);
  fresh->join(net_);
  const Log history = everything(*a_);
  auto r = fresh->replica().ingest_batch(history, kT0 + kDay);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(*fresh->store().object_count(net_), history.size());
  EXPECT_EQ(fresh->replica().counters().dropped_pending, 0u);
  // Only what came before the grant waited: the genesis, A's profile and
  // first notes, the broadcast, B's admission, and the grant itself.
  EXPECT_LE(fresh->replica().counters().pending, 10u);
  EXPECT_EQ(snapshot(*fresh, net_), snapshot(*a_, net_));
}

TEST_F(PendingTest, ReleasedObjectsAreReportedWithTheirOwnNetwork) {
  // The sync layer floods a result's released objects to the peers of that
  // result's network: an object of another network must not ride along.
  auto second = a_->author().create_network("Second", false, kT0 + 8 * kMinute);
  ASSERT_TRUE(second);
  auto z = node(20);
  auto in1 = a_->author().admit(net_, z->pub(), Role::kMember, kT0 + 9 * kMinute);
  auto in2 = a_->author().admit(*second, z->pub(), Role::kMember, kT0 + 9 * kMinute);
  ASSERT_TRUE(in1 && in2);
  z->join(net_);
  z->join(*second);
  // One batch with both networks' histories; each grant comes last in it.
  Log batch;
  Log grants;
  for (auto& e : everything(*a_)) {
    const auto v = verify_envelope_bytes(e);
    const bool grant_to_z = v->header().kind == Kind::kEpochGrant && v->header().recipient == z->key();
    (grant_to_z ? grants : batch).push_back(std::move(e));
  }
  append(batch, grants);
  auto r = z->replica().ingest_batch(batch, kT0 + 10 * kMinute);
  ASSERT_TRUE(r);
  std::size_t released = 0;
  for (const auto& result : *r) {
    for (const auto& e : result.released) {
      EXPECT_EQ(verify_envelope_bytes(e)->network(), result.network);
      ++released;
    }
  }
  EXPECT_GT(released, 0u);
  EXPECT_EQ(snapshot(*z, net_), snapshot(*a_, net_));
  EXPECT_EQ(snapshot(*z, *second), snapshot(*a_, *second));
}

TEST_F(PendingTest, AFloodOfGrantsAddressedToUsStaysCheap) {
  // Grants "to us" from unknown authors are pending and lend candidate
  // keys. Each one must not cost a pass over every other one (that would
  // be ~kMaxPendingObjects^2 signature checks and sealed-box openings).
  crypto::DeterministicRandom rng(82);
  auto outsider = identity::LocalIdentity::generate(rng);
  const auto key = crypto::Secret<32>::random();
  const auto started = std::chrono::steady_clock::now();
  const std::size_t n = kMaxPendingObjects + 10;
  Log flood;
  for (std::size_t i = 0; i < n; ++i) {
    flood.push_back(craft_grant(outsider, net_, a_->pub(), i, kT0 + i, grant_payload(net_, a_->key(), {{i, &key}})));
  }
  for (const auto& g : flood) {
    auto r = a_->replica().ingest(g, kT0 + kDay);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->outcome, sync::IngestOutcome::kPending);
  }
  EXPECT_EQ(a_->replica().counters().dropped_pending, 10u);
  EXPECT_EQ(a_->store().all_epoch_keys(net_)->size(), 1u);
  // Generous: a quadratic pass takes many minutes here.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

}  // namespace
}  // namespace tumar::network
