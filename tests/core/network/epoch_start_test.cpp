// Epochs exist only when a lead that is not removed starts them, one after
// another (docs/NETWORKS.md, "Epochs"). Issue 16, point 1: a lead once
// granted every member epoch 2^63-1 under a key of its own; every later
// note was sealed under it, and removing that lead failed for good.

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/network/counter.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/store/bind.hpp"
#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

// A founds; L is a lead, M a member; all in sync at kT0 + 10 min.
class EpochStartTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    l_ = node(2);
    m_ = node(3);
    net_ = found(*a_, l_->pub(), Role::kLead);
    l_->join(net_);
    feed(*l_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *m_, net_, Role::kMember, kT0 + 8 * kMinute);
    feed(*l_, missing(*a_, *l_), kT0 + 9 * kMinute);
    ASSERT_EQ(snapshot(*a_, net_), snapshot(*m_, net_));
  }

  // What a hostile lead sends: a grant to `to` of every real key plus one
  // of its own choosing for `epoch`.
  Bytes hostile_grant(Node& to, std::uint64_t epoch, const crypto::Secret<32>& chosen, std::uint64_t ts) {
    auto real = current_key(*l_, net_);
    auto g = grant_payload(net_, to.key(), {{real.first, &real.second}, {epoch, &chosen}});
    return craft_grant(l_->me(), net_, to.pub(), epoch, ts, g);
  }

  static constexpr std::uint64_t kNow = kT0 + 30 * kMinute;
  std::unique_ptr<Node> a_, l_, m_;
  NetworkId net_{};
};

TEST_F(EpochStartTest, ALeadCannotMoveTheNetworkOntoAKeyOfItsChoosing) {
  const auto chosen = crypto::Secret<32>::random();
  for (std::uint64_t epoch : {std::uint64_t{1}, std::uint64_t{2}, kMaxCounter}) {
    const Bytes grant = hostile_grant(*m_, epoch, chosen, kT0 + 20 * kMinute);
    // Not accepted anywhere (it waits for a start that never comes).
    for (Node* n : {a_.get(), m_.get()}) {
      EXPECT_NE(n->replica().ingest(grant, kNow)->outcome, sync::IngestOutcome::kAccepted) << epoch;
      EXPECT_FALSE(*n->store().has_object(object_id(grant)));
    }
  }
  // M still writes under the network's real key, which L's key is not.
  EXPECT_EQ(current_key(*m_, net_).first, 0u);
  auto note = m_->author().add_note(net_, {"Hotline", "+7 700 111", {}, "", "", 0, 0}, kNow);
  ASSERT_TRUE(note) << note.error().describe();
  auto v = verify_envelope_bytes(note->envelopes.front());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->header().epoch, 0u);
  EXPECT_FALSE(v->open(chosen));
  // And A can still remove L: the new epoch is 1, granted to M only.
  auto removed = a_->author().remove(net_, l_->key(), kNow + kMinute);
  ASSERT_TRUE(removed) << removed.error().describe();
  feed(*m_, removed->envelopes, kNow + 2 * kMinute);
  EXPECT_EQ(current_key(*m_, net_).first, 1u);
  EXPECT_TRUE(crypto::constant_time_equal(current_key(*m_, net_).second.span(), current_key(*a_, net_).second.span()));
}

TEST_F(EpochStartTest, AStartMustFollowAnEpochThisReplicaKnows) {
  auto [epoch, key] = current_key(*l_, net_);
  ASSERT_EQ(epoch, 0u);
  proto::EpochStart s;
  s.set_reason(proto::EPOCH_REKEY);
  const auto next = crypto::Secret<32>::random();
  // Following epoch 5, which no one started: it waits, and starts nothing.
  const Bytes skip = craft(l_->me(), net_, Kind::kEpochStart, 5, kT0 + 20 * kMinute, bytes_of(s.SerializeAsString()),
                           key, l_->rng(), 0, epoch_key_id(next));
  EXPECT_EQ(m_->replica().ingest(skip, kNow)->outcome, sync::IngestOutcome::kPending);
  EXPECT_EQ(*m_->store().current_epoch(net_), std::optional<std::uint64_t>(0));
  // Following 2^63-1: nothing can come after it, so it is refused at once.
  const Bytes top = craft(l_->me(), net_, Kind::kEpochStart, kMaxCounter, kT0 + 20 * kMinute,
                          bytes_of(s.SerializeAsString()), key, l_->rng(), 0, epoch_key_id(next));
  EXPECT_EQ(m_->replica().ingest(top, kNow)->outcome, sync::IngestOutcome::kRejected);
  // A member cannot start an epoch at all.
  const Bytes by_member = craft(m_->me(), net_, Kind::kEpochStart, 0, kT0 + 20 * kMinute,
                                bytes_of(s.SerializeAsString()), key, m_->rng(), 0, epoch_key_id(next));
  EXPECT_EQ(a_->replica().ingest(by_member, kNow)->outcome, sync::IngestOutcome::kRejected);
}

