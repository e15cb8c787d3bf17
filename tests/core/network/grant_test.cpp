// Grants: the only way epoch keys reach a member. A grant that is forged,
// lifted from another network or person, or inconsistent with its header
// gives no key; a grant that has not validated yet (its author's admission
// has not arrived) lends its keys for reading only, never for writing.

#include <gtest/gtest.h>

#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

// A founds; B is a plain member, L a lead, C a member who holds the
// epoch-0 key. The forged grants below offer C a key for epoch 1 (k1_):
// C must not take it, and must go on writing under epoch 0.
class GrantTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    l_ = node(4);
    c_ = node(3);
    net_ = found(*a_, b_->pub(), Role::kMember);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *l_, net_, Role::kLead, kT0 + 8 * kMinute);
    auto adm = a_->author().admit(net_, c_->pub(), Role::kMember, kT0 + 9 * kMinute);
    ASSERT_TRUE(adm);
    c_grant_ = adm->envelopes[1];
    for (auto& e : everything(*a_)) {
      if (e != c_grant_) history_.push_back(std::move(e));
    }
    c_->join(net_);
    feed(*c_, everything(*a_), kT0 + 10 * kMinute);
    ASSERT_EQ(snapshot(*c_, net_), snapshot(*a_, net_));
    std::tie(epoch_, key_) = current_key(*a_, net_);
    ASSERT_EQ(epoch_, 0u);
  }

  // Ingests a grant at C; expects it to give C no new key.
  void expect_no_key(const Bytes& grant) {
    auto r = c_->replica().ingest(grant, kT0 + 11 * kMinute);
    ASSERT_TRUE(r);
    EXPECT_NE(r->outcome, sync::IngestOutcome::kAccepted) << (r->reason ? r->reason->describe() : std::string());
    auto keys = c_->store().all_epoch_keys(net_);
    ASSERT_TRUE(keys);
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->front().first, 0u);
    auto w = c_->author().add_note(net_, {"x", "y", {}, "", "", 0, 0}, kT0 + 11 * kMinute);
    ASSERT_TRUE(w);
    auto v = verify_envelope_bytes(w->envelopes[0]);
    EXPECT_EQ(v->header().epoch, 0u);
    EXPECT_TRUE(v->open(key_));
  }

  std::unique_ptr<Node> a_, b_, l_, c_;
  NetworkId net_{};
  Bytes c_grant_;
  Log history_;  // everything A holds but C's grant
  std::uint64_t epoch_ = 0;
  crypto::Secret<32> key_;
  const crypto::Secret<32> k1_ = crypto::Secret<32>::random();
};

TEST_F(GrantTest, TheRealGrantGivesTheKeyAndEverythingBecomesReadable) {
  auto fresh = node(3);
  fresh->join(net_);
  feed(*fresh, history_, kT0 + 11 * kMinute);
  EXPECT_TRUE(fresh->store().all_epoch_keys(net_)->empty());
  // The grant waits for the genesis it validates against, but its key
  // opens the genesis: everything is released, the grant with it.
  auto r = fresh->replica().ingest(c_grant_, kT0 + 11 * kMinute);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, sync::IngestOutcome::kPending);
  EXPECT_EQ(r->released.size(), history_.size() + 1);
  EXPECT_EQ(fresh->store().all_epoch_keys(net_)->size(), 1u);
  EXPECT_EQ(snapshot(*fresh, net_), snapshot(*a_, net_));
}

TEST_F(GrantTest, AGrantSignedByAMemberWhoIsNotALeadGivesNoKey) {
  expect_no_key(craft_grant(b_->me(), net_, c_->pub(), 1, kT0 + 10 * kMinute,
                            grant_payload(net_, c_->key(), {{epoch_, &key_}, {1, &k1_}})));
}

TEST_F(GrantTest, AGrantSignedByAnOutsiderGivesNoKey) {
  crypto::DeterministicRandom rng(70);
  auto outsider = identity::LocalIdentity::generate(rng);
  expect_no_key(craft_grant(outsider, net_, c_->pub(), 1, kT0 + 10 * kMinute,
                            grant_payload(net_, c_->key(), {{1, &k1_}})));
}

TEST_F(GrantTest, AGrantWhoseSealedContentNamesAnotherNetworkGivesNoKey) {
  NetworkId other = net_;
  other[0] ^= 1;
  expect_no_key(craft_grant(l_->me(), net_, c_->pub(), 1, kT0 + 10 * kMinute,
                            grant_payload(other, c_->key(), {{1, &k1_}})));
}

TEST_F(GrantTest, AGrantWhoseSealedContentNamesAnotherRecipientGivesNoKey) {
  // A grant L made for B, re-signed by L with C as the header's recipient.
  expect_no_key(craft_grant(l_->me(), net_, c_->pub(), 1, kT0 + 10 * kMinute,
                            grant_payload(net_, b_->key(), {{1, &k1_}})));
}

