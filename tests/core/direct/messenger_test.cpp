// Direct messages through the network: Aigerim (lead) and Bota (member)
// write to each other through replicas that carry DIRECT objects like any
// other; Dana, a third member, carries them and learns only a tag and a
// size bucket. Sessions start from published prekeys (X3DH), arrive in any
// order, and a message re-sent, tampered with, or from a removed member
// is never shown.

#include <gtest/gtest.h>

#include <map>

#include "../network/network_fixture.hpp"
#include "core/direct/expiry.hpp"
#include "core/direct/messenger.hpp"
#include "core/network/envelope.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/recipient_tag.hpp"
#include "core/store/bind.hpp"
#include "tumar/network.pb.h"

namespace tumar::direct {
namespace {

using namespace network;
using namespace network::test;

class MessengerTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    d_ = node(4);
    net_ = found(*a_, b_->pub(), Role::kMember);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *d_, net_, Role::kMember, kT0 + 8 * kMinute);
    feed(*b_, missing(*a_, *b_), kT0 + 9 * kMinute);
    for (Node* n : {a_.get(), b_.get(), d_.get()}) {
      auto w = messenger(*n).prekeys().ensure(net_, kT0 + 10 * kMinute);
      ASSERT_TRUE(w) << w.error().describe();
      ASSERT_TRUE(w->has_value()) << "a first bundle is always published " << (n == a_.get() ? "a" : n == b_.get() ? "b" : "d");
    }
    sync_all(kT0 + 11 * kMinute);
  }

  Messenger messenger(Node& n) { return Messenger(n.replica(), n.me(), n.rng()); }

  // Everyone gets everything (what flooding achieves).
  void sync_all(std::uint64_t at) {
    for (Node* from : {a_.get(), b_.get(), d_.get()}) {
      for (Node* to : {a_.get(), b_.get(), d_.get()}) {
        if (from != to) feed(*to, missing(*from, *to), at);
      }
    }
  }

  Written send(Node& from, Node& to, const std::string& text, std::uint64_t at) {
    auto w = messenger(from).send(net_, to.key(), text, at);
    EXPECT_TRUE(w) << w.error().describe();
    return w ? std::move(*w) : Written{};
  }

  InboxReport receive(Node& n, std::uint64_t at) {
    auto r = messenger(n).receive(at);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? *r : InboxReport{};
  }

  std::vector<DirectMessage> history(Node& n, const std::optional<identity::IdentityKey>& with = std::nullopt) {
    auto m = messenger(n).messages().list(net_, with);
    EXPECT_TRUE(m);
    return m ? *m : std::vector<DirectMessage>{};
  }

  // The one-time prekeys in n's newest published bundle: sender -> (id, key).
  std::map<identity::IdentityKey, std::pair<std::uint32_t, std::string>> published_one_time(Node& n) {
    std::map<identity::IdentityKey, std::pair<std::uint32_t, std::string>> out;
    auto objects = n.store().objects_about(net_, Kind::kPrekeys, n.key());
    EXPECT_TRUE(objects);
    const StoredObject* newest = nullptr;
    for (const auto& o : *objects) {
      if (o.author == n.key() && (!newest || o.lamport > newest->lamport)) newest = &o;
    }
    if (newest == nullptr) {
      ADD_FAILURE() << "no bundle";
      return out;
    }
    auto bytes = n.store().envelope(newest->id);
    EXPECT_TRUE(bytes && *bytes);
    auto env = verify_envelope_bytes(**bytes);
    EXPECT_TRUE(env);
    auto keys = n.store().epoch_keys(net_, env->header().epoch);
    EXPECT_TRUE(keys);
    std::optional<std::string> plain;
    for (const auto& k : *keys) {
      if ((plain = env->open(k))) break;
    }
    EXPECT_TRUE(plain);
    auto bundle = decode_prekeys(*plain);
    EXPECT_TRUE(bundle);
    for (const auto& k : bundle->one_time_prekeys()) out[to_array<32>(k.sender())] = {k.id(), k.key()};
    return out;
  }

  static constexpr std::uint64_t kT1 = kT0 + 20 * kMinute;
  static constexpr std::uint64_t kDay = 24 * 60 * kMinute;
  std::unique_ptr<Node> a_, b_, d_;
  NetworkId net_{};
};

