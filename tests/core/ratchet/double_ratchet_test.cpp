// The four required properties of the Double Ratchet, word for word,
// and its bounds: (1) forward secrecy, (2) post-compromise security, (3) 1,000
// messages shuffled with 10% duplicates decrypt exactly once each, (4) tampered
// or truncated messages are rejected and leave the state unchanged.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "tests/core/ratchet/ratchet_harness.hpp"
#include "tumar/ratchet.pb.h"

namespace tumar::ratchet::test {
namespace {

// Every 32-byte secret a stored state holds.
std::vector<Key> secrets_in(const RatchetSession& s) {
  const auto snap = snapshot(s);
  proto::RatchetSessionState m;
  EXPECT_TRUE(m.ParseFromArray(snap.data(), static_cast<int>(snap.size())));
  std::vector<Key> out;
  auto add = [&](const std::string& b) {
    if (b.size() == kKeyLen) {
      out.push_back(Key::copy_of(std::span<const std::uint8_t, kKeyLen>(
          reinterpret_cast<const std::uint8_t*>(b.data()), kKeyLen)));
    }
  };
  for (const auto* b : {&m.root_key(), &m.dh_self_private(), &m.chain_send(), &m.chain_recv(), &m.header_send(),
                        &m.header_recv(), &m.next_header_send(), &m.next_header_recv()}) {
    add(*b);
  }
  for (const auto& c : m.skipped()) {
    add(c.header_key());
    for (const auto& k : c.keys()) add(k.message_key());
  }
  return out;
}

// Whether `key`, used as a message key or as a chain key ratcheted forward up
// to 50 steps, opens the body of `message`.
bool key_opens(const Key& key, const AssociatedData& ad, const Bytes& message) {
  const auto p = parse_message(message);
  Bytes out(p->body.size() - kAeadTagLen);
  if (open_body(key, {ad, p->prefix, kAd}, p->body, out)) return true;
  Key ck = Key::copy_of(key.span());
  for (int i = 0; i < 50; ++i) {
    Key mk;
    kdf_ck(ck, mk);
    if (open_body(mk, {ad, p->prefix, kAd}, p->body, out)) return true;
  }
  return false;
}

TEST(DoubleRatchet, ForwardSecrecyCurrentStateCannotDecryptEarlierMessages) {
  Conversation c(1);
  std::vector<Bytes> all;  // every ciphertext of the conversation, both directions
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 3; ++i) {
      all.push_back(c.send(c.alice, "a" + std::to_string(round) + std::to_string(i)));
      ASSERT_TRUE(c.bob.decrypt(all.back(), kAd, kNow));
    }
    for (int i = 0; i < 2; ++i) {
      all.push_back(c.send(c.bob, "b" + std::to_string(round) + std::to_string(i)));
      ASSERT_TRUE(c.alice.decrypt(all.back(), kAd, kNow));
    }
  }
  for (auto* party : {&c.alice, &c.bob}) {
    // Through the API: a copy of the current state decrypts none of them.
    for (const auto& m : all) {
      auto stolen = copy_of(*party);
      EXPECT_FALSE(stolen.decrypt(m, kAd, kNow)) << "an earlier message decrypted with the current state";
    }
    // Below the API: no key the state holds opens any earlier body, whether
    // used as a message key or as a chain key ratcheted forward.
    const auto keys = secrets_in(*party);
    ASSERT_FALSE(keys.empty());
    for (const auto& m : all) {
      for (const auto& k : keys) EXPECT_FALSE(key_opens(k, party->state().ad, m));
    }
  }
}

