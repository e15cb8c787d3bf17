// The client-auth keys tor is handed: an invite's key is the same for
// whoever derives it from the secret, matches a vector computed without
// libsodium, and is clamped; fresh keys differ and are clamped too.

#include "core/tor/client_auth.hpp"

#include <gtest/gtest.h>

#include <array>
#include <sodium.h>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::tor {
namespace {

std::array<std::uint8_t, 32> counting_secret() {
  std::array<std::uint8_t, 32> s{};
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(i);
  return s;
}

bool clamped(const ClientAuthPrivateKey& k) {
  return (k.data()[0] & 7) == 0 && (k.data()[31] & 128) == 0 && (k.data()[31] & 64) == 64;
}

// Pinned from tests/core/tor/client_auth_vector.py (Python's hashlib BLAKE2b
// and an RFC 7748 ladder): secret 00 01 .. 1f.
TEST(ClientAuth, InviteKeyMatchesTheIndependentVector) {
  crypto::ensure_sodium();
  const auto secret = counting_secret();
  const ClientAuthPrivateKey key = invite_client_auth_key(secret);
  EXPECT_EQ(encoding::to_hex(key.span()), "a0d3ffda1075677b4a26c600f99bb8f1679c2b4989da7f97ebe09ffb8a404674");
  EXPECT_EQ(encoding::to_hex(client_auth_public_key(key)),
            "9591cd7befc590220fe7f6bda03e0b9672d4baab634ba1763c420ef7396f6556");
}

TEST(ClientAuth, InviterAndJoinerDeriveTheSameKeyAndOtherSecretsAnother) {
  crypto::ensure_sodium();
  auto secret = counting_secret();
  const auto a = client_auth_public_key(invite_client_auth_key(secret));
  const auto b = client_auth_public_key(invite_client_auth_key(secret));
  EXPECT_EQ(a, b);
  secret[31] ^= 1;
  EXPECT_NE(client_auth_public_key(invite_client_auth_key(secret)), a);
  EXPECT_TRUE(clamped(invite_client_auth_key(secret)));
}

TEST(ClientAuth, PublicKeyIsTheX25519BasePointMultiple) {
  crypto::ensure_sodium();
  crypto::DeterministicRandom rng(7);
  const ClientAuthPrivateKey key = new_client_auth_key(rng);
  std::array<std::uint8_t, 32> expected{};
  ASSERT_EQ(crypto_scalarmult_base(expected.data(), key.data()), 0);
  EXPECT_EQ(client_auth_public_key(key), expected);
  EXPECT_NE(expected, (std::array<std::uint8_t, 32>{}));
}

TEST(ClientAuth, FreshKeysAreClampedAndDiffer) {
  crypto::ensure_sodium();
  crypto::DeterministicRandom rng(1);
  const ClientAuthPrivateKey a = new_client_auth_key(rng);
  const ClientAuthPrivateKey b = new_client_auth_key(rng);
  EXPECT_TRUE(clamped(a));
  EXPECT_TRUE(clamped(b));
  EXPECT_NE(client_auth_public_key(a), client_auth_public_key(b));
}

}  // namespace
}  // namespace tumar::tor