TEST_F(MessengerTest, AMessageReachesItsRecipientAndTheReplyCarriesTheReadReceipt) {
  send(*a_, *b_, "The shelter on Abay st. has 2 beds tonight", kT1);
  sync_all(kT1 + 1);
  auto got = receive(*b_, kT1 + 2);
  EXPECT_EQ(got.received, 1u);
  auto b_hist = history(*b_);
  ASSERT_EQ(b_hist.size(), 1u);
  EXPECT_EQ(b_hist[0].text, "The shelter on Abay st. has 2 beds tonight");
  EXPECT_EQ(b_hist[0].peer, a_->key());
  EXPECT_FALSE(b_hist[0].outgoing);

  // Bota reads it, then answers: the answer carries the receipt.
  ASSERT_TRUE(messenger(*b_).messages().mark_read(b_hist[0].row, static_cast<std::int64_t>(kT1 + 3)));
  send(*b_, *a_, "Thank you, sending a woman there now", kT1 + 4);
  sync_all(kT1 + 5);
  EXPECT_EQ(receive(*a_, kT1 + 6).received, 1u);
  auto a_hist = history(*a_, b_->key());
  ASSERT_EQ(a_hist.size(), 2u);
  EXPECT_TRUE(a_hist[0].outgoing);
  EXPECT_TRUE(a_hist[0].delivered_ms.has_value());
  EXPECT_TRUE(a_hist[0].read_ms.has_value());
  EXPECT_EQ(a_hist[1].text, "Thank you, sending a woman there now");
  // Nobody else got anything.
  EXPECT_EQ(receive(*d_, kT1 + 7).received, 0u);
  EXPECT_TRUE(history(*d_).empty());
}

TEST_F(MessengerTest, ACarrierSeesNeitherSenderNorRecipientNorExactLength) {
  const Written short_one = send(*a_, *b_, "ok", kT1);
  const Written long_one = send(*a_, *b_, std::string(200, 'x'), kT1 + 1);
  auto s = verify_envelope_bytes(short_one.envelopes.at(0));
  auto l = verify_envelope_bytes(long_one.envelopes.at(0));
  ASSERT_TRUE(s && l);
  EXPECT_EQ(s->bytes().size(), l->bytes().size()) << "both fall in the smallest padding bucket";
  for (const auto* e : {&*s, &*l}) {
    EXPECT_EQ(e->header().kind, Kind::kDirect);
    for (const Node* n : {a_.get(), b_.get(), d_.get()}) {
      EXPECT_NE(e->header().author, n->key()) << "the author is a one-time key";
      EXPECT_NE(*e->header().recipient, n->key()) << "the recipient is only a tag";
    }
  }
  EXPECT_NE(s->header().author, l->header().author) << "one-time keys are not reused";
  // A member can match the tag to Bota (the documented limit), not to a sender.
  auto key = d_->store().current_epoch_key(net_);
  ASSERT_TRUE(key && *key);
  EXPECT_EQ(*s->header().recipient, recipient_tag((*key)->second, b_->key()));
  // Dana stores and carries both, and can read neither.
  sync_all(kT1 + 2);
  EXPECT_TRUE(*d_->store().has_object(s->id()));
  EXPECT_EQ(receive(*d_, kT1 + 3).received, 0u);
  EXPECT_EQ(receive(*b_, kT1 + 3).received, 2u);
}

TEST_F(MessengerTest, MessagesArriveInAnyOrderAndEachIsShownOnce) {
  std::vector<Written> sent;
  for (int i = 0; i < 6; ++i) sent.push_back(send(*a_, *b_, "message " + std::to_string(i), kT1 + i));
  // Bota's node gets them back to front, one at a time, some twice.
  for (int i = 5; i >= 0; --i) {
    feed(*b_, sent[static_cast<std::size_t>(i)].envelopes, kT1 + 10);
    receive(*b_, kT1 + 11);
    feed(*b_, sent[static_cast<std::size_t>(i)].envelopes, kT1 + 12);
    receive(*b_, kT1 + 13);
  }
  auto h = history(*b_);
  ASSERT_EQ(h.size(), 6u);
  std::set<std::string> texts;
  for (const auto& m : h) texts.insert(m.text);
  EXPECT_EQ(texts.size(), 6u);
  // And the conversation goes on both ways.
  send(*b_, *a_, "got all six", kT1 + 20);
  sync_all(kT1 + 21);
  EXPECT_EQ(receive(*a_, kT1 + 22).received, 1u);
  send(*a_, *b_, "good", kT1 + 23);
  sync_all(kT1 + 24);
  EXPECT_EQ(receive(*b_, kT1 + 25).received, 1u);
}

