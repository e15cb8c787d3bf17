// Removal: a lead removes a member, a new epoch starts, and its key goes to
// everyone who remains. The removed member can read nothing written after,
// nothing they sign after counts, whatever they slipped in before a replica
// learnt of the removal is taken out again, and every replica ends up the same.

#include <gtest/gtest.h>

#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

// A founds; B is a lead, C a member; all in sync at kT0 + 10 min.
class RemovalTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    c_ = node(3);
    net_ = found(*a_, b_->pub(), Role::kLead);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *c_, net_, Role::kMember, kT0 + 8 * kMinute);
    c_note_ = c_->author().add_note(net_, {"C's note", "before", {}, "", "", 0, 0}, kT0 + 9 * kMinute)->id;
    feed(*a_, missing(*c_, *a_), kT0 + 10 * kMinute);
    feed(*b_, missing(*a_, *b_), kT0 + 10 * kMinute);
    ASSERT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));
    ASSERT_EQ(snapshot(*a_, net_), snapshot(*c_, net_));
  }

  // A removes C at kT0 + 20 min.
  Written remove_c() {
    auto w = a_->author().remove(net_, c_->key(), kRemovedAt);
    EXPECT_TRUE(w) << w.error().describe();
    return std::move(*w);
  }

  static constexpr std::uint64_t kRemovedAt = kT0 + 20 * kMinute;
  std::unique_ptr<Node> a_, b_, c_;
  NetworkId net_{};
  ObjectId c_note_{};
};

TEST_F(RemovalTest, TheNewEpochKeyGoesToEveryoneButTheRemovedMember) {
  const Written w = remove_c();
  ASSERT_EQ(w.envelopes.size(), 3u);  // the removal, the epoch start, one grant (to B; A keeps its own copy)
  std::vector<identity::IdentityKey> recipients;
  for (const auto& e : w.envelopes) {
    auto v = verify_envelope_bytes(e);
    ASSERT_TRUE(v);
    if (v->header().kind == Kind::kEpochGrant) {
      recipients.push_back(*v->header().recipient);
      EXPECT_EQ(v->header().epoch, 1u);
    } else if (v->header().kind == Kind::kEpochStart) {
      EXPECT_EQ(v->header().epoch, 0u);  // it follows epoch 0, under whose key it is sealed
    } else {
      EXPECT_EQ(v->header().kind, Kind::kRemoval);
      EXPECT_EQ(v->header().epoch, 0u);  // sealed under the old key: C can read that it was removed
    }
  }
  EXPECT_EQ(recipients, std::vector<identity::IdentityKey>{b_->key()});
  EXPECT_EQ(current_key(*a_, net_).first, 1u);
  feed(*b_, w.envelopes, kRemovedAt + 1);
  EXPECT_EQ(current_key(*b_, net_).first, 1u);
  EXPECT_EQ(crypto::constant_time_equal(current_key(*a_, net_).second.span(), current_key(*b_, net_).second.span()),
            true);
}

