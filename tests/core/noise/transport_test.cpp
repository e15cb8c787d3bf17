// Transport after tumar's handshake: sealing into frames, rejection of
// replayed / reordered / truncated / altered messages, deterministic rekey and
// the nonce limit.

#include "core/noise/transport.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/noise/frame.hpp"
#include "noise_harness.hpp"

namespace tumar::noise {
namespace {

using test::Bytes;

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// The body of a single frame produced by seal().
Bytes body_of(const Bytes& frame) {
  EXPECT_GE(frame.size(), kFrameHeaderLen);
  EXPECT_EQ((std::size_t{frame[0]} << 8 | frame[1]), frame.size() - kFrameHeaderLen);
  return Bytes(frame.begin() + kFrameHeaderLen, frame.end());
}

Bytes seal(Transport& t, const Bytes& plaintext) {
  Bytes frame;
  auto r = t.seal(plaintext, frame);
  EXPECT_TRUE(r) << (r ? "" : r.error().describe());
  return body_of(frame);
}

class TransportTest : public ::testing::Test {
 protected:
  crypto::DeterministicRandom rng{5};
  identity::LocalIdentity alice = identity::LocalIdentity::generate(rng);
  identity::LocalIdentity bob = identity::LocalIdentity::generate(rng);
};

TEST_F(TransportTest, BothDirectionsRoundTrip) {
  auto [a, b] = test::transports(alice, bob, rng);
  for (int i = 0; i < 5; ++i) {
    auto m = b.open(seal(a, text("to bob " + std::to_string(i))));
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, text("to bob " + std::to_string(i)));
    auto n = a.open(seal(b, text("to alice")));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, text("to alice"));
  }
  EXPECT_EQ(a.sent(), 5u);
  EXPECT_EQ(b.received(), 5u);
}

TEST_F(TransportTest, EmptyAndMaximumPlaintexts) {
  auto [a, b] = test::transports(alice, bob, rng);
  auto e = b.open(seal(a, {}));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->empty());
  const Bytes max(kMaxPlaintextLen, 0x5A);
  Bytes frame;
  ASSERT_TRUE(a.seal(max, frame));
  EXPECT_EQ(frame.size(), kFrameHeaderLen + kMaxFrameLen);
  auto m = b.open(body_of(frame));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, max);
}

TEST_F(TransportTest, OversizedPlaintextIsRefusedWithoutSideEffects) {
  auto [a, b] = test::transports(alice, bob, rng);
  Bytes frame = {0xEE};
  auto r = a.seal(Bytes(kMaxPlaintextLen + 1), frame);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  EXPECT_EQ(frame, Bytes{0xEE});
  EXPECT_EQ(a.sent(), 0u);
  EXPECT_FALSE(a.failed());
  EXPECT_TRUE(b.open(seal(a, text("still fine"))));
}

TEST_F(TransportTest, ReplayIsRejectedAndPoisonsTheSession) {
  auto [a, b] = test::transports(alice, bob, rng);
  const Bytes m1 = seal(a, text("one"));
  ASSERT_TRUE(b.open(m1));
  auto replay = b.open(m1);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code(), core::Errc::kProtocol);
  EXPECT_TRUE(b.failed());
  // A genuine next message is refused too: same error, keys are gone.
  auto next = b.open(seal(a, text("two")));
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().describe(), replay.error().describe());
  Bytes frame;
  auto send = b.seal(text("reply"), frame);
  ASSERT_FALSE(send);
  EXPECT_EQ(send.error().describe(), replay.error().describe());
}

TEST_F(TransportTest, ReorderedTruncatedAndAlteredMessagesAreRejected) {
  {
    auto [a, b] = test::transports(alice, bob, rng);
    const Bytes m1 = seal(a, text("one"));
    const Bytes m2 = seal(a, text("two"));
    EXPECT_FALSE(b.open(m2));  // m2 before m1
  }
  {
    auto [a, b] = test::transports(alice, bob, rng);
    Bytes m = seal(a, text("hello"));
    m.pop_back();
    EXPECT_FALSE(b.open(m));
  }
  {
    auto [a, b] = test::transports(alice, bob, rng);
    EXPECT_FALSE(b.open(Bytes(kTagLen - 1, 0)));  // shorter than a tag
  }
  const Bytes original = [&] {
    auto [a, b] = test::transports(alice, bob, rng);
    return seal(a, text("hello"));
  }();
  for (std::size_t i = 0; i < original.size(); ++i) {
    crypto::DeterministicRandom same(77);
    auto [a, b] = test::transports(alice, bob, same);
    Bytes m = seal(a, text("hello"));
    m[i] ^= 0x20;
    EXPECT_FALSE(b.open(m)) << "altered byte " << i;
  }
}

