// tumar's XX handshake between in-memory parties: the happy path, identity
// proof checks against a rogue peer (driven through the generic
// HandshakeState), ordering errors, and malformed input.

#include "core/error_ids.hpp"
#include "core/noise/tumar_handshake.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/noise/handshake_payload.hpp"
#include "core/noise/patterns.hpp"
#include "noise_harness.hpp"
#include "tumar/handshake.pb.h"

namespace tumar::noise {
namespace {

using test::Bytes;

class TumarHandshakeTest : public ::testing::Test {
 protected:
  crypto::DeterministicRandom rng{42};
  identity::LocalIdentity alice = identity::LocalIdentity::generate(rng);
  identity::LocalIdentity bob = identity::LocalIdentity::generate(rng);
  identity::LocalIdentity mallory = identity::LocalIdentity::generate(rng);

  // A raw XX party with tumar's prologue and `who`'s Noise key: it can send
  // any payload, the way a malicious peer would.
  HandshakeState raw(const identity::LocalIdentity& who, Role role, std::string_view prologue = kTumarPrologue) {
    auto hs = HandshakeState::initialize(HandshakeConfig{
        find_pattern("XX"), role,
        std::span(reinterpret_cast<const std::uint8_t*>(prologue.data()), prologue.size()),
        KeyPair::from_private(who.noise_secret().span()), {}, {}, {}});
    EXPECT_TRUE(hs);
    return std::move(*hs);
  }

  // Honest initiator (alice) against a rogue responder that sends `payload`.
  core::Result<HandshakeStep> initiator_meets_rogue(const identity::LocalIdentity& rogue_keys, const Bytes& payload,
                                                    std::string_view rogue_prologue = kTumarPrologue) {
    auto init = TumarHandshake::initiator(alice);
    auto s1 = init.start(rng);
    EXPECT_TRUE(s1);
    HandshakeState rogue = raw(rogue_keys, Role::kResponder, rogue_prologue);
    EXPECT_TRUE(rogue.read_message(*s1->send));
    auto m2 = rogue.write_message(payload, rng);
    EXPECT_TRUE(m2);
    auto out = init.receive(*m2, rng);
    if (!out) {  // once failed, always failed with the same error
      auto again = init.receive(*m2, rng);
      EXPECT_FALSE(again);
      if (!again) {
        EXPECT_EQ(again.error().describe(), out.error().describe());
      }
      EXPECT_TRUE(init.failed());
    }
    return out;
  }

  // Honest responder (bob) against a rogue initiator that sends `payload` in message 3.
  core::Result<HandshakeStep> responder_meets_rogue(const identity::LocalIdentity& rogue_keys, const Bytes& payload) {
    auto resp = TumarHandshake::responder(bob);
    HandshakeState rogue = raw(rogue_keys, Role::kInitiator);
    auto m1 = rogue.write_message({}, rng);
    EXPECT_TRUE(m1);
    auto s2 = resp.receive(*m1, rng);
    EXPECT_TRUE(s2);
    EXPECT_TRUE(rogue.read_message(*s2->send));
    auto m3 = rogue.write_message(payload, rng);
    EXPECT_TRUE(m3);
    return resp.receive(*m3, rng);
  }
};

Bytes proof_payload(const identity::IdentityKey& id, const identity::NoiseKey& noise, const identity::Signature& sig) {
  return encode_handshake_payload(identity::PublicIdentity{id, noise, sig});
}

TEST_F(TumarHandshakeTest, FullHandshakeEstablishesVerifiedPeersBothWays) {
  test::Transcript t;
  auto pair = test::handshake(alice, bob, rng, &t);
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->initiator.peer().identity().identity_key, bob.public_identity().identity_key);
  EXPECT_EQ(pair->initiator.peer().identity().noise_key, bob.public_identity().noise_key);
  EXPECT_EQ(pair->responder.peer().identity().identity_key, alice.public_identity().identity_key);
  EXPECT_EQ(pair->initiator.handshake_hash(), pair->responder.handshake_hash());
  // Wire sizes: e | e, s, proof | s, proof (the canonical payload is 137 bytes).
  EXPECT_EQ(t.m1.size(), kMessage1Len);
  EXPECT_EQ(t.m2.size(), 32u + 48u + kHandshakePayloadV1Len + 16u);
  EXPECT_EQ(t.m2.size(), 233u);
  EXPECT_EQ(t.m3.size(), 48u + kHandshakePayloadV1Len + 16u);
  EXPECT_EQ(t.m3.size(), 201u);
}

TEST_F(TumarHandshakeTest, SameSeedGivesSameTranscript) {
  crypto::DeterministicRandom r1(7), r2(7);
  test::Transcript t1, t2;
  ASSERT_TRUE(test::handshake(alice, bob, r1, &t1));
  ASSERT_TRUE(test::handshake(alice, bob, r2, &t2));
  EXPECT_EQ(t1.m1, t2.m1);
  EXPECT_EQ(t1.m2, t2.m2);
  EXPECT_EQ(t1.m3, t2.m3);
}

TEST_F(TumarHandshakeTest, ResponderPresentingSomeoneElsesProofIsRefused) {
  // Mallory answers with her own Noise key but Bob's complete (valid) proof.
  const auto& b = bob.public_identity();
  auto out = initiator_meets_rogue(mallory, proof_payload(b.identity_key, b.noise_key, b.binding_signature));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kRefused);
  EXPECT_EQ(out.error().id(), core::ErrorId::kNoiseProofOtherKey);
}