TEST_F(RemovalTest, TheRemovedMemberCannotReadAnythingWrittenAfter) {
  const Written w = remove_c();
  feed(*b_, w.envelopes, kRemovedAt + 1);
  const std::uint64_t t = kRemovedAt + kMinute;
  auto n1 = a_->author().add_note(net_, {"New safe house", "Address: 12 Secret st.", {}, "", "", 0, 0}, t);
  auto n2 = b_->author().add_note(net_, {"New hotline", "+7 777 111", {}, "", "", 0, 0}, t);
  auto bc = b_->author().broadcast(net_, "C was removed; do not answer C", true, 0, t);
  auto rev = a_->author().revise_note(c_note_, {"C's note", "edited by A after", {}, "", "", 0, 0}, t);
  auto prof = b_->author().set_profile(net_, {"Dana", "", "", "new phone 555", {}, {}, {}}, t);
  ASSERT_TRUE(n1 && n2 && bc && rev && prof);
  for (const Written* x : {&*n1, &*n2, &*bc, &*rev, &*prof}) {
    auto v = verify_envelope_bytes(x->envelopes[0]);
    EXPECT_EQ(v->header().epoch, 1u);
  }
  feed(*a_, missing(*b_, *a_), t + 1);
  feed(*b_, missing(*a_, *b_), t + 1);
  ASSERT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));

  const Snapshot before = snapshot(*c_, net_);
  for (const Log& order : orders(missing(*a_, *c_))) {
    feed(*c_, order, t + 2);
  }
  // C learnt it was removed (the removal is in the old epoch) and carries
  // the grant to B unread, but reads nothing new.
  const Snapshot after = snapshot(*c_, net_);
  EXPECT_EQ(after.notes, before.notes);
  EXPECT_EQ(after.broadcasts, before.broadcasts);
  EXPECT_TRUE((*c_->replica().directory().member(net_, c_->key()))->removed());
  EXPECT_TRUE(c_->store().epoch_keys(net_, 1)->empty());
  // No key C holds opens any epoch-1 object.
  auto keys = c_->store().all_epoch_keys(net_);
  ASSERT_TRUE(keys);
  for (const Written* x : {&*n1, &*n2, &*bc, &*rev, &*prof}) {
    auto v = verify_envelope_bytes(x->envelopes[0]);
    for (const auto& [epoch, key] : *keys) EXPECT_FALSE(v->open(key));
    EXPECT_FALSE(*c_->store().has_object(x->id));
  }
}

TEST_F(RemovalTest, WhatTheRemovedMemberSignsAfterIsRejected) {
  const Written w = remove_c();
  feed(*b_, w.envelopes, kRemovedAt + 1);
  auto [old_epoch, old_key] = current_key(*c_, net_);
  ASSERT_EQ(old_epoch, 0u);
  const std::uint64_t now = kRemovedAt + 5 * kMinute;
  // The old epoch, stamped after the removal.
  const Bytes late = craft(c_->me(), net_, Kind::kNote, 0, kRemovedAt + 1,
                           bytes_of(note_payload("Fake", "after removal")), old_key, c_->rng());
  // The new epoch, under a key C made up (C has not got the real one).
  const auto made_up = crypto::Secret<32>::random();
  const Bytes next = craft(c_->me(), net_, Kind::kNote, 1, kRemovedAt - 1,
                           bytes_of(note_payload("Fake", "new epoch")), made_up, c_->rng());
  for (Node* n : {a_.get(), b_.get()}) {
    EXPECT_EQ(n->replica().ingest(late, now)->outcome, sync::IngestOutcome::kRejected);
    EXPECT_EQ(n->replica().ingest(next, now)->outcome, sync::IngestOutcome::kRejected);
    EXPECT_FALSE(*n->store().has_object(object_id(late)));
  }
  // C still holds the old key and can date an object before the removal;
  // its seq is past the removal's last, so that is refused too (before
  // issue 16 the date alone decided, and this was accepted).
  const Bytes backdated = craft(c_->me(), net_, Kind::kNote, 0, kRemovedAt - 1,
                                bytes_of(note_payload("Backdated", "x")), old_key, c_->rng());
  EXPECT_EQ(a_->replica().ingest(backdated, now)->outcome, sync::IngestOutcome::kRejected);
}