TEST(DoubleRatchet, PostCompromiseSecurityThiefReadsNothingAfterOneRoundTrip) {
  Conversation c(2);
  c.round_trip();
  auto thief = copy_of(c.alice);  // Alice's whole state is stolen here
  auto thief_following = copy_of(c.alice);

  // Before healing the thief can read (the test would prove nothing otherwise).
  auto a1 = c.send(c.alice, "a1");
  ASSERT_TRUE(c.bob.decrypt(a1, kAd, kNow));
  auto b1 = c.send(c.bob, "b1");
  ASSERT_EQ(text(*c.alice.decrypt(b1, kAd, kNow)), "b1");
  ASSERT_EQ(text(*thief_following.decrypt(b1, kAd, kNow)), "b1");

  // One round trip of new messages: Alice's next send uses a fresh ratchet key.
  auto a2 = c.send(c.alice, "a2");
  ASSERT_TRUE(c.bob.decrypt(a2, kAd, kNow));
  for (int i = 0; i < 3; ++i) {
    auto b = c.send(c.bob, "secret" + std::to_string(i));
    ASSERT_TRUE(c.alice.decrypt(b, kAd, kNow));
    EXPECT_FALSE(thief.decrypt(b, kAd, kNow));
    EXPECT_FALSE(thief_following.decrypt(b, kAd, kNow));
    for (const auto& k : secrets_in(thief_following)) EXPECT_FALSE(key_opens(k, c.alice.state().ad, b));
  }
  auto a3 = c.send(c.alice, "a3");
  ASSERT_TRUE(c.bob.decrypt(a3, kAd, kNow));
  for (const auto& k : secrets_in(thief_following)) EXPECT_FALSE(key_opens(k, c.alice.state().ad, a3));
}

TEST(DoubleRatchet, ThousandShuffledWithTenPercentDuplicatesDecryptExactlyOnce) {
  Conversation c(3);
  c.round_trip();
  std::vector<Bytes> sent;
  for (int i = 0; i < 1000; ++i) sent.push_back(c.send(c.alice, "m" + std::to_string(i)));
  std::vector<std::size_t> order(1000);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 prng(42);
  for (int d = 0; d < 100; ++d) order.push_back(prng() % 1000);  // 10% duplicates
  std::shuffle(order.begin(), order.end(), prng);

  std::map<std::size_t, int> decrypted;
  int refused = 0;
  for (std::size_t i : order) {
    auto pt = c.bob.decrypt(sent[i], kAd, kNow);
    if (pt) {
      EXPECT_EQ(text(*pt), "m" + std::to_string(i));
      ++decrypted[i];
    } else {
      EXPECT_EQ(pt.error().code(), core::Errc::kRefused);
      ++refused;
    }
  }
  EXPECT_EQ(decrypted.size(), 1000u);
  for (const auto& [i, n] : decrypted) EXPECT_EQ(n, 1) << "message " << i;
  EXPECT_EQ(refused, 100);
  EXPECT_EQ(c.bob.state().skipped.size(), 0u);  // every skipped key was used, and deleted
}

void expect_rejected_unchanged(RatchetSession& s, const Bytes& m, const Bytes& ad = kAd) {
  const auto before = snapshot(s);
  EXPECT_FALSE(s.decrypt(m, ad, kNow));
  EXPECT_EQ(snapshot(s), before);
}

// Every single-byte flip, every truncation, an extension and a wrong AD.
void tamper_all_ways(RatchetSession& s, const Bytes& good) {
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    expect_rejected_unchanged(s, bad);
  }
  for (std::size_t len = 0; len < good.size(); ++len) expect_rejected_unchanged(s, Bytes(good.begin(), good.begin() + len));
  Bytes longer = good;
  longer.push_back(0);
  expect_rejected_unchanged(s, longer);
  expect_rejected_unchanged(s, good, bytes("other-network"));
}

