// KDF presets are libsodium's Argon2id constants; names parse; bounds hold.

#include <gtest/gtest.h>

#include <sodium.h>

#include "core/profile/kdf_limits.hpp"

namespace tumar::profile {
namespace {

TEST(KeyFileKdfLimits, PresetsAreLibsodiumsArgon2idConstants) {
  EXPECT_EQ(kdf_limits(KdfStrength::kInteractive),
            (KdfLimits{crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE}));
  EXPECT_EQ(kdf_limits(KdfStrength::kModerate),
            (KdfLimits{crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE}));
  EXPECT_EQ(kdf_limits(KdfStrength::kSensitive),
            (KdfLimits{crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE}));
  EXPECT_EQ(kDefaultKdfStrength, KdfStrength::kModerate);
  for (auto s : {KdfStrength::kInteractive, KdfStrength::kModerate, KdfStrength::kSensitive}) {
    EXPECT_TRUE(kdf_limits_in_bounds(kdf_limits(s)));
    auto parsed = parse_kdf_strength(kdf_strength_name(s));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_TRUE(kdf_limits_in_bounds(kdf_limits_minimum_for_tests()));
}

TEST(KeyFileKdfLimits, UnknownNamesAreRefused) {
  for (const char* bad : {"", "Moderate", "fast", "moderate "}) {
    auto r = parse_kdf_strength(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument);
  }
}

TEST(KeyFileKdfLimits, Bounds) {
  EXPECT_FALSE(kdf_limits_in_bounds({0, 8192}));
  EXPECT_FALSE(kdf_limits_in_bounds({33, 8192}));
  EXPECT_TRUE(kdf_limits_in_bounds({32, 8192}));
  EXPECT_FALSE(kdf_limits_in_bounds({1, 7168}));
  EXPECT_FALSE(kdf_limits_in_bounds({1, 8193}));
  EXPECT_TRUE(kdf_limits_in_bounds({1, std::uint64_t{4} << 30}));
  EXPECT_FALSE(kdf_limits_in_bounds({1, (std::uint64_t{4} << 30) + 1024}));
}

}  // namespace
}  // namespace tumar::profile
