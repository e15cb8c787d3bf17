// X3DH: both sides agree with and without a one-time prekey; bad prekey
// signatures and identity bindings are refused; the sealed initial header is
// libsodium's sealed box; replayed initial messages are refused.

#include <gtest/gtest.h>
#include <sodium.h>

#include "tests/core/ratchet/ratchet_harness.hpp"

namespace tumar::ratchet::test {
namespace {

void expect_agree(Members& m) {
  auto init = x3dh_initiate(m.alice, *verify_bundle(m.bundle), m.rng);
  ASSERT_TRUE(init);
  const OneTimePrekeyPair* opk = m.bundle.one_time_prekey ? &m.opks[1] : nullptr;
  auto resp = x3dh_respond(m.bob, m.spks[0], opk, init->header);
  ASSERT_TRUE(resp);
  EXPECT_TRUE(crypto::constant_time_equal(init->secrets.root_key.span(), resp->root_key.span()));
  EXPECT_TRUE(crypto::constant_time_equal(init->secrets.header_key_a.span(), resp->header_key_a.span()));
  EXPECT_TRUE(crypto::constant_time_equal(init->secrets.next_header_key_b.span(), resp->next_header_key_b.span()));
  EXPECT_EQ(init->secrets.ad, resp->ad);
  EXPECT_FALSE(crypto::constant_time_equal(init->secrets.root_key.span(), init->secrets.header_key_a.span()));
  // AD = IK_A_ed || IK_A_x || IK_B_ed || IK_B_x
  EXPECT_TRUE(std::equal(m.alice.public_identity().identity_key.begin(), m.alice.public_identity().identity_key.end(),
                         init->secrets.ad.begin()));
  EXPECT_TRUE(std::equal(m.bob.public_identity().noise_key.begin(), m.bob.public_identity().noise_key.end(),
                         init->secrets.ad.begin() + 96));
  // Without DH4 the keys differ: the one-time prekey is really mixed in.
  if (opk != nullptr) {
    X3dhHeader no_opk = init->header;
    no_opk.one_time_prekey_id = kNoPrekeyId;
    auto other = x3dh_respond(m.bob, m.spks[0], nullptr, no_opk);
    ASSERT_TRUE(other);
    EXPECT_FALSE(crypto::constant_time_equal(init->secrets.root_key.span(), other->root_key.span()));
  }
}

TEST(X3dh, BothSidesAgreeWithOneTimePrekey) {
  Members m(20, true);
  expect_agree(m);
}

TEST(X3dh, BothSidesAgreeWithoutOneTimePrekey) {
  Members m(21, false);
  expect_agree(m);
  Conversation c(22, false);  // and a whole conversation starts without one
  c.round_trip();
}

TEST(X3dh, BadSignedPrekeySignatureRefused) {
  Members m(23);
  auto bad = m.bundle;
  bad.signed_prekey.signature[5] ^= 1;
  EXPECT_FALSE(verify_bundle(bad));
  auto swapped = m.bundle;  // a valid signature over another key
  swapped.signed_prekey.key = m.opks[0].pub.key;
  EXPECT_FALSE(verify_bundle(swapped));
  auto other_id = m.bundle;  // the id is signed too
  other_id.signed_prekey.id = 8;
  EXPECT_FALSE(verify_bundle(other_id));
  auto zero_id = m.bundle;
  zero_id.signed_prekey.id = kNoPrekeyId;
  EXPECT_FALSE(verify_bundle(zero_id));
  auto foreign = m.bundle;  // signed by someone else (Alice)
  foreign.signed_prekey = generate_signed_prekey(m.alice, 7, m.rng).pub;
  EXPECT_FALSE(verify_bundle(foreign));
  EXPECT_TRUE(verify_bundle(m.bundle));
}

TEST(X3dh, BadIdentityBindingOrDegenerateKeysRefused) {
  Members m(24);
  auto bad = m.bundle;
  bad.identity.noise_key = m.alice.public_identity().noise_key;  // someone else's Noise key
  EXPECT_FALSE(verify_bundle(bad));
  auto zero_opk = m.bundle;
  zero_opk.one_time_prekey->key = {};
  EXPECT_FALSE(verify_bundle(zero_opk));
}

TEST(X3dh, SealedHeaderIsALibsodiumSealedBox) {
  Members m(25);
  auto init = x3dh_initiate(m.alice, *verify_bundle(m.bundle), m.rng);
  std::array<std::uint8_t, kX3dhSealedLen> sealed{};
  ASSERT_TRUE(seal_x3dh_header(init->header, m.spks[0].pub.key, m.rng, sealed));
  std::array<std::uint8_t, kX3dhHeaderPlainLen> plain{}, expected{};
  ASSERT_EQ(crypto_box_seal_open(plain.data(), sealed.data(), sealed.size(), m.spks[0].pub.key.data(),
                                 m.spks[0].private_key.data()),
            0);
  encode_x3dh_header(init->header, expected);
  EXPECT_EQ(plain, expected);
}

TEST(X3dh, OpensWithARetainedSignedPrekeyAndChecksTheId) {
  Members m(26);
  std::vector<SignedPrekeyPair> spks;
  spks.push_back(generate_signed_prekey(m.bob, 8, m.rng));  // the newer one, listed first
  spks.push_back(std::move(m.spks[0]));
  auto init = x3dh_initiate(m.alice, *verify_bundle(m.bundle), m.rng);
  std::array<std::uint8_t, kX3dhSealedLen> sealed{};
  ASSERT_TRUE(seal_x3dh_header(init->header, spks[1].pub.key, m.rng, sealed));
  auto opened = open_x3dh_header(sealed, spks);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->signed_prekey_index, 1u);
  // A header that names another prekey than the one it is sealed to.
  auto lying = init->header;
  lying.signed_prekey_id = 8;
  ASSERT_TRUE(seal_x3dh_header(lying, spks[1].pub.key, m.rng, sealed));
  EXPECT_FALSE(open_x3dh_header(sealed, spks));
  // An expired prekey (wiped, so no longer offered) opens nothing.
  ASSERT_TRUE(seal_x3dh_header(init->header, spks[1].pub.key, m.rng, sealed));
  EXPECT_FALSE(open_x3dh_header(sealed, std::span(spks).first(1)));
}

TEST(X3dh, ForgedSenderBindingRefused) {
  Members m(27);
  auto init = x3dh_initiate(m.alice, *verify_bundle(m.bundle), m.rng);
  auto forged = init->header;
  forged.sender.identity_key = m.bob.public_identity().identity_key;  // claims another identity
  std::array<std::uint8_t, kX3dhSealedLen> sealed{};
  ASSERT_TRUE(seal_x3dh_header(forged, m.spks[0].pub.key, m.rng, sealed));
  EXPECT_FALSE(open_x3dh_header(sealed, m.spks));
}

TEST(X3dh, ReplayedInitialMessageWithUsedOneTimePrekeyRefused) {
  Members m(28);
  auto alice = *start_session(m.alice, *verify_bundle(m.bundle), m.rng);
  auto first = *alice.encrypt(bytes("hello"), kAd, m.rng);
  auto accepted = accept_initial(m.bob, m.spks, m.opks, first, kAd, kNow);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->used_one_time_prekey, std::optional<std::uint32_t>(101));
  // The caller deletes prekey 101; the same message again cannot start a second session.
  std::erase_if(m.opks, [](const OneTimePrekeyPair& p) { return p.pub.id == 101; });
  EXPECT_FALSE(accept_initial(m.bob, m.spks, m.opks, first, kAd, kNow));
  // Tampered, truncated, normal-typed or wrongly bound initial messages are refused.
  auto tampered = first;
  tampered[300] ^= 1;
  auto fresh = generate_one_time_prekeys(101, 1, m.rng);
  EXPECT_FALSE(accept_initial(m.bob, m.spks, fresh, tampered, kAd, kNow));
  EXPECT_FALSE(accept_initial(m.bob, m.spks, fresh, Bytes(first.begin(), first.end() - 1), kAd, kNow));
  EXPECT_FALSE(accept_initial(m.bob, m.spks, fresh, first, bytes("other"), kNow));
}

}  // namespace
}  // namespace tumar::ratchet::test