TEST_F(RemovalTest, WhatAReplicaStoredBeforeLearningOfTheRemovalIsTakenOut) {
  // C, not yet told, keeps writing after the removal; B (offline from A)
  // accepts it, then receives the removal.
  const Written w = remove_c();
  const std::uint64_t t = kRemovedAt + kMinute;
  auto late_note = c_->author().add_note(net_, {"Late", "after removal", {}, "", "", 0, 0}, t);
  auto late_rev = c_->author().revise_note(c_note_, {"C's note", "rewritten after removal", {}, "", "", 0, 0}, t);
  auto late_prof = c_->author().set_profile(net_, {"C renamed", "", "", "", {}, {}, {}}, t);
  ASSERT_TRUE(late_note && late_rev && late_prof);
  Log from_c = late_note->envelopes;
  append(from_c, late_rev->envelopes);
  append(from_c, late_prof->envelopes);

  for (const auto& e : from_c) EXPECT_EQ(b_->replica().ingest(e, t + 1)->outcome, sync::IngestOutcome::kAccepted);
  EXPECT_EQ((*b_->replica().library().note(c_note_))->body, "rewritten after removal");
  feed(*b_, w.envelopes, t + 2);
  EXPECT_EQ((*b_->replica().library().note(c_note_))->body, "before");
  for (const auto& e : from_c) EXPECT_FALSE(*b_->store().has_object(object_id(e)));
  for (const auto& e : from_c) EXPECT_EQ(a_->replica().ingest(e, t + 2)->outcome, sync::IngestOutcome::kRejected);
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));

  // A replica that gets all of it in any order ends the same.
  Log all = w.envelopes;
  append(all, from_c);
  const Log base = everything(*c_);  // C's view up to the removal, plus C's own late objects...
  Log history;
  for (const auto& e : base) {
    if (std::find(from_c.begin(), from_c.end(), e) == from_c.end()) history.push_back(e);
  }
  for (const Log& order : orders(all)) {
    auto d = node(2);  // B's identity, fresh database
    d->join(net_);
    feed(*d, history, t);
    feed(*d, order, t + 3);
    EXPECT_EQ(snapshot(*d, net_), snapshot(*a_, net_));
  }
}

TEST_F(RemovalTest, TheFounderCannotBeRemoved) {
  auto r = b_->author().remove(net_, a_->key(), kT0 + 20 * kMinute);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kRefused);
  EXPECT_FALSE((*b_->replica().directory().member(net_, a_->key()))->removed());
  EXPECT_EQ(current_key(*b_, net_).first, 0u);  // no new epoch was left behind
  // Crafted by hand by lead B, it is refused by others.
  auto [epoch, key] = current_key(*b_, net_);
  proto::Removal rm;
  rm.set_member(std::string(a_->key().begin(), a_->key().end()));
  const Bytes env = craft(b_->me(), net_, Kind::kRemoval, epoch, kT0 + 20 * kMinute,
                          bytes_of(rm.SerializeAsString()), key, b_->rng());
  EXPECT_EQ(c_->replica().ingest(env, kT0 + 21 * kMinute)->outcome, sync::IngestOutcome::kRejected);
  EXPECT_TRUE(*c_->replica().may_sync(net_, a_->key()));
}

TEST_F(RemovalTest, NoOneSyncsWithTheRemovedMemberAfterwards) {
  EXPECT_TRUE(*a_->replica().may_sync(net_, c_->key()));
  EXPECT_TRUE(*a_->replica().shares_a_network(c_->key()));
  const Written w = remove_c();
  feed(*b_, w.envelopes, kRemovedAt + 1);
  feed(*c_, w.envelopes, kRemovedAt + 1);
  for (Node* n : {a_.get(), b_.get()}) {
    EXPECT_FALSE(*n->replica().may_sync(net_, c_->key()));
    EXPECT_TRUE(n->replica().shared_networks(c_->key())->empty());
    EXPECT_FALSE(*n->replica().shares_a_network(c_->key()));
    EXPECT_TRUE(*n->replica().may_sync(net_, a_->key()) || n == a_.get());
  }
  // C's own node, once it knows, serves no one in that network.
  EXPECT_FALSE(*c_->replica().may_sync(net_, a_->key()));
  EXPECT_TRUE(c_->replica().shared_networks(a_->key())->empty());
  // C's node refuses to write into it.
  EXPECT_FALSE(c_->author().add_note(net_, {"x", "y", {}, "", "", 0, 0}, kRemovedAt + kMinute));
}

