// seal_box makes libsodium's sealed boxes from the caller's randomness: what
// crypto_box_seal_open opens, the same bytes for the same seed, and nothing
// sealed to a key whose shared secret would be public.

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string_view>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sealed_box.hpp"
#include "core/crypto/sodium.hpp"

namespace tumar::crypto {
namespace {

struct Recipient {
  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> pk{};
  std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> sk{};
  Recipient() {
    ensure_sodium();
    crypto_box_keypair(pk.data(), sk.data());
  }
};

std::vector<std::uint8_t> seal(std::string_view text, const std::array<std::uint8_t, 32>& pk, RandomSource& rng) {
  std::vector<std::uint8_t> out(text.size() + kSealedBoxOverhead);
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  EXPECT_TRUE(seal_box({p, text.size()}, pk, rng, out));
  return out;
}

TEST(SealedBox, LibsodiumOpensIt) {
  Recipient bob;
  DeterministicRandom rng(1);
  const auto box = seal("shelter keys", bob.pk, rng);
  std::vector<std::uint8_t> plain(box.size() - crypto_box_SEALBYTES);
  ASSERT_EQ(crypto_box_seal_open(plain.data(), box.data(), box.size(), bob.pk.data(), bob.sk.data()), 0);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(plain.data()), plain.size()), "shelter keys");

  Recipient eve;
  EXPECT_NE(crypto_box_seal_open(plain.data(), box.data(), box.size(), eve.pk.data(), eve.sk.data()), 0);
}

TEST(SealedBox, TheSameSeedSealsTheSameBytesAndAnotherSeedOthers) {
  Recipient bob;
  DeterministicRandom a(7), b(7), c(8);
  const auto first = seal("grant", bob.pk, a);
  EXPECT_EQ(first, seal("grant", bob.pk, b));
  EXPECT_NE(first, seal("grant", bob.pk, c));
}

TEST(SealedBox, ALowOrderKeyIsRefusedAndNothingIsLeftInTheOutput) {
  // The all-zero point and a point of order 8: X25519 with either gives an
  // all-zero secret, which anyone can compute.
  const std::array<std::array<std::uint8_t, 32>, 2> low_order = {{
      {},
      {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
       0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
  }};
  for (const auto& pk : low_order) {
    DeterministicRandom rng(1);
    const std::string_view text = "secret";
    std::vector<std::uint8_t> out(text.size() + kSealedBoxOverhead, 0xaa);
    EXPECT_FALSE(seal_box({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, pk, rng, out));
    EXPECT_EQ(out, std::vector<std::uint8_t>(out.size(), 0));
  }
}

}  // namespace
}  // namespace tumar::crypto