TEST_F(MessengerTest, AMessageReWrappedByACarrierIsRefusedAndChangesNothing) {
  const Written w = send(*a_, *b_, "Meet at 6", kT1);
  sync_all(kT1 + 1);
  EXPECT_EQ(receive(*b_, kT1 + 2).received, 1u);
  // Dana, a member, takes the ratchet message out and seals it again in a
  // new envelope (a new object id, so sync would carry it).
  auto env = verify_envelope_bytes(w.envelopes.at(0));
  auto key = d_->store().current_epoch_key(net_);
  ASSERT_TRUE(env && key && *key);
  auto payload = env->open((*key)->second);
  ASSERT_TRUE(payload);
  auto forger = identity::LocalIdentity::generate(d_->rng());
  Header h = env->header();
  h.author = forger.public_identity().identity_key;
  h.timestamp_ms = kT1 + 3;
  const auto again = seal_envelope(
      h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(payload->data()), payload->size()),
      (*key)->second, forger, d_->rng());
  ASSERT_EQ(feed(*b_, {again}, kT1 + 4).at(0), sync::IngestOutcome::kAccepted) << "a carrier cannot tell";
  auto r = receive(*b_, kT1 + 5);
  EXPECT_EQ(r.received, 0u);
  EXPECT_EQ(r.unreadable, 1u);
  EXPECT_EQ(history(*b_).size(), 1u);
  // The session still works.
  send(*a_, *b_, "Meet at 7 instead", kT1 + 6);
  sync_all(kT1 + 7);
  EXPECT_EQ(receive(*b_, kT1 + 8).received, 1u);
}

TEST_F(MessengerTest, AOneTimePrekeyIsUsedOnceThenReplaced) {
  auto before = messenger(*b_).prekeys().load(net_);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->one_time_prekeys.size(), 2u) << "one for Aigerim, one for Dana";
  send(*a_, *b_, "hello", kT1);
  sync_all(kT1 + 1);
  EXPECT_EQ(receive(*b_, kT1 + 2).received, 1u);
  auto after = messenger(*b_).prekeys().load(net_);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->one_time_prekeys.size(), 1u) << "Aigerim's was deleted when used";
  auto republished = messenger(*b_).prekeys().ensure(net_, kT1 + 3);
  ASSERT_TRUE(republished);
  EXPECT_TRUE(republished->has_value()) << "a fresh one for Aigerim is published";
  EXPECT_EQ(messenger(*b_).prekeys().load(net_)->one_time_prekeys.size(), 3u)
      << "a fresh one each for Aigerim and Dana, and Dana's replaced one kept (retired) for first messages in transit";
  EXPECT_EQ(published_one_time(*b_).size(), 2u) << "only the fresh ones are published";
  auto unchanged = messenger(*b_).prekeys().ensure(net_, kT1 + 4);
  ASSERT_TRUE(unchanged);
  EXPECT_FALSE(unchanged->has_value()) << "nothing changed, nothing published";
}

// Bota's bundles must not tell the members comparing them who wrote to
// Bota first: when Aigerim uses the prekey dedicated to her, the next bundle
// replaces every member's, not only hers.
TEST_F(MessengerTest, ANewBundleDoesNotPointAtWhoWroteFirst) {
  const auto before = published_one_time(*b_);
  ASSERT_EQ(before.size(), 2u);
  // Dana writes to Bota first, with the prekey dedicated to her; it is slow to arrive.
  const Written in_transit = send(*d_, *b_, "Dana here, on a slow link", kT1);
  // Aigerim's first message arrives and uses hers; Bota's node refreshes.
  const Written w = send(*a_, *b_, "hello", kT1 + 1);
  feed(*b_, w.envelopes, kT1 + 2);
  ASSERT_EQ(receive(*b_, kT1 + 3).received, 1u);
  auto republished = messenger(*b_).prekeys().ensure(net_, kT1 + 4);
  ASSERT_TRUE(republished);
  ASSERT_TRUE(republished->has_value());
  const auto after = published_one_time(*b_);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [sender, opk] : after) {
    ASSERT_TRUE(before.contains(sender));
    EXPECT_NE(opk.first, before.at(sender).first) << "every id is new, not only Aigerim's";
    EXPECT_NE(opk.second, before.at(sender).second) << "every key is new, not only Aigerim's";
  }
  // Dana's first message, made with her replaced prekey, still opens: the
  // private half was retired, not deleted.
  feed(*b_, in_transit.envelopes, kT1 + 5);
  auto r = receive(*b_, kT1 + 6);
  EXPECT_EQ(r.received, 1u);
  EXPECT_EQ(r.unreadable, 0u);
  EXPECT_EQ(history(*b_, d_->key()).size(), 1u);
  EXPECT_EQ(messenger(*b_).prekeys().load(net_)->one_time_prekeys.size(), 2u) << "the retired one, used, is gone";
}