TEST_F(TumarHandshakeTest, ResponderClaimingSomeoneElsesIdentityKeyIsRefused) {
  // Bob's identity key and signature, paired with Mallory's (true) Noise key.
  const auto& b = bob.public_identity();
  auto out = initiator_meets_rogue(
      mallory, proof_payload(b.identity_key, mallory.public_identity().noise_key, b.binding_signature));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kRefused);
  EXPECT_EQ(out.error().id(), core::ErrorId::kNoiseProofBadSignature);
}

TEST_F(TumarHandshakeTest, ResponderWithBadSignatureIsRefused) {
  const auto& m = mallory.public_identity();
  auto sig = m.binding_signature;
  sig[10] ^= 0x01;
  auto out = initiator_meets_rogue(mallory, proof_payload(m.identity_key, m.noise_key, sig));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kRefused);
}

TEST_F(TumarHandshakeTest, HonestRogueHarnessIsAccepted) {
  // Control: the same rogue path with Mallory's own valid proof succeeds, so
  // the refusals above are caused by the proofs alone.
  const auto& m = mallory.public_identity();
  auto out = initiator_meets_rogue(mallory, proof_payload(m.identity_key, m.noise_key, m.binding_signature));
  ASSERT_TRUE(out) << out.error().describe();
  ASSERT_TRUE(out->established);
  EXPECT_EQ(out->established->peer().identity().identity_key, m.identity_key);
}

TEST_F(TumarHandshakeTest, InitiatorPresentingSomeoneElsesProofIsRefused) {
  const auto& a = alice.public_identity();
  auto out = responder_meets_rogue(mallory, proof_payload(a.identity_key, a.noise_key, a.binding_signature));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kRefused);
  auto out2 = responder_meets_rogue(
      mallory, proof_payload(a.identity_key, mallory.public_identity().noise_key, a.binding_signature));
  ASSERT_FALSE(out2);
  EXPECT_EQ(out2.error().code(), core::Errc::kRefused);
}

TEST_F(TumarHandshakeTest, DialledIdentityIsCheckedBeforeMessage3RevealsOurs) {
  // Alice dials Bob; Mallory answers with a valid proof of her own.
  auto init = TumarHandshake::initiator(alice, bob.public_identity().identity_key);
  auto s1 = init.start(rng);
  auto resp = TumarHandshake::responder(mallory);
  auto s2 = resp.receive(*s1->send, rng);
  ASSERT_TRUE(s2);
  auto s3 = init.receive(*s2->send, rng);
  ASSERT_FALSE(s3);  // no message 3: Mallory never sees Alice's identity
  EXPECT_EQ(s3.error().code(), core::Errc::kRefused);
  EXPECT_TRUE(init.failed());

  // Dialling the right identity succeeds.
  auto init2 = TumarHandshake::initiator(alice, bob.public_identity().identity_key);
  auto resp2 = TumarHandshake::responder(bob);
  auto t1 = init2.start(rng);
  auto t2 = resp2.receive(*t1->send, rng);
  auto t3 = init2.receive(*t2->send, rng);
  ASSERT_TRUE(t3);
  EXPECT_TRUE(t3->established);
}

