// Range fingerprints: known answers and the 256-bit arithmetic under them.
// Expected fingerprints were computed with Python's hashlib:
//
//   def fp(ids):
//       s = sum(int.from_bytes(i, 'little') for i in ids) % 2**256
//       return sha256(s.to_bytes(32, 'little') + varint(len(ids))).hexdigest()[:32]
//
// The three eb6b05…/39b916…/abc81d… vectors are also the Kotlin reference
// implementation's (hoytech/negentropy kotlin/…/FingerprintTest.kt).

#include "core/reconcile/fingerprint.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/encoding/hex.hpp"

namespace tumar::reconcile {
namespace {

Id id_hex(std::string_view h) {
  auto bytes = *encoding::from_hex(h);
  Id id{};
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

std::string fp_hex(const std::vector<Id>& ids) {
  Accumulator acc;
  for (const Id& id : ids) acc.add(id);
  return encoding::to_hex(acc.fingerprint(ids.size()));
}

Id filled(std::uint8_t b) {
  Id id;
  id.fill(b);
  return id;
}

TEST(FingerprintTest, KnownAnswers) {
  EXPECT_EQ(fp_hex({}), "7f9c9e31ac8256ca2f258583df262dbc");
  EXPECT_EQ(fp_hex({filled(0xee)}), "d5530eded759c1cb5749aacb9bc66bb2");

  const Id a = id_hex("eb6b05c2e3b008592ac666594d78ed83e7b9ab30f825b9b08878128f7500008c");
  const Id b = id_hex("39b916432333e069a4386917609215cc688eb99f06fed01aadc29b1b4b92d6f0");
  const Id c = id_hex("abc81d58ebe3b9a87100d47f58bf15e9b1cbf62d38623f11d0f0d17179f5f3ba");
  EXPECT_EQ(fp_hex({a}), "6d74e1212fcafc8a81d090f0ffbde8b0");
  EXPECT_EQ(fp_hex({a, b}), "96b26d110825d4b1805fc56988a3e65d");
  EXPECT_EQ(fp_hex({a, b, c}), "c15ce60f185fd24ae341076caa93daa5");
}

TEST(FingerprintTest, CountOver127UsesATwoByteVarint) {
  std::vector<Id> ids(200);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = 0; j < kIdSize; ++j) ids[i][j] = static_cast<std::uint8_t>((i * 7 + j) % 256);
  }
  EXPECT_EQ(fp_hex(ids), "280337cac658ea15a56427c5ffa8b3d1");
}

TEST(FingerprintTest, SumIsLittleEndianWithCarries) {
  // 0x00..0001 + 0xff..ff wraps to zero mod 2^256: the carry crosses every
  // limb and falls off the top.
  Id one{};
  one[0] = 1;
  Accumulator acc;
  acc.add(filled(0xff));
  acc.add(one);
  EXPECT_EQ(acc.bytes(), Id{});
  EXPECT_EQ(encoding::to_hex(acc.fingerprint(2)), "58cc2f44d3a27866874701fbad573da9");

  // Byte-wise sums without carries: 00 01 02.. + 01 02 03.. + 02 03 04..
  Accumulator seq;
  for (int start : {0, 1, 2}) {
    Id id;
    for (std::size_t j = 0; j < kIdSize; ++j) id[j] = static_cast<std::uint8_t>(static_cast<std::size_t>(start) + j);
    seq.add(id);
  }
  EXPECT_EQ(encoding::to_hex(seq.bytes()), "0306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d60");
  EXPECT_EQ(encoding::to_hex(seq.fingerprint(3)), "e5cbb2dc32830ad19015cd4d0c02c95a");

  // A carry out of the first limb only (byte 7 overflows into byte 8).
  Id low{};
  for (std::size_t j = 0; j < 8; ++j) low[j] = 0xff;
  Accumulator carry;
  carry.add(low);
  carry.add(one);
  EXPECT_EQ(encoding::to_hex(carry.bytes()),
            "0000000000000000010000000000000000000000000000000000000000000000");
}

TEST(FingerprintTest, SubtractUndoesAdd) {
  std::mt19937_64 rng(3);
  auto random_id = [&] {
    Id id;
    for (auto& b : id) b = static_cast<std::uint8_t>(rng());
    return id;
  };
  Accumulator base;
  for (int i = 0; i < 10; ++i) base.add(random_id());
  Accumulator extra;
  for (int i = 0; i < 10; ++i) extra.add(random_id());
  Accumulator sum = base;
  sum.add(extra);
  sum.subtract(extra);
  EXPECT_EQ(sum, base);

  // Borrow through every limb: 0 - 1 = 2^256 - 1.
  Accumulator zero;
  Accumulator one_acc;
  Id one{};
  one[0] = 1;
  one_acc.add(one);
  zero.subtract(one_acc);
  EXPECT_EQ(zero.bytes(), filled(0xff));
}

}  // namespace
}  // namespace tumar::reconcile