TEST_F(MessengerTest, AReplacedOneTimePrekeyIsDeletedAfterTheRetention) {
  const Written in_transit = send(*d_, *b_, "Dana here, on a very slow link", kT1);
  const Written w = send(*a_, *b_, "hello", kT1 + 1);
  feed(*b_, w.envelopes, kT1 + 2);
  ASSERT_EQ(receive(*b_, kT1 + 3).received, 1u);
  // Dana's arrives, but Bota's node does not look at it for two weeks.
  feed(*b_, in_transit.envelopes, kT1 + 4);
  ASSERT_TRUE(messenger(*b_).prekeys().ensure(net_, kT1 + 4));
  ASSERT_EQ(messenger(*b_).prekeys().load(net_)->one_time_prekeys.size(), 3u);
  // 14 days later the retired private half is deleted (forward secrecy for
  // X3DH, as for a retired signed prekey); a first message made with it
  // can no longer be read.
  ASSERT_TRUE(messenger(*b_).prekeys().ensure(net_, kT1 + 4 + 14 * kDay));
  EXPECT_EQ(messenger(*b_).prekeys().load(net_)->one_time_prekeys.size(), 2u);
  auto r = receive(*b_, kT1 + 6 + 14 * kDay);
  EXPECT_EQ(r.received, 0u);
  EXPECT_EQ(r.unreadable, 1u);
}

TEST_F(MessengerTest, TheSignedPrekeyRotatesWeeklyAndTheOldOneIsWipedTwoWeeksLater) {
  const std::uint64_t week = 7ull * 24 * 3600 * 1000;
  ASSERT_EQ(messenger(*b_).prekeys().load(net_)->signed_prekeys.size(), 1u);
  ASSERT_TRUE(messenger(*b_).prekeys().ensure(net_, kT0 + week + 11 * kMinute));
  EXPECT_EQ(messenger(*b_).prekeys().load(net_)->signed_prekeys.size(), 2u) << "the old one is retained";
  ASSERT_TRUE(messenger(*b_).prekeys().ensure(net_, kT0 + 3 * week + 12 * kMinute));
  EXPECT_EQ(messenger(*b_).prekeys().load(net_)->signed_prekeys.size(), 2u)
      << "rotated again; the first one, retired two weeks ago, is gone";
}

// Bota's prekeys as time passes and members write first (core/direct/prekey_keeper).
class PrekeyKeeperTest : public MessengerTest {
 protected:
  PrekeyKeeper keeper() { return PrekeyKeeper(b_->replica(), b_->me(), b_->rng()); }

  // The id of the one-time prekey Bota holds dedicated to `sender`.
  std::uint32_t dedicated_id(const identity::IdentityKey& sender) {
    auto st = store::prepare_bound(b_->store().database(),
                                   "SELECT id FROM dm_prekey WHERE network_id = ?1 AND sender = ?2", net_, sender);
    EXPECT_TRUE(st);
    auto row = st->step();
    EXPECT_TRUE(row && *row) << "no dedicated prekey";
    return static_cast<std::uint32_t>(st->column_int64(0));
  }

  bool holds_one_time(std::uint32_t id) {
    auto k = keeper().one_time(net_, id);
    EXPECT_TRUE(k);
    return k && k->has_value();
  }

  std::uint32_t current_signed_id() {
    auto spk = keeper().signed_prekeys(net_);
    EXPECT_TRUE(spk && !spk->empty());
    return spk->at(0).pub.id;
  }