TEST_F(RemovalTest, AMemberAdmittedInALaterEpochCannotWriteIntoAnEarlierOne) {
  feed(*b_, remove_c().envelopes, kRemovedAt + 1);
  auto d = node(5);
  admit_and_sync(*a_, *d, net_, Role::kMember, kRemovedAt + kMinute);
  EXPECT_EQ((*a_->replica().directory().member(net_, d->key()))->admitted_epoch, 1u);
  auto keys = d->store().epoch_keys(net_, 0);
  ASSERT_TRUE(keys && !keys->empty());  // D was given the old keys, to read history
  const Bytes old = craft(d->me(), net_, Kind::kNote, 0, kRemovedAt + 2 * kMinute,
                          bytes_of(note_payload("Old epoch", "x")), keys->front(), d->rng());
  EXPECT_EQ(a_->replica().ingest(old, kRemovedAt + 3 * kMinute)->outcome, sync::IngestOutcome::kRejected);
}

TEST_F(RemovalTest, TwoRemovalsOfOneMemberLeaveEveryReplicaTheSame) {
  // Epoch 1 starts when A removes X. Later A removes C in epoch 1, while B,
  // lagging in epoch 0, removes C too, stamped later. C's note in epoch 1,
  // stamped before both, is valid under A's removal but not under B's (it
  // is in a later epoch than B's removal): every replica must decide alike.
  auto x = node(7);
  admit_and_sync(*a_, *x, net_, Role::kMember, kT0 + 11 * kMinute);
  auto rx = a_->author().remove(net_, x->key(), kT0 + 12 * kMinute);
  ASSERT_TRUE(rx);
  feed(*c_, missing(*a_, *c_), kT0 + 13 * kMinute);
  auto [e1, k1] = current_key(*c_, net_);
  ASSERT_EQ(e1, 1u);
  const Log history = everything(*c_);
  const Bytes c_note = craft(c_->me(), net_, Kind::kNote, 1, kRemovedAt - kMinute,
                             bytes_of(note_payload("Epoch 1", "x")), k1, c_->rng());
  auto by_a = a_->author().remove(net_, c_->key(), kRemovedAt);
  ASSERT_TRUE(by_a);
  auto [e0, k0] = current_key(*b_, net_);
  ASSERT_EQ(e0, 0u);
  proto::Removal rm;
  rm.set_member(std::string(c_->key().begin(), c_->key().end()));
  const Bytes by_b = craft(b_->me(), net_, Kind::kRemoval, 0, kRemovedAt + 2 * kMinute,
                           bytes_of(rm.SerializeAsString()), k0, b_->rng());
  Log all = by_a->envelopes;
  all.push_back(by_b);
  all.push_back(c_note);
  std::optional<Snapshot> first;
  for (const Log& order : orders(all)) {
    auto d = node(2);
    d->join(net_);
    feed(*d, history, kRemovedAt);
    feed(*d, order, kRemovedAt + 3 * kMinute);
    auto s = snapshot(*d, net_);
    if (!first) first = s;
    EXPECT_EQ(s, *first);
  }
}

