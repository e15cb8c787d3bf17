// The invite proof's mac and its check (docs/PROTOCOL.md, "Invites"), with a
// known answer from tests/core/invite/invite_vectors.py. The proof inside a
// real handshake is tested in tests/core/noise/invite_handshake_test.cpp.

#include "core/invite/invite_proof.hpp"

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"
#include "core/invite/invite_code.hpp"

namespace tumar::invite {
namespace {

using Secret32 = crypto::Secret<noise::kInviteSecretLen>;

Secret32 secret_from(std::uint8_t first) {
  std::array<std::uint8_t, 32> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(first + i);
  return Secret32::copy_of(b);
}

std::array<std::uint8_t, noise::kHashLen> h_from(std::uint8_t first) {
  std::array<std::uint8_t, noise::kHashLen> h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(first + i);
  return h;
}

TEST(InviteProof, MacKnownAnswer) {
  // hashlib.blake2b(b"tumar/invite-proof/v2" + bytes(range(0x80, 0xC0)) + b"\x00" (real) or b"\x01" (demo),
  //                 digest_size=32, key=bytes(range(0x40, 0x60)))
  const auto h = h_from(0x80);
  EXPECT_EQ(encoding::to_hex(invite_proof_mac(secret_from(0x40), h, noise::ProfileKind::kReal)),
            "6399e221eb3e55357dbdae425ea148fb321ef6628f7bd6d1879728ddb85382cf");
  EXPECT_EQ(encoding::to_hex(invite_proof_mac(secret_from(0x40), h, noise::ProfileKind::kDemo)),
            "8e9d236e3b9494f2967d9bf55c5369fe77815d12e54c13a1809ce3d6c75c7118");
}

TEST(InviteProof, VerifiesOnlyTheExactProof) {
  const Secret32 secret = secret_from(0x40);
  noise::PresentedInvite p;
  p.invite_id = invite_id(secret);
  p.handshake_hash = h_from(0x80);
  p.mac = invite_proof_mac(secret, p.handshake_hash, noise::ProfileKind::kReal);
  EXPECT_TRUE(verify_invite_proof(secret, p));

  EXPECT_FALSE(verify_invite_proof(secret_from(0x41), p));  // another invite's secret
  noise::PresentedInvite other_h = p;
  other_h.handshake_hash = h_from(0x81);  // the same proof in another handshake
  EXPECT_FALSE(verify_invite_proof(secret, other_h));
  noise::PresentedInvite other_id = p;
  other_id.invite_id[0] ^= 1;  // the right mac under the wrong name
  EXPECT_FALSE(verify_invite_proof(secret, other_id));
  noise::PresentedInvite zero;  // nothing at all
  EXPECT_FALSE(verify_invite_proof(secret, zero));
}

TEST(InviteProof, TheKindIsCoveredByTheMac) {
  // A proof made by a demo profile does not verify as a real profile's, nor
  // the reverse: whoever holds the secret says the kind, in this handshake.
  const Secret32 secret = secret_from(0x40);
  noise::PresentedInvite demo;
  demo.invite_id = invite_id(secret);
  demo.handshake_hash = h_from(0x80);
  demo.kind = noise::ProfileKind::kDemo;
  demo.mac = invite_proof_mac(secret, demo.handshake_hash, noise::ProfileKind::kDemo);
  EXPECT_TRUE(verify_invite_proof(secret, demo));
  noise::PresentedInvite relabelled = demo;
  relabelled.kind = noise::ProfileKind::kReal;
  EXPECT_FALSE(verify_invite_proof(secret, relabelled));
}

TEST(InviteProof, AVersionOneProofWithoutAKindDoesNotVerify) {
  // hashlib.blake2b(b"tumar/invite-proof/v1" + bytes(range(0x80, 0xC0)), digest_size=32,
  //                 key=bytes(range(0x40, 0x60))): what tumar before the demo mark sent.
  const Secret32 secret = secret_from(0x40);
  noise::PresentedInvite old;
  old.invite_id = invite_id(secret);
  old.handshake_hash = h_from(0x80);
  const auto v1 = encoding::from_hex("6209ba6650321430259afe8e8e94c71d991a481a08338075e651d2cbb8298f01");
  ASSERT_TRUE(v1 && v1->size() == old.mac.size());
  std::copy(v1->begin(), v1->end(), old.mac.begin());
  EXPECT_FALSE(verify_invite_proof(secret, old));
  old.kind = noise::ProfileKind::kDemo;
  EXPECT_FALSE(verify_invite_proof(secret, old));
}

}  // namespace
}  // namespace tumar::invite