  // Aigerim has written to Bota first (her dedicated prekey is used); Bota's
  // node then refreshes at `at`, which replaces every member's prekey and
  // retires Dana's.
  void aigerim_writes_first_then_refresh(std::uint64_t at) {
    ASSERT_TRUE(keeper().consume_one_time(net_, dedicated_id(a_->key())));
    auto w = keeper().ensure(net_, at);
    ASSERT_TRUE(w) << w.error().describe();
    ASSERT_TRUE(w->has_value()) << "a replacement is published";
  }
};

// One member writing first over and over (each time forcing a replacement)
// must not push out a retired key another member's first message, still in
// transit, was made with. 2,100 replacements each retire Dana's key: more
// than the 2,048 a count cap once kept.
TEST_F(PrekeyKeeperTest, ABurstOfReplacementsDoesNotCutTheRetentionShort) {
  const std::uint32_t danas = dedicated_id(d_->key());
  const Written in_transit = send(*d_, *b_, "Dana here, on a slow link", kT1);
  constexpr std::uint64_t kReplacements = 2100;
  for (std::uint64_t i = 0; i < kReplacements; ++i) aigerim_writes_first_then_refresh(kT1 + 1 + i * kMinute);
  EXPECT_TRUE(holds_one_time(danas)) << "retired " << kReplacements << " minutes ago, well within 14 days";
  const std::uint64_t later = kT1 + (kReplacements + 1) * kMinute;
  feed(*b_, in_transit.envelopes, later);
  auto r = receive(*b_, later + 1);
  EXPECT_EQ(r.received, 1u) << "a first message made with a retired key still opens within retention";
  EXPECT_EQ(r.unreadable, 0u);
  EXPECT_EQ(history(*b_, d_->key()).size(), 1u);
  EXPECT_FALSE(holds_one_time(danas)) << "used, so deleted";
}

// Kept exactly 14 days after it was retired: there 1 ms before, gone at 14 days.
TEST_F(PrekeyKeeperTest, ARetiredOneTimePrekeyIsKeptFourteenDaysToTheMillisecond) {
  const std::uint32_t danas = dedicated_id(d_->key());
  aigerim_writes_first_then_refresh(kT1);
  ASSERT_TRUE(holds_one_time(danas)) << "retired, not deleted";
  ASSERT_TRUE(keeper().ensure(net_, kT1 + 14 * kDay - 1));
  EXPECT_TRUE(holds_one_time(danas)) << "14 days minus 1 ms";
  ASSERT_TRUE(keeper().ensure(net_, kT1 + 14 * kDay));
  EXPECT_FALSE(holds_one_time(danas)) << "14 days";
}

// Bota's clock ran a year fast while her node refreshed, then was put right.
// The signed prekey made "next year" must rotate at the next refresh, and go
// on rotating weekly, not wait a year.
TEST_F(PrekeyKeeperTest, AFastClockDoesNotHoldUpRotation) {
  const std::uint64_t fast = kT1 + 365 * kDay;
  const std::uint32_t first = current_signed_id();
  ASSERT_TRUE(keeper().ensure(net_, fast));
  const std::uint32_t made_fast = current_signed_id();
  ASSERT_NE(made_fast, first) << "a year on, as the clock said";
  const std::uint64_t right = kT1 + 60 * kMinute;
  ASSERT_TRUE(keeper().ensure(net_, right));
  const std::uint32_t after = current_signed_id();
  EXPECT_NE(after, made_fast) << "rotated once the clock was put right";
  auto spk = keeper().signed_prekeys(net_);
  ASSERT_TRUE(spk);
  ASSERT_EQ(spk->size(), 2u) << "the current one and the one made fast, retained 14 days from now";
  EXPECT_EQ(spk->at(1).pub.id, made_fast);
  ASSERT_TRUE(keeper().ensure(net_, right + 7 * kDay - 1));
  EXPECT_EQ(current_signed_id(), after);
  ASSERT_TRUE(keeper().ensure(net_, right + 7 * kDay));
  EXPECT_NE(current_signed_id(), after) << "weekly again";
}

// A one-time prekey retired while the clock ran fast is deleted once it is
// put right, not kept until real time reaches its stamp plus 14 days.
TEST_F(PrekeyKeeperTest, AFastClockDoesNotHoldUpDeletion) {
  const std::uint32_t danas = dedicated_id(d_->key());
  aigerim_writes_first_then_refresh(kT1 + 365 * kDay);
  ASSERT_TRUE(holds_one_time(danas));
  ASSERT_TRUE(keeper().ensure(net_, kT1 + 60 * kMinute));
  EXPECT_FALSE(holds_one_time(danas));
  EXPECT_TRUE(holds_one_time(dedicated_id(d_->key()))) << "the key Dana may use now is kept";
}

