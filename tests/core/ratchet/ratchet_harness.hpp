#pragma once
// Two members with prekeys and a started conversation, for the ratchet tests.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/direct_message.hpp"
#include "core/ratchet/session_codec.hpp"

namespace tumar::ratchet::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string text(const crypto::SecretBuffer& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}
// The session's full state as bytes (secrets in a vector: tests only).
inline Bytes snapshot(const RatchetSession& s) {
  const auto b = encode_session(s);
  return Bytes(b.data(), b.data() + b.size());
}
inline RatchetSession copy_of(const RatchetSession& s) { return *decode_session(snapshot(s)); }

inline const Bytes kAd = bytes("network-id");
// The time the tests' sessions decrypt at (Unix ms): skipped keys are stamped with it.
inline constexpr std::uint64_t kNow = 1'700'000'000'000;

struct Members {
  explicit Members(std::uint64_t seed, bool with_one_time_prekey = true)
      : rng(seed),
        alice(identity::LocalIdentity::generate(rng)),
        bob(identity::LocalIdentity::generate(rng)) {
    spks.push_back(generate_signed_prekey(bob, 7, rng));
    opks = generate_one_time_prekeys(100, 3, rng);
    bundle.identity = bob.public_identity();
    bundle.signed_prekey = spks[0].pub;
    if (with_one_time_prekey) bundle.one_time_prekey = opks[1].pub;
  }
  crypto::DeterministicRandom rng;
  identity::LocalIdentity alice, bob;
  std::vector<SignedPrekeyPair> spks;
  std::vector<OneTimePrekeyPair> opks;
  PrekeyBundle bundle;
};

// Alice starts a session and sends "hello"; Bob accepts it.
struct Conversation {
  explicit Conversation(std::uint64_t seed, bool with_one_time_prekey = true)
      : m(seed, with_one_time_prekey), alice(start()), bob(accept()) {}

  RatchetSession start() { return *start_session(m.alice, *verify_bundle(m.bundle), m.rng); }
  RatchetSession accept() {
    auto first = *alice.encrypt(bytes("hello"), kAd, m.rng);
    auto accepted = accept_initial(m.bob, m.spks, m.opks, first, kAd, kNow);
    EXPECT_TRUE(accepted.has_value());
    EXPECT_EQ(text(accepted->plaintext), "hello");
    return std::move(accepted->session);
  }
  Bytes send(RatchetSession& from, std::string_view msg) { return *from.encrypt(bytes(msg), kAd, m.rng); }
  // One round trip, so Alice's later messages are normal (not initial) ones.
  void round_trip() {
    auto b = send(bob, "reply");
    ASSERT_EQ(text(*alice.decrypt(b, kAd, kNow)), "reply");
    auto a = send(alice, "ack");
    ASSERT_EQ(text(*bob.decrypt(a, kAd, kNow)), "ack");
  }

  Members m;
  RatchetSession alice;
  RatchetSession bob;
};

}  // namespace tumar::ratchet::test