TEST(DoubleRatchet, TamperedOrTruncatedRejectedAndStateUnchanged) {
  Conversation c(4);
  c.round_trip();
  // A message in the current receiving chain.
  auto same_chain = c.send(c.alice, "same chain");
  tamper_all_ways(c.bob, same_chain);
  EXPECT_EQ(text(*c.bob.decrypt(same_chain, kAd, kNow)), "same chain");
  // A message whose key waits in the skipped store.
  auto skipped = c.send(c.alice, "skipped");
  auto later = c.send(c.alice, "later");
  ASSERT_TRUE(c.bob.decrypt(later, kAd, kNow));
  tamper_all_ways(c.bob, skipped);
  EXPECT_EQ(text(*c.bob.decrypt(skipped, kAd, kNow)), "skipped");
  // A message that starts a new DH ratchet step.
  auto step = c.send(c.bob, "new ratchet key");
  tamper_all_ways(c.alice, step);
  EXPECT_EQ(text(*c.alice.decrypt(step, kAd, kNow)), "new ratchet key");
  // Replays of all three: rejected, state unchanged.
  expect_rejected_unchanged(c.bob, same_chain);
  expect_rejected_unchanged(c.bob, skipped);
  expect_rejected_unchanged(c.alice, step);
}

// A carrier's altered copy of an initial message, once the session it
// belongs to exists: the copy reaches RatchetSession::decrypt (its ratchet
// header still opens), so the body's AEAD must cover the type byte and the
// sealed X3DH header. Every variant is refused and the state stays byte-identical.
void tamper_initial_all_ways(RatchetSession& s, const Bytes& good) {
  ASSERT_EQ(good[0], static_cast<std::uint8_t>(MessageType::kInitial));
  tamper_all_ways(s, good);  // includes every byte of the sealed X3DH header
  // Strip the X3DH header and retype as normal: the same ratchet header and body.
  Bytes stripped{static_cast<std::uint8_t>(MessageType::kNormal)};
  stripped.insert(stripped.end(), good.begin() + kTypeLen + kX3dhSealedLen, good.end());
  ASSERT_TRUE(parse_message(stripped));
  ASSERT_TRUE(s.recognizes(stripped)) << "the copy reaches decrypt; only the body AD can refuse it";
  expect_rejected_unchanged(s, stripped);
  // Every other type byte on the unchanged bytes.
  for (const std::uint8_t type : {std::uint8_t{0x01}, std::uint8_t{0x02}, std::uint8_t{0x03}, std::uint8_t{0x81}}) {
    if (type == good[0]) continue;
    Bytes retyped = good;
    retyped[0] = type;
    expect_rejected_unchanged(s, retyped);
  }
}

TEST(DoubleRatchet, TamperedInitialMessagesRefusedOnceTheSessionExists) {
  Members m(12);
  auto alice = *start_session(m.alice, *verify_bundle(m.bundle), m.rng);
  std::vector<Bytes> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(*alice.encrypt(bytes("i" + std::to_string(i)), kAd, m.rng));
  auto accepted = accept_initial(m.bob, m.spks, m.opks, sent[0], kAd, kNow);
  ASSERT_TRUE(accepted);
  RatchetSession bob = std::move(accepted->session);
  // Current receiving chain (i1), a later one that leaves i2's key skipped (i3), then the skipped key.
  tamper_initial_all_ways(bob, sent[1]);
  EXPECT_EQ(text(*bob.decrypt(sent[1], kAd, kNow)), "i1");
  ASSERT_EQ(text(*bob.decrypt(sent[3], kAd, kNow)), "i3");
  tamper_initial_all_ways(bob, sent[2]);
  // An X3DH header swapped in from another of Alice's initial messages.
  Bytes swapped = sent[2];
  std::copy(sent[0].begin() + kTypeLen, sent[0].begin() + kTypeLen + kX3dhSealedLen, swapped.begin() + kTypeLen);
  ASSERT_NE(swapped, sent[2]);
  expect_rejected_unchanged(bob, swapped);
  EXPECT_EQ(text(*bob.decrypt(sent[2], kAd, kNow)), "i2");
  // A normal message cannot be passed off as an initial one either: Bob's
  // reply retyped 0x01 with Alice's sealed header put in front of it.
  auto reply = *bob.encrypt(bytes("hi"), kAd, m.rng);
  Bytes dressed{static_cast<std::uint8_t>(MessageType::kInitial)};
  dressed.insert(dressed.end(), sent[0].begin() + kTypeLen, sent[0].begin() + kTypeLen + kX3dhSealedLen);
  dressed.insert(dressed.end(), reply.begin() + kTypeLen, reply.end());
  ASSERT_TRUE(parse_message(dressed));
  expect_rejected_unchanged(alice, dressed);
  const auto back = alice.decrypt(reply, kAd, kNow);
  ASSERT_TRUE(back);
  EXPECT_EQ(text(*back), "hi");
}