TEST_F(MessengerTest, ARemovedMemberCannotStartAConversation) {
  // Aigerim removes Dana; Dana's node has not heard and still sends.
  auto removal = a_->author().remove(net_, d_->key(), kT1);
  ASSERT_TRUE(removal);
  feed(*b_, removal->envelopes, kT1 + 1);
  const Written w = send(*d_, *b_, "It's Dana, open the door", kT1 + 2);
  feed(*b_, w.envelopes, kT1 + 3);
  auto r = receive(*b_, kT1 + 4);
  EXPECT_EQ(r.received, 0u);
  EXPECT_TRUE(history(*b_).empty());
  // And Dana can no longer find a way to write.
  feed(*d_, removal->envelopes, kT1 + 5);
  auto refused = messenger(*d_).send(net_, b_->key(), "again", kT1 + 6);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::Errc::kRefused);
}

TEST_F(MessengerTest, ARemovedMemberCannotWriteOverASessionTheyAlreadyHave) {
  // Dana and Bota have a conversation going.
  const Written first = send(*d_, *b_, "Hello Bota, it's Dana", kT1);
  feed(*b_, first.envelopes, kT1 + 1);
  ASSERT_EQ(receive(*b_, kT1 + 2).received, 1u);
  const Written answer = send(*b_, *d_, "Hi Dana", kT1 + 3);
  feed(*d_, answer.envelopes, kT1 + 4);
  ASSERT_EQ(receive(*d_, kT1 + 5).received, 1u);
  // Aigerim removes Dana; Dana's node has not heard and writes again over
  // the session it holds (a normal message: no X3DH, no prekey involved).
  auto removal = a_->author().remove(net_, d_->key(), kT1 + 6);
  ASSERT_TRUE(removal);
  feed(*b_, removal->envelopes, kT1 + 7);
  const Written w = send(*d_, *b_, "It's Dana, open the door", kT1 + 8);
  ASSERT_EQ(feed(*b_, w.envelopes, kT1 + 9).at(0), sync::IngestOutcome::kAccepted) << "a carrier cannot tell";
  auto r = receive(*b_, kT1 + 10);
  EXPECT_EQ(r.received, 0u);
  EXPECT_EQ(r.unreadable, 1u);
  const auto h = history(*b_, d_->key());
  ASSERT_EQ(h.size(), 2u) << "only the messages from before the removal";
  EXPECT_EQ(h[0].text, "Hello Bota, it's Dana");
  EXPECT_EQ(h[1].text, "Hi Dana");
}

TEST_F(MessengerTest, BadTextIsRefusedAndNothingIsWritten) {
  const auto before = everything(*a_).size();
  for (const std::string& text : {std::string(""), std::string("  \n"), std::string(8 * 1024 + 1, 'x'),
                                  std::string("bell\x07"), std::string("\x1b[2J")}) {
    auto r = messenger(*a_).send(net_, b_->key(), text, kT1);
    EXPECT_FALSE(r) << text.size();
  }
  auto self = messenger(*a_).send(net_, a_->key(), "me", kT1);
  EXPECT_FALSE(self);
  EXPECT_EQ(everything(*a_).size(), before);
  EXPECT_TRUE(history(*a_).empty());
}

TEST_F(MessengerTest, DeletingAMessageLeavesTheOthers) {
  send(*a_, *b_, "one", kT1);
  send(*a_, *b_, "two", kT1 + 1);
  sync_all(kT1 + 2);
  receive(*b_, kT1 + 3);
  auto h = history(*b_);
  ASSERT_EQ(h.size(), 2u);
  auto removed = messenger(*b_).messages().remove(h[0].row);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  h = history(*b_);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].text, "two");
  // Receiving again does not bring it back: its keys were used and are gone.
  receive(*b_, kT1 + 4);
  EXPECT_EQ(history(*b_).size(), 1u);
}

}  // namespace
}  // namespace tumar::direct