TEST_F(TumarHandshakeTest, WrongPrologueFailsAuthentication) {
  const auto& m = mallory.public_identity();
  auto out = initiator_meets_rogue(mallory, proof_payload(m.identity_key, m.noise_key, m.binding_signature),
                                   "tumar/2");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kProtocol);
}

TEST_F(TumarHandshakeTest, MalformedPayloadsAreRefused) {
  const auto& m = mallory.public_identity();
  proto::HandshakePayload with_invite;
  with_invite.mutable_identity()->set_identity_key(std::string(m.identity_key.begin(), m.identity_key.end()));
  with_invite.mutable_identity()->set_noise_static_key(std::string(m.noise_key.begin(), m.noise_key.end()));
  with_invite.mutable_identity()->set_binding_signature(
      std::string(m.binding_signature.begin(), m.binding_signature.end()));
  with_invite.set_invite("secret");
  const std::string invite = with_invite.SerializeAsString();
  Bytes valid = proof_payload(m.identity_key, m.noise_key, m.binding_signature);
  Bytes unknown_field = valid;
  unknown_field.insert(unknown_field.end(), {0x20, 0x01});  // field 4, varint 1 (field 3 is the demo mark)
  Bytes repeated = valid;
  repeated.insert(repeated.end(), valid.begin(), valid.end());  // identity twice (merges in protobuf)
  Bytes short_key = proof_payload(m.identity_key, m.noise_key, m.binding_signature);
  short_key[3] = 31;  // identity_key length 32 → 31: reframes the rest

  for (const Bytes& bad : {Bytes{}, Bytes(invite.begin(), invite.end()), unknown_field, repeated, short_key,
                           Bytes(kMaxHandshakePayloadLen + 1, 0)}) {
    for (PayloadFrom from : {PayloadFrom::kResponder, PayloadFrom::kInitiator}) {
      auto direct = authenticate_peer(m.noise_key, bad, from);
      ASSERT_FALSE(direct);
      EXPECT_EQ(direct.error().code(), core::Errc::kProtocol);
    }
  }
  ASSERT_TRUE(authenticate_peer(m.noise_key, valid, PayloadFrom::kResponder));
  ASSERT_TRUE(authenticate_peer(m.noise_key, valid, PayloadFrom::kInitiator));
  auto via_wire = initiator_meets_rogue(mallory, unknown_field);
  ASSERT_FALSE(via_wire);
  EXPECT_EQ(via_wire.error().code(), core::Errc::kProtocol);
}

TEST_F(TumarHandshakeTest, MessagesOutOfOrderNameExpectedAndArrived) {
  test::Transcript t;
  ASSERT_TRUE(test::handshake(alice, bob, rng, &t));

  auto resp = TumarHandshake::responder(bob);
  auto r = resp.receive(t.m3, rng);  // message 3 first
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
  EXPECT_EQ(r.error().id(), core::ErrorId::kNoiseMessage1Size) << r.error().describe();
  EXPECT_EQ(r.error().field("size"), "201");

  auto init = TumarHandshake::initiator(alice);
  auto before = init.receive(t.m2, rng);  // before start()
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().id(), core::ErrorId::kNoisePeerSentFirst) << before.error().describe();

  auto init2 = TumarHandshake::initiator(alice);
  ASSERT_TRUE(init2.start(rng));
  auto echo = init2.receive(t.m1, rng);  // a reflected message 1
  ASSERT_FALSE(echo);
  EXPECT_EQ(echo.error().id(), core::ErrorId::kNoiseMessage2Size) << echo.error().describe();
  EXPECT_EQ(echo.error().field("size"), "32");

  auto resp2 = TumarHandshake::responder(bob);
  ASSERT_TRUE(resp2.receive(t.m1, rng));
  auto replay = resp2.receive(t.m1, rng);  // message 1 again
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().id(), core::ErrorId::kNoiseMessage3Size) << replay.error().describe();
}

