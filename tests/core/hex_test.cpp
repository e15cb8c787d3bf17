#include "core/encoding/hex.hpp"

#include <gtest/gtest.h>

#include "core/crypto/secret.hpp"

namespace tumar {
namespace {

TEST(Hex, RoundTripsBytes) {
  std::vector<std::uint8_t> bytes{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(encoding::to_hex(bytes), "007f80ff");
  EXPECT_EQ(*encoding::from_hex("007F80ff"), bytes);
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(encoding::from_hex("abc").has_value());
  EXPECT_FALSE(encoding::from_hex("zz").has_value());
  EXPECT_FALSE(encoding::from_hex(" a").has_value());
  EXPECT_TRUE(encoding::from_hex("")->empty());
}

TEST(Secret, ConstantTimeEqualComparesContentAndLength) {
  auto a = crypto::SecretBuffer::copy_of(std::vector<std::uint8_t>{1, 2, 3});
  auto b = crypto::SecretBuffer::copy_of(std::vector<std::uint8_t>{1, 2, 3});
  auto c = crypto::SecretBuffer::copy_of(std::vector<std::uint8_t>{1, 2, 4});
  EXPECT_TRUE(crypto::constant_time_equal(a.span(), b.span()));
  EXPECT_FALSE(crypto::constant_time_equal(a.span(), c.span()));
  EXPECT_FALSE(crypto::constant_time_equal(a.span(), std::span<const std::uint8_t>(b.data(), 2)));
}

TEST(Secret, TruncateWipesTheTail) {
  auto s = crypto::SecretBuffer::copy_of(std::vector<std::uint8_t>{'a', 'b', '\n'});
  s.truncate(2);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.data()[2], 0);  // still inside the allocation; wiped
}

}  // namespace
}  // namespace tumar