TEST_F(EpochStartTest, AGrantOfAStartedEpochGivesOnlyTheKeyItsStartNamed) {
  // L starts epoch 1 properly, but hands M a different key for it.
  auto [epoch, key] = current_key(*l_, net_);
  proto::EpochStart s;
  s.set_reason(proto::EPOCH_REKEY);
  const auto real_next = crypto::Secret<32>::random();
  const auto other = crypto::Secret<32>::random();
  const Bytes start = craft(l_->me(), net_, Kind::kEpochStart, 0, kT0 + 20 * kMinute, bytes_of(s.SerializeAsString()),
                            key, l_->rng(), 0, epoch_key_id(real_next));
  auto g = grant_payload(net_, m_->key(), {{0, &key}, {1, &other}});
  const Bytes grant = craft_grant(l_->me(), net_, m_->pub(), 1, kT0 + 20 * kMinute, g);
  EXPECT_EQ(m_->replica().ingest(start, kNow)->outcome, sync::IngestOutcome::kAccepted);
  // The header names `other`'s id, which no start named: it waits.
  EXPECT_EQ(m_->replica().ingest(grant, kNow)->outcome, sync::IngestOutcome::kPending);
  EXPECT_TRUE(m_->store().epoch_keys(net_, 1)->empty());
  // M holds no key of the current epoch, so it writes nothing (and says why).
  auto note = m_->author().add_note(net_, {"x", "y", {}, "", "", 0, 0}, kNow);
  ASSERT_FALSE(note);
  EXPECT_EQ(note.error().id(), core::ErrorId::kNetworkNewKeyNotArrived) << note.error().describe();
}

TEST_F(EpochStartTest, CountersRefuseToPassTheTopInsteadOfWrapping) {
  EXPECT_EQ(next_counter(kMaxCounter - 1), std::optional<std::uint64_t>(kMaxCounter));
  EXPECT_FALSE(next_counter(kMaxCounter));
  EXPECT_FALSE(next_counter(UINT64_MAX));
  EXPECT_EQ(saturating_add(UINT64_MAX - 1, 5), UINT64_MAX);
  // Nothing can be bound past INT64_MAX.
  EXPECT_FALSE(store::prepare_bound(m_->db(), "SELECT ?1", std::uint64_t{UINT64_MAX}));
  EXPECT_FALSE(store::prepare_bound(m_->db(), "SELECT ?1", kMaxCounter + 1));
  EXPECT_TRUE(store::prepare_bound(m_->db(), "SELECT ?1", kMaxCounter));
  // Headers carrying 2^64-1 anywhere are refused when parsed.
  auto [epoch, key] = current_key(*m_, net_);
  for (int field = 0; field < 3; ++field) {
    Header h;
    h.network_id = net_;
    h.author = m_->key();
    h.kind = Kind::kNote;
    h.epoch = field == 0 ? UINT64_MAX : 0;
    h.timestamp_ms = field == 1 ? UINT64_MAX : kNow;
    h.seq = field == 2 ? UINT64_MAX : 1;
    const Bytes e = seal_envelope(h, bytes_of(note_payload("x", "y")), key, m_->me(), m_->rng());
    EXPECT_FALSE(parse_envelope(e)) << field;
  }
  // A profile revision clock at 2^63-1 is valid, and the next edit is
  // refused with a sentence instead of wrapping.
  proto::MemberProfile p;
  p.set_lamport(kMaxCounter);
  p.set_display_name("Maira");
  const Bytes top = craft(m_->me(), net_, Kind::kProfile, 0, kNow, bytes_of(p.SerializeAsString()), key, m_->rng());
  ASSERT_EQ(m_->replica().ingest(top, kNow)->outcome, sync::IngestOutcome::kAccepted);
  const auto before = everything(*m_).size();
  auto next = m_->author().set_profile(net_, {"Maira", "", "", "", {}, {}, {}}, kNow + 1);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code(), core::Errc::kLimit);
  EXPECT_EQ(everything(*m_).size(), before);
}