TEST(DoubleRatchet, OutOfOrderAcrossDhRatchetSteps) {
  Conversation c(5);
  std::vector<std::pair<Bytes, std::string>> to_bob;
  for (int step = 0; step < 3; ++step) {
    for (int i = 0; i < 3; ++i) {
      std::string s = "s" + std::to_string(step) + "m" + std::to_string(i);
      to_bob.emplace_back(c.send(c.alice, s), s);
    }
    // Bob answers the one message of the step he got; Alice's next step ratchets.
    ASSERT_TRUE(c.bob.decrypt(to_bob.back().first, kAd, kNow));
    to_bob.pop_back();
    ASSERT_TRUE(c.alice.decrypt(c.send(c.bob, "ok"), kAd, kNow));
  }
  std::mt19937 prng(7);
  std::shuffle(to_bob.begin(), to_bob.end(), prng);
  for (const auto& [m, s] : to_bob) EXPECT_EQ(text(*c.bob.decrypt(m, kAd, kNow)), s);
  EXPECT_EQ(c.bob.state().skipped.size(), 0u);
}

TEST(DoubleRatchet, InitialMessagesOutOfOrderAndDuplicated) {
  Members m(6);
  auto alice = *start_session(m.alice, *verify_bundle(m.bundle), m.rng);
  std::vector<Bytes> sent;
  for (int i = 0; i < 4; ++i) sent.push_back(*alice.encrypt(bytes("i" + std::to_string(i)), kAd, m.rng));
  for (const auto& s : sent) EXPECT_EQ(s[0], static_cast<std::uint8_t>(MessageType::kInitial));
  auto accepted = accept_initial(m.bob, m.spks, m.opks, sent[2], kAd, kNow);  // the third arrives first
  ASSERT_TRUE(accepted);
  EXPECT_EQ(text(accepted->plaintext), "i2");
  EXPECT_EQ(accepted->used_one_time_prekey, std::optional<std::uint32_t>(101));
  EXPECT_EQ(accepted->sender.identity().identity_key, m.alice.public_identity().identity_key);
  std::vector<RatchetSession> sessions;
  sessions.push_back(std::move(accepted->session));
  const RatchetSession* ptrs[] = {&sessions[0]};
  for (int i : {0, 3, 1}) {
    auto route = route_message(ptrs, sent[i]);
    ASSERT_TRUE(route);
    ASSERT_EQ(route->route, Route::kSession);
    EXPECT_EQ(text(*sessions[0].decrypt(sent[i], kAd, kNow)), "i" + std::to_string(i));
  }
  // A duplicate is routed to the session, which refuses it unchanged.
  ASSERT_EQ(route_message(ptrs, sent[2])->route, Route::kSession);
  expect_rejected_unchanged(sessions[0], sent[2]);
  // Bob answers; Alice's messages become normal ones.
  auto reply = *sessions[0].encrypt(bytes("hi"), kAd, m.rng);
  EXPECT_EQ(reply[0], static_cast<std::uint8_t>(MessageType::kNormal));
  EXPECT_TRUE(alice.awaiting_reply());
  ASSERT_TRUE(alice.decrypt(reply, kAd, kNow));
  EXPECT_FALSE(alice.awaiting_reply());
  EXPECT_EQ((*alice.encrypt(bytes("x"), kAd, m.rng))[0], static_cast<std::uint8_t>(MessageType::kNormal));
}