TEST_F(GrantTest, AGrantWhoseNewestKeyIsNotItsHeadersEpochGivesNoKey) {
  expect_no_key(craft_grant(l_->me(), net_, c_->pub(), 0, kT0 + 10 * kMinute,
                            grant_payload(net_, c_->key(), {{0, &key_}, {1, &k1_}})));
  expect_no_key(craft_grant(l_->me(), net_, c_->pub(), 5, kT0 + 10 * kMinute,
                            grant_payload(net_, c_->key(), {{1, &k1_}})));
}

TEST_F(GrantTest, AGrantSealedToAnotherPersonsKeyGivesNoKey) {
  // The header names C, but the box is sealed to B's Noise key.
  Header h;
  h.network_id = net_;
  h.author = l_->key();
  h.kind = Kind::kEpochGrant;
  h.epoch = 1;
  h.timestamp_ms = kT0 + 10 * kMinute;
  h.recipient = c_->key();
  const std::string plain = grant_payload(net_, c_->key(), {{1, &k1_}}).SerializeAsString();
  crypto::DeterministicRandom rng(3);
  expect_no_key(seal_grant_envelope(h, bytes_of(plain), b_->pub().noise_key, l_->me(), rng).value());
}

TEST_F(GrantTest, MalformedGrantContentGivesNoKey) {
  auto seal = [&](const std::string& plain) {
    Header h;
    h.network_id = net_;
    h.author = l_->key();
    h.kind = Kind::kEpochGrant;
    h.epoch = 1;
    h.timestamp_ms = kT0 + 10 * kMinute;
    h.recipient = c_->key();
    crypto::DeterministicRandom rng(4);
    return seal_grant_envelope(h, bytes_of(plain), c_->pub().noise_key, l_->me(), rng).value();
  };
  proto::EpochGrant g = grant_payload(net_, c_->key(), {{1, &k1_}});
  g.mutable_keys(0)->mutable_key()->pop_back();
  expect_no_key(seal(g.SerializeAsString()));  // a 31-byte key
  expect_no_key(seal(grant_payload(net_, c_->key(), {}).SerializeAsString()));  // no keys
  expect_no_key(seal(grant_payload(net_, c_->key(), {{1, &k1_}}).SerializeAsString() + "\x78\x01"));  // unknown field
  expect_no_key(seal(""));
  expect_no_key(seal("\xff\xff\xff"));
}

TEST_F(GrantTest, KeysFromAGrantThatHasNotValidatedAreNeverUsedToWrite) {
  // C holds the real epoch-0 key. An outsider's grant to C offers a key
  // for epoch 7; the outsider's admission never arrives, so the grant stays
  // pending and its key is only a candidate.
  crypto::DeterministicRandom rng(71);
  auto outsider = identity::LocalIdentity::generate(rng);
  const auto k7 = crypto::Secret<32>::random();
  const Bytes pending_grant = craft_grant(outsider, net_, c_->pub(), 7, kT0 + 11 * kMinute,
                                          grant_payload(net_, c_->key(), {{7, &k7}}));
  EXPECT_EQ(c_->replica().ingest(pending_grant, kT0 + 12 * kMinute)->outcome, sync::IngestOutcome::kPending);
  EXPECT_TRUE(c_->store().epoch_keys(net_, 7)->empty());
  auto w = c_->author().add_note(net_, {"Mine", "written by C", {}, "", "", 0, 0}, kT0 + 13 * kMinute);
  ASSERT_TRUE(w);
  auto v = verify_envelope_bytes(w->envelopes[0]);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->header().epoch, 0u);
  EXPECT_FALSE(v->open(k7));
  EXPECT_TRUE(v->open(key_));
  EXPECT_EQ(a_->replica().ingest(w->envelopes[0], kT0 + 14 * kMinute)->outcome, sync::IngestOutcome::kAccepted);
}

TEST_F(GrantTest, WithOnlyAPendingGrantANodeCannotWriteAtAll) {
  // A fresh node that has only its grant (nothing else) holds candidate
  // keys but no key to write with.
  auto fresh = node(3);
  fresh->join(net_);
  EXPECT_EQ(fresh->replica().ingest(c_grant_, kT0 + 11 * kMinute)->outcome, sync::IngestOutcome::kPending);
  EXPECT_TRUE(fresh->store().all_epoch_keys(net_)->empty());
  auto w = fresh->author().add_note(net_, {"x", "y", {}, "", "", 0, 0}, kT0 + 12 * kMinute);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), core::Errc::kRefused);
  // The history then validates the grant.
  feed(*fresh, history_, kT0 + 12 * kMinute);
  EXPECT_EQ(snapshot(*fresh, net_), snapshot(*a_, net_));
}

TEST_F(GrantTest, AGrantToSomeoneElseIsCarriedUnread) {
  auto d = node(8);
  auto adm = a_->author().admit(net_, d->pub(), Role::kMember, kT0 + 12 * kMinute);
  ASSERT_TRUE(adm);
  for (const auto& e : adm->envelopes) {
    EXPECT_EQ(c_->replica().ingest(e, kT0 + 13 * kMinute)->outcome, sync::IngestOutcome::kAccepted);
  }
  EXPECT_TRUE(*c_->store().has_object(object_id(adm->envelopes[1])));
  EXPECT_EQ(c_->store().all_epoch_keys(net_)->size(), 1u);
}

}  // namespace
}  // namespace tumar::network
