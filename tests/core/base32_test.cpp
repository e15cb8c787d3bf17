#include "core/encoding/base32.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tumar {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// RFC 4648 section 10, lowercased and without padding, as tor writes base32.
TEST(Base32, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(encoding::to_base32(bytes_of("")), "");
  EXPECT_EQ(encoding::to_base32(bytes_of("f")), "my");
  EXPECT_EQ(encoding::to_base32(bytes_of("fo")), "mzxq");
  EXPECT_EQ(encoding::to_base32(bytes_of("foo")), "mzxw6");
  EXPECT_EQ(encoding::to_base32(bytes_of("foob")), "mzxw6yq");
  EXPECT_EQ(encoding::to_base32(bytes_of("fooba")), "mzxw6ytb");
  EXPECT_EQ(encoding::to_base32(bytes_of("foobar")), "mzxw6ytboi");
}

TEST(Base32, DecodesTheRfc4648Vectors) {
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    const auto decoded = encoding::from_base32(encoding::to_base32(bytes_of(s)));
    ASSERT_TRUE(decoded) << s;
    EXPECT_EQ(*decoded, bytes_of(s));
  }
}

TEST(Base32, AnX25519KeyIs52Characters) {
  std::vector<std::uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  const std::string text = encoding::to_base32(key);
  EXPECT_EQ(text, "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq");  // Python's base32, lowercased
  EXPECT_EQ(text.size(), encoding::base32_length(32));
  EXPECT_EQ(encoding::base32_length(35), 56u);  // an onion address
  EXPECT_EQ(*encoding::from_base32(text), key);
}

TEST(Base32, RefusesEverySpellingButTheOne) {
  EXPECT_FALSE(encoding::from_base32("MZXW6"));     // uppercase
  EXPECT_FALSE(encoding::from_base32("my======"));  // padding
  EXPECT_FALSE(encoding::from_base32("mzxw 6"));    // whitespace
  EXPECT_FALSE(encoding::from_base32("mzx1"));      // 1 is not in the alphabet
  EXPECT_FALSE(encoding::from_base32("m"));         // 1, 3 and 6 characters encode no byte count
  EXPECT_FALSE(encoding::from_base32("mzx"));
  EXPECT_FALSE(encoding::from_base32("mzxw6y"));
  EXPECT_FALSE(encoding::from_base32("mz"));        // "f" is "my": the low bits of 'z' are not zero
}

}  // namespace
}  // namespace tumar