namespace tumar::direct {
namespace {

using namespace network;
using namespace network::test;

class PrekeysInHistoryTest : public NetworkFixture {};

// A founder's node publishes its prekeys when it starts serving, before it
// admits anyone: a newcomer then receives them ahead of the admission and
// grant that let it read them, in the order they were written.
TEST_F(PrekeysInHistoryTest, ANewcomerWhoseHistoryStartsWithPrekeysStillJoins) {
  auto a = node(1);
  auto b = node(2);
  auto net = a->author().create_network("Steppe shelters", false, kT0);
  ASSERT_TRUE(net);
  PrekeyKeeper keeper(a->replica(), a->me(), a->rng());
  auto published = keeper.ensure(*net, kT0 + kMinute);
  ASSERT_TRUE(published && published->has_value());
  ASSERT_TRUE(a->author().admit(*net, b->pub(), Role::kLead, kT0 + 2 * kMinute));
  b->join(*net);
  for (const auto& log : orders(everything(*a))) {
    auto c = node(2);
    c->join(*net);
    feed(*c, log, kT0 + 3 * kMinute);
    auto me = c->replica().directory().member(*net, c->key());
    ASSERT_TRUE(me);
    ASSERT_TRUE(me->has_value()) << "admitted";
    EXPECT_EQ(*c->store().object_count(*net), *a->store().object_count(*net));
  }
  // And as one batch, as a sync delivers them.
  for (const auto& log : orders(everything(*a))) {
    auto c = node(2);
    c->join(*net);
    auto r = c->replica().ingest_batch(log, kT0 + 3 * kMinute);
    ASSERT_TRUE(r);
    auto me = c->replica().directory().member(*net, c->key());
    ASSERT_TRUE(me);
    ASSERT_TRUE(me->has_value()) << "admitted (batch)";
    EXPECT_EQ(*c->store().object_count(*net), *a->store().object_count(*net));
    // Then the newcomer publishes its own prekeys, as `tumar join` does.
    PrekeyKeeper mine(c->replica(), c->me(), c->rng());
    auto w = mine.ensure(*net, kT0 + 4 * kMinute);
    ASSERT_TRUE(w) << w.error().describe();
    EXPECT_TRUE(w->has_value());
    ASSERT_TRUE(c->replica().directory().member(*net, c->key())->has_value()) << "still admitted";
    EXPECT_EQ(*c->store().object_count(*net), *a->store().object_count(*net) + 1);
  }
}

// Skipped keys are bounded in time (core/ratchet/skipped_keys.hpp): the
// periodic sweep deletes them from stored sessions that no message touches
// again, together with the DIRECT objects past their own lifetime.
TEST_F(MessengerTest, ASkippedKeyIsDeletedAfterItsLifetimeEvenInASessionNoMessageTouches) {
  const Written first = send(*a_, *b_, "one", kT1);
  (void)send(*a_, *b_, "two, delayed", kT1 + 1);
  const Written third = send(*a_, *b_, "three", kT1 + 2);
  Log arrived = first.envelopes;
  append(arrived, third.envelopes);
  feed(*b_, arrived, kT1 + 3);
  ASSERT_EQ(receive(*b_, kT1 + 4).received, 2u);  // the second's key is skipped now, at kT1 + 4
  const auto skipped = [&] {
    auto all = SessionStore(b_->db()).all(net_);
    EXPECT_TRUE(all && all->size() == 1);
    return all && all->size() == 1 ? all->front().session.state().skipped.size() : 0;
  };
  ASSERT_EQ(skipped(), 1u);

  auto early = expire_direct_metadata(b_->store(), b_->key(), kT1 + 4 + ratchet::kSkippedKeyLifetimeMs - 1);
  ASSERT_TRUE(early) << early.error().describe();
  EXPECT_EQ(early->skipped_keys, 0u);
  EXPECT_EQ(skipped(), 1u);
  // The DIRECT objects went at 30 days; the key waits a day longer.
  EXPECT_EQ(early->objects.size(), 2u);
  EXPECT_FALSE(*b_->store().has_object(first.id));
  auto late = expire_direct_metadata(b_->store(), b_->key(), kT1 + 4 + ratchet::kSkippedKeyLifetimeMs);
  ASSERT_TRUE(late) << late.error().describe();
  EXPECT_EQ(late->skipped_keys, 1u);
  EXPECT_EQ(skipped(), 0u);
  // The history Bota kept is hers to delete: the lifetime is the carried envelope's.
  EXPECT_EQ(history(*b_).size(), 2u);
}

}  // namespace
}  // namespace tumar::direct