// Two leads start epoch 1 at once, each removing someone; one also admits
// a member the other does not know yet. Whatever order the objects arrive
// in, every replica takes the same start as the winner, and once the
// leads' periodic check runs, every current member writes under one key
// that no removed member holds.
TEST_F(EpochStartTest, ConcurrentStartsEndOnOneKeyThatEveryCurrentMemberHolds) {
  auto x = node(4);
  auto y = node(5);
  auto n = node(6);
  admit_and_sync(*a_, *x, net_, Role::kMember, kT0 + 11 * kMinute);
  admit_and_sync(*a_, *y, net_, Role::kMember, kT0 + 12 * kMinute);
  feed(*l_, missing(*a_, *l_), kT0 + 13 * kMinute);
  feed(*m_, missing(*a_, *m_), kT0 + 13 * kMinute);
  // Apart: A removes X; L removes Y and admits N.
  ASSERT_TRUE(a_->author().remove(net_, x->key(), kT0 + 20 * kMinute));
  ASSERT_TRUE(l_->author().remove(net_, y->key(), kT0 + 20 * kMinute));
  admit_and_sync(*l_, *n, net_, Role::kMember, kT0 + 21 * kMinute);
  Log all = everything(*a_);
  append(all, missing(*l_, *a_));
  // The leads meet; their checks run until nothing more is due.
  std::uint64_t t = kT0 + 30 * kMinute;
  for (int round = 0; round < 4; ++round, t += kMinute) {
    feed(*a_, missing(*l_, *a_), t);
    feed(*l_, missing(*a_, *l_), t);
    ASSERT_TRUE(a_->author().rekey_if_exposed(net_, t));
    ASSERT_TRUE(l_->author().rekey_if_exposed(net_, t));
  }
  feed(*a_, missing(*l_, *a_), t);
  feed(*l_, missing(*a_, *l_), t);
  ASSERT_EQ(snapshot(*a_, net_), snapshot(*l_, net_));
  const Log final_log = everything(*a_);
  // Members receive everything, each in its own order.
  std::uint64_t seed = 1;
  for (Node* who : {m_.get(), n.get(), x.get(), y.get()}) {
    Log missing_here;
    for (const auto& e : final_log) {
      if (!*who->store().has_object(object_id(e))) missing_here.push_back(e);
    }
    feed(*who, shuffled(missing_here, seed++), t + 1);
    feed(*who, missing_here, t + 2);  // what waited for something later in the shuffle
  }
  const auto epoch = *a_->store().current_epoch(net_);
  ASSERT_TRUE(epoch);
  EXPECT_GE(*epoch, 2u);  // the winner of epoch 1 was granted to a removed member: re-keyed
  const auto key = current_key(*a_, net_);
  for (Node* who : {l_.get(), m_.get(), n.get()}) {
    EXPECT_EQ(*who->store().current_epoch(net_), epoch) << (who == l_.get() ? "L" : who == m_.get() ? "M" : "N")
        << " pending " << who->replica().counters().pending << " rejected " << who->replica().counters().rejected;
    EXPECT_TRUE(crypto::constant_time_equal(current_key(*who, net_).second.span(), key.second.span()));
    EXPECT_EQ(snapshot(*who, net_).objects, snapshot(*a_, net_).objects);
  }
  for (Node* removed : {x.get(), y.get()}) {
    auto held_keys = removed->store().epoch_keys(net_, *epoch);
    ASSERT_TRUE(held_keys);
    for (const auto& held : *held_keys) {
      EXPECT_FALSE(crypto::constant_time_equal(held.span(), key.second.span()));
    }
  }
}

// Two leads start the same epoch with no removal between them exposed: the
// smaller start id wins on every replica, and the winner's key reaches the
// member only the loser knew.
TEST_F(EpochStartTest, TheWinningKeyReachesAMemberOnlyTheLosingLeadKnew) {
  auto x = node(4);
  auto n = node(6);
  admit_and_sync(*a_, *x, net_, Role::kMember, kT0 + 11 * kMinute);
  feed(*l_, missing(*a_, *l_), kT0 + 13 * kMinute);
  feed(*m_, missing(*a_, *m_), kT0 + 13 * kMinute);
  // A removes X; L, not knowing, admits N. Only A starts an epoch.
  ASSERT_TRUE(a_->author().remove(net_, x->key(), kT0 + 20 * kMinute));
  admit_and_sync(*l_, *n, net_, Role::kMember, kT0 + 21 * kMinute);
  std::uint64_t t = kT0 + 30 * kMinute;
  feed(*a_, missing(*l_, *a_), t);
  feed(*l_, missing(*a_, *l_), t);
  // N was granted only epoch 0 by L; A's check grants it epoch 1.
  auto caught_up = a_->author().rekey_if_exposed(net_, t);
  ASSERT_TRUE(caught_up) << caught_up.error().describe();
  ASSERT_EQ(caught_up->envelopes.size(), 1u);
  // Once done, nothing more is due.
  EXPECT_TRUE(a_->author().rekey_if_exposed(net_, t)->envelopes.empty());
  feed(*n, everything(*a_), t + 1);
  feed(*n, everything(*l_), t + 1);
  EXPECT_EQ(*n->store().current_epoch(net_), std::optional<std::uint64_t>(1));
  EXPECT_TRUE(crypto::constant_time_equal(current_key(*n, net_).second.span(), current_key(*a_, net_).second.span()));
  auto note = n->author().add_note(net_, {"Night bus", "Route 32", {}, "", "", 0, 0}, t + 2);
  ASSERT_TRUE(note) << note.error().describe();
  EXPECT_EQ(verify_envelope_bytes(note->envelopes.front())->header().epoch, 1u);
}

}  // namespace
}  // namespace tumar::network
