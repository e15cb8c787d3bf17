// What a removed member's own objects count for (docs/NETWORKS.md,
// "Removal"). Issue 16, point 2: a removed lead signed an admission of a
// fresh identity as lead, stamped 1 ms before its removal; a node that had
// not yet seen the removal accepted it, it flooded, and the puppet granted
// a key of the removed lead's choosing. Now a removal names the removed
// member's last seq: nothing above it counts, whatever its date, and a seq
// used twice counts for neither.

#include <gtest/gtest.h>

#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

// A founds; R is a lead (later removed), C a member, D a fresh replica.
class RemovedAuthorTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    r_ = node(2);
    c_ = node(3);
    net_ = found(*a_, r_->pub(), Role::kLead);
    r_->join(net_);
    feed(*r_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *c_, net_, Role::kMember, kT0 + 8 * kMinute);
    ASSERT_TRUE(r_->author().add_note(net_, {"R's note", "counts", {}, "", "", 0, 0}, kT0 + 9 * kMinute));
    feed(*r_, missing(*a_, *r_), kT0 + 10 * kMinute);
    feed(*a_, missing(*r_, *a_), kT0 + 10 * kMinute);
    feed(*c_, missing(*a_, *c_), kT0 + 10 * kMinute);
    ASSERT_EQ(snapshot(*a_, net_), snapshot(*c_, net_));
  }

  Written remove_r() {
    auto w = a_->author().remove(net_, r_->key(), kRemovedAt);
    EXPECT_TRUE(w) << w.error().describe();
    return std::move(*w);
  }

  // C's identity in a fresh database: a replica that can read the network.
  std::unique_ptr<Node> fresh_c() {
    auto n = node(3);
    n->join(net_);
    return n;
  }

  // A fresh replica of C's that received `log` in this order (twice: the
  // second pass catches what waited for something later in it).
  std::unique_ptr<Node> replica_of(const Log& log, std::uint64_t now) {
    auto fresh = fresh_c();
    feed(*fresh, log, now);
    feed(*fresh, log, now);
    return fresh;
  }

  // Every replica that receives `log` in any order ends the same (and can
  // read it: the same notes as C).
  void expect_every_order_converges(const Log& log, std::uint64_t now) {
    std::optional<Snapshot> first;
    for (const Log& order : orders(log)) {
      auto fresh = replica_of(order, now);
      const Snapshot s = snapshot(*fresh, net_);
      EXPECT_FALSE(s.notes.empty());
      if (!first) first = s;
      EXPECT_EQ(s, *first);
    }
  }

  static constexpr std::uint64_t kRemovedAt = kT0 + 20 * kMinute;
  static constexpr std::uint64_t kNow = kT0 + 30 * kMinute;
  std::unique_ptr<Node> a_, r_, c_;
  NetworkId net_{};
};

TEST_F(RemovedAuthorTest, ABackdatedAdmissionByARemovedLeadCountsNowhere) {
  const Written removal = remove_r();
  // R, whose node has not heard of it, admits a puppet lead S "before" it.
  auto s = node(9);
  auto puppet = r_->author().admit(net_, s->pub(), Role::kLead, kRemovedAt - 1);
  ASSERT_TRUE(puppet) << puppet.error().describe();
  s->join(net_);
  feed(*s, everything(*r_), kRemovedAt);
  // The puppet grants everyone a key of R's choosing and writes a note.
  auto puppet_note = s->author().add_note(net_, {"Puppet", "read by R", {}, "", "", 0, 0}, kRemovedAt);
  ASSERT_TRUE(puppet_note);

  // C heard from R first (the old rule accepted the backdated admission),
  // then the removal.
  feed(*c_, missing(*r_, *c_), kNow);
  feed(*c_, missing(*s, *c_), kNow);
  feed(*c_, removal.envelopes, kNow);
  // A heard the removal first.
  EXPECT_NE(feed(*a_, puppet->envelopes, kNow).front(), sync::IngestOutcome::kAccepted);
  feed(*a_, missing(*s, *a_), kNow);
  for (Node* n : {a_.get(), c_.get()}) {
    EXPECT_FALSE(*n->replica().directory().member(net_, s->key())) << "the puppet is not a member";
    EXPECT_FALSE(*n->store().has_object(puppet->id));
    EXPECT_FALSE(*n->store().has_object(puppet_note->id));
  }
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*c_, net_));
  // Whatever order a new replica receives it all in.
  Log all = everything(*a_);
  append(all, puppet->envelopes);
  append(all, puppet_note->envelopes);
  expect_every_order_converges(all, kNow);
}

