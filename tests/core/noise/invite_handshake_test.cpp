// An invite presented inside the handshake (docs/PROTOCOL.md, "Invites"):
// the proof travels in message 3, bound to h, reaches the responder's
// Established unverified, and verifies only with the right secret in the
// handshake it was made for. The sandbox: a joiner closes before message 3
// when the responder announces the other kind of profile, and its proof
// states its own kind under the mac. Rogue peers are driven through the
// generic HandshakeState, as in tumar_handshake_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/error_ids.hpp"
#include "core/invite/invite_code.hpp"
#include "core/invite/invite_proof.hpp"
#include "core/noise/handshake_payload.hpp"
#include "core/noise/patterns.hpp"
#include "core/noise/tumar_handshake.hpp"
#include "noise_harness.hpp"
#include "tumar/handshake.pb.h"

namespace tumar::noise {
namespace {

using test::Bytes;
using Secret32 = crypto::Secret<kInviteSecretLen>;

Secret32 secret_from(std::uint8_t first) {
  std::array<std::uint8_t, kInviteSecretLen> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(first + i);
  return Secret32::copy_of(bytes);
}

InviteCredential credential(const Secret32& secret, ProfileKind kind = ProfileKind::kReal) {
  return InviteCredential{invite::invite_id(secret), Secret32::copy_of(secret.span()), kind};
}

std::string str(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

class InviteHandshakeTest : public ::testing::Test {
 protected:
  crypto::DeterministicRandom rng{42};
  identity::LocalIdentity alice = identity::LocalIdentity::generate(rng);  // joins
  identity::LocalIdentity bob = identity::LocalIdentity::generate(rng);    // the lead
  identity::LocalIdentity mallory = identity::LocalIdentity::generate(rng);
  Secret32 secret = secret_from(0x40);

  struct Run {
    core::Result<HandshakeStep> initiator_end;  // message 2 read, message 3 written
    core::Result<HandshakeStep> responder_end;  // message 3 read
    Bytes m3;
  };

  // Alice dials Bob (pinned) presenting `invite`; Bob's node runs a profile of `bob_kind`.
  Run join(std::optional<InviteCredential> invite, ProfileKind bob_kind = ProfileKind::kReal) {
    auto init = TumarHandshake::initiator(alice, bob.public_identity().identity_key, std::move(invite));
    auto resp = TumarHandshake::responder(bob, bob_kind);
    auto s1 = init.start(rng);
    auto s2 = resp.receive(*s1->send, rng);
    auto s3 = init.receive(*s2->send, rng);
    if (!s3) return Run{std::move(s3), tl::unexpected(cli::sentence_error(core::Errc::kProtocol, "not reached")), {}};
    Bytes m3 = *s3->send;
    auto s4 = resp.receive(m3, rng);
    return Run{std::move(s3), std::move(s4), std::move(m3)};
  }

  HandshakeState raw(const identity::LocalIdentity& who, Role role) {
    auto hs = HandshakeState::initialize(HandshakeConfig{
        find_pattern("XX"), role,
        std::span(reinterpret_cast<const std::uint8_t*>(kTumarPrologue.data()), kTumarPrologue.size()),
        KeyPair::from_private(who.noise_secret().span()), {}, {}, {}});
    EXPECT_TRUE(hs);
    return std::move(*hs);
  }

  // Honest responder (bob) against a rogue initiator whose message 3 payload
  // is make_payload(h before message 3).
  template <typename MakePayload>
  core::Result<HandshakeStep> responder_meets_rogue(const identity::LocalIdentity& rogue_keys,
                                                    MakePayload make_payload) {
    auto resp = TumarHandshake::responder(bob);
    HandshakeState rogue = raw(rogue_keys, Role::kInitiator);
    auto m1 = rogue.write_message({}, rng);
    EXPECT_TRUE(m1);
    auto s2 = resp.receive(*m1, rng);
    EXPECT_TRUE(s2);
    EXPECT_TRUE(rogue.read_message(*s2->send));
    const Bytes payload = make_payload(rogue.handshake_hash());
    auto m3 = rogue.write_message(payload, rng);
    EXPECT_TRUE(m3);
    return resp.receive(*m3, rng);
  }

  // Mallory's own valid identity proof, with `invite_field` as the invite.
  Bytes mallory_payload_with_invite_field(const std::string& invite_field) {
    const auto& m = mallory.public_identity();
    proto::HandshakePayload p;
    p.mutable_identity()->set_identity_key(str(m.identity_key));
    p.mutable_identity()->set_noise_static_key(str(m.noise_key));
    p.mutable_identity()->set_binding_signature(str(m.binding_signature));
    p.set_invite(invite_field);
    const std::string s = p.SerializeAsString();
    return Bytes(s.begin(), s.end());
  }
};

TEST_F(InviteHandshakeTest, ValidProofReachesTheResponderAndVerifiesWithTheSecret) {
  Run r = join(credential(secret));
  ASSERT_TRUE(r.initiator_end) << r.initiator_end.error().describe();
  ASSERT_TRUE(r.responder_end) << r.responder_end.error().describe();
  ASSERT_TRUE(r.responder_end->established);
  // Message 3: s (32 + 16) || payload with invite (191) + tag (16).
  EXPECT_EQ(r.m3.size(), 48u + kHandshakePayloadWithInviteLen + 16u);
  EXPECT_EQ(r.m3.size(), 255u);

  const Established& lead_side = *r.responder_end->established;
  EXPECT_EQ(lead_side.peer().identity().identity_key, alice.public_identity().identity_key);
  const auto& presented = lead_side.presented_invite();
  ASSERT_TRUE(presented);
  EXPECT_EQ(presented->invite_id, invite::invite_id(secret));
  EXPECT_TRUE(invite::verify_invite_proof(secret, *presented));
  // Bound to h before message 3, which is not the final handshake hash.
  EXPECT_NE(presented->handshake_hash, lead_side.handshake_hash());
  EXPECT_EQ(presented->mac, invite::invite_proof_mac(secret, presented->handshake_hash, ProfileKind::kReal));
  EXPECT_EQ(presented->kind, ProfileKind::kReal);
  // The joiner's side has nothing presented to it, and both sides agree on h.
  EXPECT_FALSE(r.initiator_end->established->presented_invite());
  EXPECT_EQ(r.initiator_end->established->handshake_hash(), lead_side.handshake_hash());
}

TEST_F(InviteHandshakeTest, WithoutAnInviteNothingIsPresentedAndSizesAreUnchanged) {
  Run r = join(std::nullopt);
  ASSERT_TRUE(r.responder_end);
  EXPECT_FALSE(r.responder_end->established->presented_invite());
  EXPECT_EQ(r.m3.size(), 201u);
}

TEST_F(InviteHandshakeTest, ProofDoesNotVerifyWithAnotherSecret) {
  Run r = join(credential(secret));
  ASSERT_TRUE(r.responder_end);
  const auto& presented = *r.responder_end->established->presented_invite();
  EXPECT_FALSE(invite::verify_invite_proof(secret_from(0x41), presented));
  // Nor with a flipped bit anywhere in what was presented.
  for (std::size_t i = 0; i < kInviteMacLen; ++i) {
    PresentedInvite bad = presented;
    bad.mac[i] ^= 0x80;
    EXPECT_FALSE(invite::verify_invite_proof(secret, bad)) << i;
  }
  for (std::size_t i = 0; i < kInviteIdLen; ++i) {
    PresentedInvite bad = presented;
    bad.invite_id[i] ^= 0x01;
    EXPECT_FALSE(invite::verify_invite_proof(secret, bad)) << i;
  }
  PresentedInvite other_h = presented;
  other_h.handshake_hash[63] ^= 0x01;
  EXPECT_FALSE(invite::verify_invite_proof(secret, other_h));
}

TEST_F(InviteHandshakeTest, ProofReplayedInAnotherHandshakeDoesNotVerify) {
  Run first = join(credential(secret));
  ASSERT_TRUE(first.responder_end);
  const InviteProof recorded{first.responder_end->established->presented_invite()->invite_id,
                             first.responder_end->established->presented_invite()->mac};

  // Mallory somehow holds a recorded proof (id and mac) and presents it in a
  // handshake of her own with the lead. It arrives intact, but it was made
  // for another h.
  auto replayed = responder_meets_rogue(mallory, [&](std::span<const std::uint8_t, kHashLen>) {
    return encode_handshake_payload(mallory.public_identity(), recorded);
  });
  ASSERT_TRUE(replayed) << replayed.error().describe();
  const auto& presented = replayed->established->presented_invite();
  ASSERT_TRUE(presented);
  EXPECT_EQ(presented->mac, recorded.mac);
  EXPECT_FALSE(invite::verify_invite_proof(secret, *presented));

  // Control: the same rogue path with a proof made for this h verifies.
  auto fresh = responder_meets_rogue(mallory, [&](std::span<const std::uint8_t, kHashLen> h) {
    return encode_handshake_payload(mallory.public_identity(),
                                    InviteProof{invite::invite_id(secret),
                                                invite::invite_proof_mac(secret, h, ProfileKind::kReal)});
  });
  ASSERT_TRUE(fresh) << fresh.error().describe();
  EXPECT_TRUE(invite::verify_invite_proof(secret, *fresh->established->presented_invite()));
}

TEST_F(InviteHandshakeTest, ResponderPresentingAnInviteInMessage2IsRefused) {
  auto init = TumarHandshake::initiator(alice);
  auto s1 = init.start(rng);
  HandshakeState rogue = raw(mallory, Role::kResponder);
  ASSERT_TRUE(rogue.read_message(*s1->send));
  auto m2 = rogue.write_message(encode_handshake_payload(mallory.public_identity(), InviteProof{}), rng);
  ASSERT_TRUE(m2);
  auto out = init.receive(*m2, rng);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kProtocol);
  EXPECT_EQ(out.error().id(), core::ErrorId::kNoiseResponderSentInvite) << out.error().describe();
  EXPECT_TRUE(init.failed());

  // Decoded directly as a responder's payload: refused; as an initiator's: fine.
  const Bytes payload = encode_handshake_payload(mallory.public_identity(), InviteProof{});
  EXPECT_FALSE(authenticate_peer(mallory.public_identity().noise_key, payload, PayloadFrom::kResponder));
  EXPECT_TRUE(authenticate_peer(mallory.public_identity().noise_key, payload, PayloadFrom::kInitiator));
}

TEST_F(InviteHandshakeTest, PayloadWithAnInviteHasOneEncoding) {
  InviteProof proof;
  for (std::size_t i = 0; i < proof.invite_id.size(); ++i) proof.invite_id[i] = static_cast<std::uint8_t>(0xA0 + i);
  for (std::size_t i = 0; i < proof.mac.size(); ++i) proof.mac[i] = static_cast<std::uint8_t>(0xC0 + i);
  const Bytes without = encode_handshake_payload(alice.public_identity());
  const Bytes with = encode_handshake_payload(alice.public_identity(), proof);
  ASSERT_EQ(without.size(), kHandshakePayloadV1Len);
  ASSERT_EQ(with.size(), kHandshakePayloadWithInviteLen);
  // The identity part is unchanged; the invite follows as field 2:
  //   12 34 | 0a 10 <16-byte invite_id> | 12 20 <32-byte mac>
  EXPECT_TRUE(std::equal(without.begin(), without.end(), with.begin()));
  Bytes tail = {0x12, 0x34, 0x0a, 0x10};
  tail.insert(tail.end(), proof.invite_id.begin(), proof.invite_id.end());
  tail.insert(tail.end(), {0x12, 0x20});
  tail.insert(tail.end(), proof.mac.begin(), proof.mac.end());
  EXPECT_EQ(Bytes(with.begin() + static_cast<std::ptrdiff_t>(kHandshakePayloadV1Len), with.end()), tail);
}

TEST_F(InviteHandshakeTest, GarbledOrOversizedInviteFieldsAreRefused) {
  const std::string id(kInviteIdLen, '\x11'), mac(kInviteMacLen, '\x22');
  auto field = [](int number, const std::string& value) {
    return std::string{static_cast<char>((number << 3) | 2), static_cast<char>(value.size())} + value;
  };
  const std::string good = field(1, id) + field(2, mac);
  ASSERT_EQ(good.size(), kInviteProofLen);
  const Bytes valid = mallory_payload_with_invite_field(good);

  std::vector<std::pair<const char*, Bytes>> bad = {
      {"51 bytes", mallory_payload_with_invite_field(good.substr(0, 51))},
      {"53 bytes", mallory_payload_with_invite_field(good + std::string(1, '\0'))},
      {"52 zero bytes", mallory_payload_with_invite_field(std::string(kInviteProofLen, '\0'))},
      {"52 bytes of garbage", mallory_payload_with_invite_field(std::string(kInviteProofLen, '\x7f'))},
      {"id 15, mac 33", mallory_payload_with_invite_field(field(1, id.substr(1)) + field(2, mac + "x"))},
      {"fields reversed", mallory_payload_with_invite_field(field(2, mac) + field(1, id))},
      {"id only", mallory_payload_with_invite_field(field(1, id))},
      {"unknown field", mallory_payload_with_invite_field(good + field(3, ""))},
      {"oversized invite", mallory_payload_with_invite_field(std::string(400, '\x01'))},
  };
  Bytes explicit_empty = mallory_payload_with_invite_field("");
  explicit_empty.insert(explicit_empty.end(), {0x12, 0x00});  // invite = "" written out
  bad.emplace_back("explicitly empty", explicit_empty);
  Bytes twice = valid;
  const Bytes again = mallory_payload_with_invite_field(good);
  twice.insert(twice.end(), again.begin() + static_cast<std::ptrdiff_t>(kHandshakePayloadV1Len), again.end());
  bad.emplace_back("invite twice", twice);
  Bytes long_varint = mallory_payload_with_invite_field("");
  long_varint.insert(long_varint.end(), {0x12, 0xb4, 0x00});  // length 52 as a two-byte varint
  long_varint.insert(long_varint.end(), good.begin(), good.end());
  bad.emplace_back("over-long length", long_varint);
  Bytes over_limit = mallory_payload_with_invite_field(std::string(kMaxHandshakePayloadLen, '\x01'));
  ASSERT_GT(over_limit.size(), kMaxHandshakePayloadLen);
  bad.emplace_back("over the payload limit", over_limit);

  for (const auto& [what, payload] : bad) {
    auto direct = authenticate_peer(mallory.public_identity().noise_key, payload, PayloadFrom::kInitiator);
    ASSERT_FALSE(direct) << what;
    EXPECT_EQ(direct.error().code(), core::Errc::kProtocol) << what;
    auto via_wire = responder_meets_rogue(mallory, [&](auto) { return payload; });
    ASSERT_FALSE(via_wire) << what;
    EXPECT_EQ(via_wire.error().code(), core::Errc::kProtocol) << what;
  }
  // Control: the well-formed one is accepted by the same paths.
  ASSERT_TRUE(authenticate_peer(mallory.public_identity().noise_key, valid, PayloadFrom::kInitiator));
  auto ok = responder_meets_rogue(mallory, [&](auto) { return valid; });
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_TRUE(ok->established->presented_invite());
}

TEST_F(InviteHandshakeTest, ImpostorAtTheInvitersAddressLearnsNothing) {
  // Alice joins with Bob's code; Mallory answers at the address.
  auto init = TumarHandshake::initiator(alice, bob.public_identity().identity_key, credential(secret));
  auto resp = TumarHandshake::responder(mallory);
  auto s1 = init.start(rng);
  auto s2 = resp.receive(*s1->send, rng);
  ASSERT_TRUE(s2);
  auto s3 = init.receive(*s2->send, rng);
  ASSERT_FALSE(s3);  // no message 3: neither Alice's identity nor any proof leaves
  EXPECT_EQ(s3.error().code(), core::Errc::kRefused);
}

TEST_F(InviteHandshakeTest, ADemoJoinersProofSaysSoAndVerifiesAtADemoNode) {
  Run r = join(credential(secret, ProfileKind::kDemo), ProfileKind::kDemo);
  ASSERT_TRUE(r.initiator_end) << r.initiator_end.error().describe();
  ASSERT_TRUE(r.responder_end) << r.responder_end.error().describe();
  // The demo mark adds two bytes to the proof: 48 + 193 + 16.
  EXPECT_EQ(r.m3.size(), 257u);
  const auto& presented = r.responder_end->established->presented_invite();
  ASSERT_TRUE(presented);
  EXPECT_EQ(presented->kind, ProfileKind::kDemo);
  EXPECT_TRUE(invite::verify_invite_proof(secret, *presented));
  // The kind is under the mac: relabelled, the same proof does not verify.
  PresentedInvite relabelled = *presented;
  relabelled.kind = ProfileKind::kReal;
  EXPECT_FALSE(invite::verify_invite_proof(secret, relabelled));
}

TEST_F(InviteHandshakeTest, ARealJoinerClosesBeforeMessage3WhenTheNodeIsADemoOne) {
  // A real profile with an invite, answered by a node that runs a demo
  // profile: no message 3, so the demo network never learns who dialled,
  // and no proof is presented, so nothing can be spent.
  Run r = join(credential(secret, ProfileKind::kReal), ProfileKind::kDemo);
  ASSERT_FALSE(r.initiator_end);
  EXPECT_EQ(r.initiator_end.error().code(), core::Errc::kRefused);
  EXPECT_EQ(r.initiator_end.error().id(), core::ErrorId::kNoiseInviterDemoJoinerReal)
      << r.initiator_end.error().describe();
  EXPECT_TRUE(r.m3.empty());
}

TEST_F(InviteHandshakeTest, ADemoJoinerClosesBeforeMessage3WhenTheNodeIsARealOne) {
  Run r = join(credential(secret, ProfileKind::kDemo), ProfileKind::kReal);
  ASSERT_FALSE(r.initiator_end);
  EXPECT_EQ(r.initiator_end.error().code(), core::Errc::kRefused);
  EXPECT_EQ(r.initiator_end.error().id(), core::ErrorId::kNoiseInviterRealJoinerDemo)
      << r.initiator_end.error().describe();
  EXPECT_TRUE(r.m3.empty());
}

TEST_F(InviteHandshakeTest, AMemberWithoutAnInviteIsNotJudgedByTheNodesKind) {
  // Only a joiner says its kind; a member's connection is judged by
  // membership (a demo profile is a member only of demo networks).
  Run r = join(std::nullopt, ProfileKind::kDemo);
  ASSERT_TRUE(r.initiator_end) << r.initiator_end.error().describe();
  ASSERT_TRUE(r.responder_end) << r.responder_end.error().describe();
  EXPECT_EQ(r.initiator_end->established->peer().identity().identity_key, bob.public_identity().identity_key);
}

TEST_F(InviteHandshakeTest, TheDemoMarkHasOneEncodingAndOnlyItsOwnSenderMayUseIt) {
  const Bytes real = encode_handshake_payload(bob.public_identity());
  const Bytes demo = encode_handshake_payload(bob.public_identity(), std::nullopt, ProfileKind::kDemo);
  // A real node's message 2 is byte for byte what it was before the mark.
  ASSERT_EQ(real.size(), kHandshakePayloadV1Len);
  ASSERT_EQ(demo.size(), kHandshakePayloadV1Len + kDemoMarkLen);
  EXPECT_TRUE(std::equal(real.begin(), real.end(), demo.begin()));
  EXPECT_EQ(Bytes(demo.end() - 2, demo.end()), (Bytes{0x18, 0x01}));  // field 3, varint 1
  const auto& bob_key = bob.public_identity().noise_key;
  auto as_responder = authenticate_peer(bob_key, demo, PayloadFrom::kResponder);
  ASSERT_TRUE(as_responder) << as_responder.error().describe();
  EXPECT_EQ(as_responder->kind(), ProfileKind::kDemo);
  EXPECT_EQ(authenticate_peer(bob_key, real, PayloadFrom::kResponder)->kind(), ProfileKind::kReal);
  // An initiator states its kind only in its invite proof.
  auto as_initiator = authenticate_peer(bob_key, demo, PayloadFrom::kInitiator);
  ASSERT_FALSE(as_initiator);
  EXPECT_EQ(as_initiator.error().code(), core::Errc::kProtocol);
  // `demo = false` written out, or a value other than 1, is not canonical.
  for (int value : {0, 2}) {
    Bytes odd = real;
    odd.insert(odd.end(), {0x18, static_cast<std::uint8_t>(value)});
    auto r = authenticate_peer(bob_key, odd, PayloadFrom::kResponder);
    ASSERT_FALSE(r) << value;
    EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
  }

  // A demo joiner's proof: `12 36 | 0a 10 <id> | 12 20 <mac> | 18 01`.
  InviteProof proof;
  proof.invite_id.fill(0xA0);
  proof.mac.fill(0xC0);
  proof.kind = ProfileKind::kDemo;
  const Bytes with = encode_handshake_payload(alice.public_identity(), proof);
  ASSERT_EQ(with.size(), kHandshakePayloadWithInviteLen + kDemoMarkLen);
  EXPECT_EQ(with[kHandshakePayloadV1Len], 0x12);
  EXPECT_EQ(with[kHandshakePayloadV1Len + 1], kDemoInviteProofLen);
  EXPECT_EQ(Bytes(with.end() - 2, with.end()), (Bytes{0x18, 0x01}));
  auto joiner = authenticate_peer(alice.public_identity().noise_key, with, PayloadFrom::kInitiator);
  ASSERT_TRUE(joiner) << joiner.error().describe();
  ASSERT_TRUE(joiner->invite());
  EXPECT_EQ(joiner->invite()->kind, ProfileKind::kDemo);
  EXPECT_EQ(joiner->kind(), ProfileKind::kReal);  // the payload itself says nothing
}

TEST_F(InviteHandshakeTest, AnInviteForAnUnpinnedResponderIsAProgrammingError) {
  EXPECT_DEATH((void)TumarHandshake::initiator(alice, std::nullopt, credential(secret)), "pin");
}

}  // namespace
}  // namespace tumar::noise
