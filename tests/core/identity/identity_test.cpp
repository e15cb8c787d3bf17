#include "core/identity/identity.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <regex>

#include "core/encoding/hex.hpp"

namespace tumar::identity {
namespace {

TEST(Identity, GeneratedBindingVerifies) {
  crypto::DeterministicRandom rng(1);
  auto id = LocalIdentity::generate(rng);
  auto verified = verify_binding(id.public_identity());
  ASSERT_TRUE(verified.has_value());
  EXPECT_EQ(verified->identity().identity_key, id.public_identity().identity_key);
}

TEST(Identity, SomeoneElsesNoiseKeyIsRefused) {
  crypto::DeterministicRandom rng(2);
  auto alice = LocalIdentity::generate(rng);
  auto mallory = LocalIdentity::generate(rng);
  PublicIdentity forged = alice.public_identity();
  forged.noise_key = mallory.public_identity().noise_key;  // Alice's name, Mallory's Noise key
  auto r = verify_binding(forged);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), core::Errc::kRefused);
}

TEST(Identity, FlippedSignatureBitIsRefused) {
  crypto::DeterministicRandom rng(3);
  auto id = LocalIdentity::generate(rng);
  PublicIdentity p = id.public_identity();
  for (std::size_t i = 0; i < p.binding_signature.size(); i += 7) {
    PublicIdentity q = p;
    q.binding_signature[i] ^= 0x01;
    EXPECT_FALSE(verify_binding(q).has_value()) << "byte " << i;
  }
}

TEST(Identity, FromSecretsRecomputesTheSamePublicIdentity) {
  crypto::DeterministicRandom rng(4);
  auto id = LocalIdentity::generate(rng);
  auto again = LocalIdentity::from_secrets(id.identity_secret(), id.noise_secret());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->public_identity().identity_key, id.public_identity().identity_key);
  EXPECT_EQ(again->public_identity().noise_key, id.public_identity().noise_key);
  // Ed25519 signatures are deterministic: the binding is identical.
  EXPECT_EQ(again->public_identity().binding_signature, id.public_identity().binding_signature);
}

TEST(Identity, FromSecretsRejectsADamagedIdentityKey) {
  crypto::DeterministicRandom rng(5);
  auto id = LocalIdentity::generate(rng);
  auto damaged = crypto::Secret<kIdentitySecretSize>::copy_of(id.identity_secret().span());
  damaged.data()[40] ^= 0x80;  // the public-key half of seed || pk
  auto r = LocalIdentity::from_secrets(damaged, id.noise_secret());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), core::Errc::kCorrupt);
}

TEST(Identity, FingerprintIsSixGroupsOfFiveDigitsAndStable) {
  IdentityKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  std::string fp = fingerprint(key);
  EXPECT_TRUE(std::regex_match(fp, std::regex(R"(\d{5}( \d{5}){5})"))) << fp;
  // Known answer, computed independently with python3 hashlib.blake2b
  // (see docs/PROTOCOL.md, "Identity", Fingerprint); pins the construction.
  EXPECT_EQ(fp, "92867 50033 35651 20765 27679 42616");
  key[0] ^= 1;
  EXPECT_NE(fingerprint(key), fp);
}

}  // namespace
}  // namespace tumar::identity
