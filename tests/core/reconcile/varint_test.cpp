// Negentropy Varint: hex vectors (base-128, most significant digit first,
// high bit on every byte but the last) and refusal of every spelling that
// is truncated, too large for 64 bits, or not minimal.

#include "core/reconcile/varint.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/encoding/hex.hpp"

namespace tumar::reconcile {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

std::string encode_hex(std::uint64_t n) {
  Bytes out;
  append_varint(n, out);
  return encoding::to_hex(out);
}

TEST(VarintTest, KnownEncodings) {
  // Expected values from a direct Python transcription of the spec.
  EXPECT_EQ(encode_hex(0), "00");
  EXPECT_EQ(encode_hex(1), "01");
  EXPECT_EQ(encode_hex(127), "7f");
  EXPECT_EQ(encode_hex(128), "8100");
  EXPECT_EQ(encode_hex(255), "817f");
  EXPECT_EQ(encode_hex(16383), "ff7f");
  EXPECT_EQ(encode_hex(16384), "818000");
  EXPECT_EQ(encode_hex(std::uint64_t{1} << 63), "81808080808080808000");
  EXPECT_EQ(encode_hex(UINT64_MAX), "81ffffffffffffffff7f");
}

TEST(VarintTest, SizeMatchesEncoding) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t n = rng() >> (rng() % 64);
    Bytes out;
    append_varint(n, out);
    EXPECT_EQ(out.size(), varint_size(n));
    EXPECT_LE(out.size(), kMaxVarintLen);
  }
  EXPECT_EQ(varint_size(UINT64_MAX), kMaxVarintLen);
}

TEST(VarintTest, DecodesWhatItEncodesAndAdvances) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t n = rng() >> (rng() % 64);
    Bytes bytes;
    append_varint(n, bytes);
    bytes.push_back(0xAA);  // trailing byte must stay unread
    std::span<const std::uint8_t> in(bytes);
    auto v = read_varint(in);
    ASSERT_TRUE(v) << v.error().describe();
    EXPECT_EQ(*v, n);
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(in[0], 0xAA);
  }
}

TEST(VarintTest, RefusesMalformed) {
  for (const char* bad : {
           "",                        // nothing
           "81",                      // continuation, then the end
           "ffffff",                  // only continuation bytes
           "8000",                    // 0 with a leading zero digit
           "807f",                    // 127 with a leading zero digit
           "82808080808080808000",    // 2^64: one bit too many
           "ffffffffffffffffff7f",    // 2^70 - 1
           "8180808080808080808000",  // 11 bytes
       }) {
    const Bytes bytes = hex(bad);
    std::span<const std::uint8_t> in(bytes);
    auto v = read_varint(in);
    EXPECT_FALSE(v) << bad;
    if (!v) {
      EXPECT_EQ(v.error().code(), core::Errc::kProtocol) << bad;
    }
    EXPECT_EQ(in.size(), bytes.size()) << "input must be left unchanged: " << bad;
  }
}

TEST(VarintTest, AcceptsTheLargestValue) {
  const Bytes bytes = hex("81ffffffffffffffff7f");
  std::span<const std::uint8_t> in(bytes);
  auto v = read_varint(in);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, UINT64_MAX);
  EXPECT_TRUE(in.empty());
}

}  // namespace
}  // namespace tumar::reconcile
