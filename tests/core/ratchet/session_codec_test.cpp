// Sessions to bytes and back: a round trip keeps the conversation going;
// malformed, truncated, non-canonical or inconsistent state is refused.

#include <gtest/gtest.h>

#include <functional>

#include "tests/core/ratchet/ratchet_harness.hpp"
#include "tumar/ratchet.pb.h"

namespace tumar::ratchet::test {
namespace {

proto::RatchetSessionState as_proto(const RatchetSession& s) {
  const auto snap = snapshot(s);
  proto::RatchetSessionState m;
  EXPECT_TRUE(m.ParseFromArray(snap.data(), static_cast<int>(snap.size())));
  return m;
}
Bytes encode(const proto::RatchetSessionState& m) {
  Bytes out(m.ByteSizeLong());
  EXPECT_TRUE(m.SerializeToArray(out.data(), static_cast<int>(out.size())));
  return out;
}

// Alice's and Bob's states with skipped keys in two chains and initial state.
struct Fixture {
  Fixture() : c(40) {
    c.round_trip();
    auto lost = c.send(c.alice, "lost");
    EXPECT_TRUE(c.bob.decrypt(c.send(c.alice, "after"), kAd, kNow));
    EXPECT_TRUE(c.alice.decrypt(c.send(c.bob, "b"), kAd, kNow));
    (void)c.send(c.alice, "lost 2");
    EXPECT_TRUE(c.bob.decrypt(c.send(c.alice, "after 2"), kAd, kNow));
    pending = std::move(lost);
  }
  Conversation c;
  Bytes pending;
};

TEST(SessionCodec, RoundTripContinuesTheConversation) {
  Fixture f;
  ASSERT_EQ(f.c.bob.state().skipped.chains().size(), 2u);
  for (auto* s : {&f.c.alice, &f.c.bob}) {
    auto copy = decode_session(snapshot(*s));
    ASSERT_TRUE(copy);
    EXPECT_EQ(snapshot(*copy), snapshot(*s));
    *s = std::move(*copy);
  }
  EXPECT_EQ(text(*f.c.bob.decrypt(f.pending, kAd, kNow)), "lost");  // a skipped key survived
  f.c.round_trip();
  // Alice before Bob's reply (pending X3DH header) round-trips too.
  Members m(41);
  auto alice = *start_session(m.alice, *verify_bundle(m.bundle), m.rng);
  auto copy = decode_session(snapshot(alice));
  ASSERT_TRUE(copy);
  EXPECT_TRUE(copy->awaiting_reply());
  auto first = *copy->encrypt(bytes("hello"), kAd, m.rng);
  EXPECT_TRUE(accept_initial(m.bob, m.spks, m.opks, first, kAd, kNow));
}

TEST(SessionCodec, GarbageAndTruncationsRefused) {
  Fixture f;
  const auto good = snapshot(f.c.bob);
  EXPECT_FALSE(decode_session({}));
  for (std::size_t len = 0; len < good.size(); ++len) {
    auto r = decode_session(std::span(good).first(len));
    if (r) ADD_FAILURE() << "truncation to " << len << " accepted";
    else EXPECT_EQ(r.error().code(), core::Errc::kCorrupt);
  }
  Bytes extended = good;
  extended.push_back(0);
  EXPECT_FALSE(decode_session(extended));
  EXPECT_FALSE(decode_session(Bytes(kMaxEncodedSessionSize + 1, 0)));
  for (std::size_t i = 0; i < good.size(); ++i) {  // no flip crashes; most are refused
    Bytes bad = good;
    bad[i] ^= 0x40;
    (void)decode_session(bad);
  }
}

TEST(SessionCodec, InconsistentStatesRefused) {
  Fixture f;
  const auto alice = as_proto(f.c.alice), bob = as_proto(f.c.bob);
  ASSERT_TRUE(decode_session(encode(bob)));
  const std::vector<std::pair<const char*, std::function<void(proto::RatchetSessionState&)>>> breaks = {
      {"version 3", [](auto& m) { m.set_version(3); }},
      {"version 0", [](auto& m) { m.set_version(0); }},
      {"version 1 with a skipped key's time", [](auto& m) { m.set_version(1); }},
      {"short root key", [](auto& m) { m.mutable_root_key()->pop_back(); }},
      {"no root key", [](auto& m) { m.clear_root_key(); }},
      {"short AD", [](auto& m) { m.mutable_associated_data()->pop_back(); }},
      {"no DHr", [](auto& m) { m.clear_dh_remote(); }},
      {"CKs without DHs", [](auto& m) { m.set_chain_send(std::string(32, 'k')); m.clear_dh_self_private(); }},
      {"CKr without HKr", [](auto& m) { m.clear_header_recv(); }},
      {"neither chain", [](auto& m) { m.clear_chain_send(); m.clear_dh_self_private(); m.clear_chain_recv();
                                      m.clear_header_recv(); }},
      {"Bob without CKr", [](auto& m) { m.set_initiator(false); m.clear_chain_recv(); m.clear_header_recv(); }},
      {"pending X3DH on Bob", [](auto& m) { m.set_pending_x3dh_header(std::string(168, 'h')); }},
      {"empty skipped chain", [](auto& m) { m.mutable_skipped(0)->clear_keys(); }},
      {"skipped n not ascending", [](auto& m) { auto* k = m.mutable_skipped(0)->add_keys();
                                                *k = m.skipped(0).keys(0); k->set_seq(m.skipped_next_seq() - 1); }},
      {"seq beyond next_seq", [](auto& m) { m.set_skipped_next_seq(0); }},
      {"duplicate header key", [](auto& m) { *m.add_skipped() = m.skipped(0); }},
      {"skipped key of the current chain ahead of Nr", [](auto& m) { m.set_nr(0); }},
      {"short message key", [](auto& m) { m.mutable_skipped(0)->mutable_keys(0)->mutable_message_key()->pop_back(); }},
      {"too many skipped keys", [](auto& m) {
         auto* c = m.add_skipped();
         c->set_header_key(std::string(32, 'z'));
         for (std::uint32_t i = 0; i <= kMaxSkippedKeys; ++i) {
           auto* k = c->add_keys();
           k->set_n(i);
           k->set_message_key(std::string(32, 'm'));
           k->set_seq(m.skipped_next_seq() + i);
         }
         m.set_skipped_next_seq(m.skipped_next_seq() + kMaxSkippedKeys + 1);
       }},
  };
  for (const auto& [what, change] : breaks) {
    auto m = bob;
    change(m);
    EXPECT_FALSE(decode_session(encode(m))) << what;
  }
  auto pending_on_receiving_alice = alice;
  pending_on_receiving_alice.set_pending_x3dh_header(std::string(168, 'h'));
  EXPECT_FALSE(decode_session(encode(pending_on_receiving_alice)));
  // Unknown fields and non-canonical encodings are refused.
  auto unknown = encode(bob);
  unknown.insert(unknown.end(), {0xa0, 0x06, 0x01});  // field 100, varint 1
  EXPECT_FALSE(decode_session(unknown));
  auto repeated = encode(bob);
  const Bytes ns_again = {0x68, 0x05};  // field 13 (ns) a second time
  repeated.insert(repeated.end(), ns_again.begin(), ns_again.end());
  EXPECT_FALSE(decode_session(repeated));
}

}  // namespace
}  // namespace tumar::ratchet::test