TEST_F(TransportTest, RekeyHappensAtTheSameMessageOnBothSidesAndTrafficContinues) {
  // Real traffic across the first boundary in both directions, no test seam.
  auto [a, b] = test::transports(alice, bob, rng);
  const std::uint64_t total = kRekeyInterval + 3;
  for (std::uint64_t i = 0; i < total; ++i) {
    Bytes frame;
    ASSERT_TRUE(a.seal(text("x"), frame));
    auto m = b.open(body_of(frame));
    ASSERT_TRUE(m) << "message " << i;
  }
  for (std::uint64_t i = 0; i < total; ++i) {
    Bytes frame;
    ASSERT_TRUE(b.seal(text("y"), frame));
    ASSERT_TRUE(a.open(body_of(frame))) << "message " << i;
  }
  EXPECT_EQ(a.sent(), total);
  EXPECT_EQ(a.received(), total);
}

TEST_F(TransportTest, RekeyChangesTheKeyExactlyAfterEveryInterval) {
  // Two sessions with identical keys (same seed). Move both to just before
  // the second boundary; the ciphertexts agree with a model that rekeys after
  // message 2*kRekeyInterval-1 and not before.
  crypto::DeterministicRandom r1(11), r2(11);
  auto [a, b] = test::transports(alice, bob, r1);
  auto [ref_a, ref_b_unused] = test::transports(alice, bob, r2);
  const std::uint64_t start = 2 * kRekeyInterval - 2;
  TransportTestAccess::set_nonces(a, start, 0);
  TransportTestAccess::set_nonces(b, 0, start);
  CipherState& model = TransportTestAccess::send_cipher(ref_a);  // no automatic rekey
  model.set_nonce(start);

  auto model_encrypt = [&model](const Bytes& pt) {
    Bytes ct(pt.size() + kTagLen);
    EXPECT_TRUE(model.encrypt_with_ad({}, pt, ct));
    return ct;
  };
  // nonce 2^17-2 and 2^17-1: same key as the model
  for (int i = 0; i < 2; ++i) {
    const Bytes m = seal(a, text("m"));
    EXPECT_EQ(m, model_encrypt(text("m")));
    ASSERT_TRUE(b.open(m));
  }
  // nonce 2^17: the sender has rekeyed; an un-rekeyed model differs ...
  const Bytes after = seal(a, text("m"));
  Bytes no_rekey = model_encrypt(text("m"));
  EXPECT_NE(after, no_rekey);
  // ... and the same model, rekeyed once at the boundary, matches.
  model.set_nonce(2 * kRekeyInterval);
  model.rekey();
  EXPECT_EQ(after, model_encrypt(text("m")));
  // The receiver rekeyed at the same message.
  auto opened = b.open(after);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, text("m"));
}

TEST_F(TransportTest, NonceLimitRefusesToEncrypt) {
  auto [a, b] = test::transports(alice, bob, rng);
  TransportTestAccess::set_nonces(a, kReservedNonce - 1, 0);
  TransportTestAccess::set_nonces(b, 0, kReservedNonce - 1);
  const Bytes last = seal(a, text("last"));  // nonce 2^64-2: the last one
  ASSERT_TRUE(b.open(last));
  Bytes frame;
  auto r = a.seal(text("one too many"), frame);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  EXPECT_TRUE(frame.empty());
  EXPECT_TRUE(a.failed());
  auto again = a.seal(text("x"), frame);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().describe(), r.error().describe());
  // The receiver at the limit refuses too.
  auto rx = b.open(Bytes(kTagLen + 1, 0));
  ASSERT_FALSE(rx);
  EXPECT_EQ(rx.error().code(), core::Errc::kLimit);
}

TEST_F(TransportTest, FramesThroughTheDecoderInOddChunks) {
  auto [a, b] = test::transports(alice, bob, rng);
  Bytes wire;
  std::vector<Bytes> sent;
  for (std::size_t n : {0u, 1u, 100u, 5000u, 3u}) {
    sent.push_back(Bytes(n, static_cast<std::uint8_t>(n)));
    ASSERT_TRUE(a.seal(sent.back(), wire));
  }
  FrameDecoder dec;
  std::vector<Bytes> got;
  for (std::size_t at = 0; at < wire.size();) {
    const std::size_t chunk = std::min<std::size_t>(wire.size() - at, 1 + (at * 31) % 977);
    std::span<const std::uint8_t> in(wire.data() + at, chunk);
    at += chunk;
    while (!in.empty()) {
      auto f = dec.next(in);
      ASSERT_TRUE(f);
      if (*f) {
        auto m = b.open(**f);
        ASSERT_TRUE(m);
        got.push_back(std::move(*m));
      }
    }
  }
  EXPECT_EQ(got, sent);
}

TEST_F(TransportTest, CloseWipesAndRefuses) {
  auto [a, b] = test::transports(alice, bob, rng);
  a.close();
  Bytes frame;
  EXPECT_FALSE(a.seal(text("x"), frame));
  EXPECT_TRUE(a.failed());
}

}  // namespace
}  // namespace tumar::noise