TEST_F(RemovedAuthorTest, ASeqUsedTwiceCountsForNeitherAndAddsNothing) {
  const Written removal = remove_r();
  // R signs a puppet admission under the seq of its note, which the
  // removal still counts.
  auto s = node(9);
  auto first_note = r_->store().objects_by_author(net_, r_->key());
  ASSERT_TRUE(first_note);
  std::uint64_t note_seq = 0;
  for (const auto& o : *first_note) {
    if (o.kind == Kind::kNote) note_seq = o.seq;
  }
  ASSERT_GT(note_seq, 0u);
  feed(*c_, removal.envelopes, kRemovedAt + 1);
  ASSERT_EQ(current_key(*c_, net_).first, 1u);  // C has the removal; R's old key is epoch 0
  auto old = r_->store().epoch_keys(net_, 0);
  ASSERT_TRUE(old && !old->empty());
  proto::Admission adm;
  auto* m = adm.mutable_member();
  m->set_identity_key(s->pub().identity_key.data(), 32);
  m->set_noise_static_key(s->pub().noise_key.data(), 32);
  m->set_binding_signature(s->pub().binding_signature.data(), 64);
  adm.set_role(proto::LEAD);
  const Bytes fork = craft(r_->me(), net_, Kind::kAdmission, 0, kRemovedAt - 1, bytes_of(adm.SerializeAsString()),
                           old->front(), r_->rng(), note_seq);
  // A replica that holds the note: the seq is void, neither counts.
  EXPECT_EQ(feed(*c_, {fork}, kNow).front(), sync::IngestOutcome::kAccepted);
  EXPECT_FALSE(*c_->replica().directory().member(net_, s->key()));
  EXPECT_FALSE(*c_->store().has_object(object_id(fork)));
  EXPECT_TRUE(*c_->store().has_evidence(object_id(fork)));
  EXPECT_EQ(c_->store().equivocation_ids(net_, r_->key(), note_seq)->size(), 2u);
  feed(*a_, {fork}, kNow);
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*c_, net_));
  // Any order, any replica: the same.
  Log all = everything(*a_);
  append(all, {fork});
  auto evidence = a_->store().envelopes(net_, std::vector<ObjectId>{object_id(fork)});
  ASSERT_EQ(evidence->size(), 1u);  // the evidence is served to peers like any object
  expect_every_order_converges(all, kNow);
}

TEST_F(RemovedAuthorTest, ConcurrentRemovalsAndTheRemovedMembersLastObjectsConvergeInAnyOrder) {
  // A second lead B; R writes two more notes; A removes R having seen one
  // of them, B having seen both; R writes another after both.
  auto b = node(4);
  admit_and_sync(*a_, *b, net_, Role::kLead, kT0 + 11 * kMinute);
  feed(*r_, missing(*a_, *r_), kT0 + 12 * kMinute);
  auto n2 = r_->author().add_note(net_, {"n2", "x", {}, "", "", 0, 0}, kT0 + 13 * kMinute);
  auto n3 = r_->author().add_note(net_, {"n3", "x", {}, "", "", 0, 0}, kT0 + 14 * kMinute);
  ASSERT_TRUE(n2 && n3);
  feed(*a_, n2->envelopes, kT0 + 15 * kMinute);
  feed(*b, n2->envelopes, kT0 + 15 * kMinute);
  feed(*b, n3->envelopes, kT0 + 15 * kMinute);
  auto by_a = a_->author().remove(net_, r_->key(), kRemovedAt);
  auto by_b = b->author().remove(net_, r_->key(), kRemovedAt + 5 * kMinute);
  ASSERT_TRUE(by_a && by_b);
  // R, still unaware, writes a note dated before both removals.
  auto n4 = r_->author().add_note(net_, {"n4", "backdated", {}, "", "", 0, 0}, kRemovedAt - kMinute);
  ASSERT_TRUE(n4);
  Log all = everything(*a_);
  append(all, missing(*b, *a_));
  append(all, n3->envelopes);
  append(all, n4->envelopes);
  expect_every_order_converges(all, kNow);
  auto check = replica_of(all, kNow);
  // The stricter removal counts: n3 (seen by B only) and n4 are gone.
  EXPECT_TRUE(*check->store().has_object(n2->id));
  EXPECT_EQ((*check->replica().directory().member(net_, r_->key()))->removed_seq, std::optional<std::uint64_t>(2));
  EXPECT_FALSE(*check->store().has_object(n3->id));
  EXPECT_FALSE(*check->store().has_object(n4->id));
}

TEST_F(RemovedAuthorTest, TwoLeadsRemovingEachOtherAreBothRemovedOnEveryReplica) {
  auto b = node(4);
  admit_and_sync(*a_, *b, net_, Role::kLead, kT0 + 11 * kMinute);
  feed(*r_, missing(*a_, *r_), kT0 + 12 * kMinute);
  // R and B, apart, remove each other.
  auto r_removes_b = r_->author().remove(net_, b->key(), kRemovedAt);
  auto b_removes_r = b->author().remove(net_, r_->key(), kRemovedAt);
  ASSERT_TRUE(r_removes_b && b_removes_r);
  Log all = everything(*a_);
  append(all, r_removes_b->envelopes);
  append(all, b_removes_r->envelopes);
  expect_every_order_converges(all, kNow);
  auto check = replica_of(all, kNow);
  EXPECT_TRUE((*check->replica().directory().member(net_, r_->key()))->removed());
  EXPECT_TRUE((*check->replica().directory().member(net_, b->key()))->removed());
}

}  // namespace
}  // namespace tumar::network

namespace tumar::network {
namespace {

using namespace test;

// The founder's seq 1 is the genesis, which every replica holds first: an
// object reusing it is refused, and the network (whose id is the genesis's)
// stays whole.
TEST_F(RemovedAuthorTest, TheGenesisIsNeverVoidedByAnObjectReusingItsSeq) {
  auto [epoch, key] = current_key(*a_, net_);
  const Bytes reuse = craft(a_->me(), net_, Kind::kNote, epoch, kNow, bytes_of(note_payload("x", "y")), key,
                            a_->rng(), 1);
  EXPECT_EQ(feed(*c_, {reuse}, kNow).front(), sync::IngestOutcome::kRejected);
  EXPECT_TRUE(*c_->store().has_object(net_));
  EXPECT_FALSE(*c_->store().has_evidence(object_id(reuse)));
  EXPECT_EQ(snapshot(*c_, net_), snapshot(*a_, net_));
}

}  // namespace
}  // namespace tumar::network