TEST_F(TumarHandshakeTest, ResponderDoesNotStartAndCompleteHandshakeTakesNoMore) {
  auto resp = TumarHandshake::responder(bob);
  auto r = resp.start(rng);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), core::ErrorId::kNoiseStartAsResponder) << r.error().describe();

  auto init = TumarHandshake::initiator(alice);
  auto resp2 = TumarHandshake::responder(bob);
  auto s1 = init.start(rng);
  auto s2 = resp2.receive(*s1->send, rng);
  auto s3 = init.receive(*s2->send, rng);
  ASSERT_TRUE(s3);
  EXPECT_EQ(init.state_name(), "complete");
  auto more = init.receive(*s2->send, rng);
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().id(), core::ErrorId::kNoiseAfterComplete) << more.error().describe();
  auto again = init.start(rng);  // failed stays failed, with the first error
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().describe(), more.error().describe());
}

TEST_F(TumarHandshakeTest, Message1WithPayloadOrLowOrderKeyIsRejected) {
  auto resp = TumarHandshake::responder(bob);
  auto r = resp.receive(Bytes(33, 9), rng);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), core::ErrorId::kNoiseMessage1Size) << r.error().describe();
  EXPECT_EQ(r.error().field("expected"), "32");

  auto resp2 = TumarHandshake::responder(bob);
  auto low = resp2.receive(Bytes(32, 0), rng);  // the all-zero point: ee would be all zero
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code(), core::Errc::kProtocol);
}

TEST_F(TumarHandshakeTest, EveryTruncationAndEveryFlippedByteOfMessage2IsRejected) {
  for (std::size_t len = 0; len < 233; len += 1) {
    auto init = TumarHandshake::initiator(alice);
    auto resp = TumarHandshake::responder(bob);
    auto s1 = init.start(rng);
    auto s2 = resp.receive(*s1->send, rng);
    ASSERT_TRUE(s2);
    ASSERT_EQ(s2->send->size(), 233u);
    Bytes cut(s2->send->begin(), s2->send->begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(init.receive(cut, rng)) << "length " << len;

    auto init2 = TumarHandshake::initiator(alice);
    auto resp2 = TumarHandshake::responder(bob);
    auto t1 = init2.start(rng);
    auto t2 = resp2.receive(*t1->send, rng);
    Bytes flipped = *t2->send;
    flipped[len] ^= 0x80;
    EXPECT_FALSE(init2.receive(flipped, rng)) << "flipped byte " << len;
  }
}

TEST_F(TumarHandshakeTest, EveryFlippedByteOfMessage3IsRejected) {
  for (std::size_t i = 0; i < 201; ++i) {
    auto init = TumarHandshake::initiator(alice);
    auto resp = TumarHandshake::responder(bob);
    auto s1 = init.start(rng);
    auto s2 = resp.receive(*s1->send, rng);
    auto s3 = init.receive(*s2->send, rng);
    ASSERT_TRUE(s3);
    Bytes m3 = *s3->send;
    m3[i] ^= 0x01;
    auto r = resp.receive(m3, rng);
    ASSERT_FALSE(r) << "flipped byte " << i;
    EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
    EXPECT_TRUE(resp.failed());
  }
}

TEST_F(TumarHandshakeTest, GarbageOfManySizesIsRejectedWithoutCrash) {
  crypto::DeterministicRandom junk(99);
  for (std::size_t len : {0u, 1u, 31u, 32u, 33u, 64u, 95u, 96u, 200u, 232u, 608u, 609u, 4096u, 65535u, 70000u}) {
    Bytes g(len);
    junk.fill(g);
    auto init = TumarHandshake::initiator(alice);
    ASSERT_TRUE(init.start(rng));
    EXPECT_FALSE(init.receive(g, rng)) << len;
    auto resp = TumarHandshake::responder(bob);
    auto r1 = resp.receive(g, rng);
    if (len == 32) {
      ASSERT_TRUE(r1);  // any 32 bytes are a plausible ephemeral key
      EXPECT_FALSE(resp.receive(g, rng));
    } else {
      EXPECT_FALSE(r1) << len;
    }
  }
}

}  // namespace
}  // namespace tumar::noise