TEST(DoubleRatchet, MaxSkipExceededRejectedStateUnchanged) {
  Conversation c(7);
  c.round_trip();  // Bob's receiving chain is at Nr = 1
  std::vector<Bytes> sent;
  for (std::uint32_t i = 0; i <= kMaxSkip + 1; ++i) sent.push_back(c.send(c.alice, "m"));
  // sent[k] has N = k + 1; Bob would skip N - Nr = k keys.
  const auto before = snapshot(c.bob);
  auto too_far = c.bob.decrypt(sent[kMaxSkip + 1], kAd, kNow);
  ASSERT_FALSE(too_far);
  EXPECT_EQ(too_far.error().code(), core::Errc::kLimit);
  EXPECT_EQ(snapshot(c.bob), before);
  ASSERT_TRUE(c.bob.decrypt(sent[kMaxSkip], kAd, kNow));  // exactly kMaxSkip skipped: allowed
  EXPECT_EQ(c.bob.state().skipped.size(), kMaxSkip);
}

TEST(DoubleRatchet, MaxSkipAppliesToThePreviousChainToo) {
  Conversation c(8);
  c.round_trip();
  for (std::uint32_t i = 0; i <= kMaxSkip + 1; ++i) (void)c.send(c.alice, "lost");
  ASSERT_TRUE(c.alice.decrypt(c.send(c.bob, "b"), kAd, kNow));
  auto next_chain = c.send(c.alice, "new chain");  // PN = kMaxSkip + 3, Bob's Nr = 1
  const auto before = snapshot(c.bob);
  auto r = c.bob.decrypt(next_chain, kAd, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  EXPECT_EQ(snapshot(c.bob), before);
}

TEST(DoubleRatchet, TotalSkippedKeysCappedOldestDeletedFirst) {
  Conversation c(9);
  c.round_trip();
  std::vector<std::vector<Bytes>> chains;
  for (int chain = 0; chain < 3; ++chain) {
    const std::uint32_t n = chain < 2 ? kMaxSkip : 10;
    std::vector<Bytes> sent;
    for (std::uint32_t i = 0; i <= n; ++i) sent.push_back(c.send(c.alice, "c" + std::to_string(chain)));
    ASSERT_TRUE(c.bob.decrypt(sent.back(), kAd, kNow));  // skips n keys
    ASSERT_TRUE(c.alice.decrypt(c.send(c.bob, "b"), kAd, kNow));
    chains.push_back(std::move(sent));
  }
  EXPECT_EQ(c.bob.state().skipped.size(), kMaxSkippedKeys);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(c.bob.decrypt(chains[0][i], kAd, kNow)) << i;  // the 10 oldest are gone
  EXPECT_TRUE(c.bob.decrypt(chains[0][10], kAd, kNow));
  EXPECT_TRUE(c.bob.decrypt(chains[1][0], kAd, kNow));
  EXPECT_TRUE(c.bob.decrypt(chains[2][0], kAd, kNow));
}

TEST(DoubleRatchet, RouteMessageFindsTheSessionOrRefuses) {
  Conversation c1(10), c2(11);
  c1.round_trip();
  c2.round_trip();
  const RatchetSession* bobs[] = {nullptr, &c1.bob, &c2.bob};
  auto to_c2 = c2.send(c2.alice, "x");
  auto route = route_message(bobs, to_c2);
  ASSERT_TRUE(route);
  EXPECT_EQ(route->route, Route::kSession);
  EXPECT_EQ(route->index, 2u);
  auto stray = c1.send(c1.bob, "to alice, not bob");
  EXPECT_FALSE(route_message(bobs, stray));
  EXPECT_FALSE(route_message(bobs, Bytes{0x02, 0x00}));
}

}  // namespace
}  // namespace tumar::ratchet::test