// A lead who is removed but has not heard of it (or does not care) keeps
// acting as a lead: admits an accomplice, hands out a key of its own for the
// next epoch. A replica that accepted those before the removal arrived must
// end where a replica that saw the removal first ends — and must not keep
// the removed lead's key for writing.
TEST_F(RemovalTest, ARemovedLeadsLaterAdmissionsAndKeysAreUndone) {
  auto l = node(4);
  admit_and_sync(*a_, *l, net_, Role::kLead, kT0 + 11 * kMinute);
  feed(*b_, missing(*a_, *b_), kT0 + 12 * kMinute);
  feed(*c_, missing(*a_, *c_), kT0 + 12 * kMinute);
  const Log history = everything(*l);  // up to L's admission
  auto removal = a_->author().remove(net_, l->key(), kRemovedAt);
  ASSERT_TRUE(removal);

  // L, unaware, admits D after the removal, and D writes a note.
  const std::uint64_t t = kRemovedAt + kMinute;
  auto d = node(6);
  auto admitted = l->author().admit(net_, d->pub(), Role::kLead, t);
  ASSERT_TRUE(admitted);
  d->join(net_);
  feed(*d, everything(*l), t);
  auto d_note = d->author().add_note(net_, {"Accomplice", "trap address", {}, "", "", 0, 0}, t + 1);
  ASSERT_TRUE(d_note);
  // L also grants C a key of its own for epoch 1.
  const auto forged = crypto::Secret<32>::random();
  auto [e0, k0] = current_key(*l, net_);
  const Bytes forged_grant =
      craft_grant(l->me(), net_, c_->pub(), 1, t, grant_payload(net_, c_->key(), {{0, &k0}, {1, &forged}}));
  Log from_l = admitted->envelopes;
  append(from_l, d_note->envelopes);
  from_l.push_back(forged_grant);

  // C takes all of that in before the removal reaches it — but not the
  // grant: no start began L's epoch 1 (before issue 16 it was accepted,
  // and only the removal took it back)...
  for (const auto& e : from_l) {
    EXPECT_EQ(c_->replica().ingest(e, t + 2)->outcome,
              e == forged_grant ? sync::IngestOutcome::kPending : sync::IngestOutcome::kAccepted);
  }
  EXPECT_EQ(current_key(*c_, net_).first, 0u);
  EXPECT_TRUE(*c_->replica().may_sync(net_, d->key()));
  // ...then the removal (and A's grant of the real epoch-1 key).
  feed(*c_, removal->envelopes, t + 3);
  EXPECT_FALSE(*c_->replica().directory().member(net_, d->key()));
  EXPECT_FALSE(*c_->replica().may_sync(net_, d->key()));
  EXPECT_FALSE(*c_->store().has_object(d_note->id));
  for (const auto& e : from_l) EXPECT_FALSE(*c_->store().has_object(object_id(e)));
  auto keys1 = c_->store().epoch_keys(net_, 1);
  ASSERT_TRUE(keys1);
  ASSERT_EQ(keys1->size(), 1u);  // only A's
  EXPECT_TRUE(crypto::constant_time_equal(keys1->front().span(), current_key(*a_, net_).second.span()));
  // What C writes now, A (and not L) can read.
  auto c_writes = c_->author().add_note(net_, {"After", "for the remaining members", {}, "", "", 0, 0}, t + 4);
  ASSERT_TRUE(c_writes);
  EXPECT_EQ(a_->replica().ingest(c_writes->envelopes[0], t + 5)->outcome, sync::IngestOutcome::kAccepted);
  auto v = verify_envelope_bytes(c_writes->envelopes[0]);
  EXPECT_FALSE(v->open(forged));

  // A, which saw the removal first, and C agree; so does any order.
  for (const auto& e : from_l) EXPECT_NE(a_->replica().ingest(e, t + 5)->outcome, sync::IngestOutcome::kAccepted);
  feed(*a_, missing(*c_, *a_), t + 6);
  EXPECT_EQ(snapshot(*a_, net_), snapshot(*c_, net_));
  Log all = removal->envelopes;
  append(all, from_l);
  std::optional<Snapshot> first;
  for (const Log& order : orders(all)) {
    auto b = node(2);
    b->join(net_);
    feed(*b, history, kT0 + 13 * kMinute);
    feed(*b, order, t + 7);
    auto s = snapshot(*b, net_);
    if (!first) first = s;
    EXPECT_EQ(s, *first);
    EXPECT_FALSE(*b->replica().directory().member(net_, d->key()));
  }
}

}  // namespace
}  // namespace tumar::network
