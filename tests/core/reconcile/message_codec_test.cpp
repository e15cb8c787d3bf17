// Bound encoding (docs/negentropy-protocol-v1.md, "Bound"): hex vectors for
// the timestamp delta chain and id prefixes, and refusal of malformed bounds
// and modes.

#include "core/reconcile/message_codec.hpp"

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"

namespace tumar::reconcile {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

Bound prefixed(std::uint64_t ts, std::initializer_list<std::uint8_t> prefix) {
  Bound b;
  b.item.timestamp = ts;
  b.id_len = prefix.size();
  std::copy(prefix.begin(), prefix.end(), b.item.id.begin());
  return b;
}

TEST(ReconcileBoundTest, WritesTheDeltaChain) {
  BoundWriter w;
  Bytes out;
  w.write(Bound::at_timestamp(5), out);         // 1 + (5 - 0)
  w.write(Bound::at_timestamp(7), out);         // 1 + (7 - 5)
  w.write(prefixed(7, {0xab, 0xcd}), out);      // same timestamp: 1 + 0, then 2 bytes of prefix
  w.write(Bound::at_timestamp(300), out);       // 1 + 293 = 294 = 0x8226
  w.write(Bound::infinity(), out);              // infinity is 0, whatever came before
  EXPECT_EQ(encoding::to_hex(out), "0600" "0300" "0102abcd" "822600" "0000");
}

TEST(ReconcileBoundTest, EveryMessageStartsFromZero) {
  // The empty set's first message: "61", the bound (infinity, no prefix)
  // "0000", mode IdList "02", no ids "00". It is the query the reference's
  // test/protoversion.pl sends.
  BoundWriter w;
  Bytes out{kProtocolVersion};
  w.write(Bound::infinity(), out);
  append_mode(Mode::kIdList, out);
  out.push_back(0);
  EXPECT_EQ(encoding::to_hex(out), "6100000200");
}

TEST(ReconcileBoundTest, ReadsWhatItWrites) {
  const std::vector<Bound> bounds = {Bound::at_timestamp(0), Bound::at_timestamp(5), prefixed(5, {1, 2, 3}),
                                     Bound::at(Item{kInfinity - 1, Id{}}), Bound::infinity()};
  BoundWriter w;
  Bytes out;
  for (const Bound& b : bounds) w.write(b, out);
  MessageReader r(out);
  for (const Bound& b : bounds) {
    auto got = r.bound();
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(*got, b);
    EXPECT_EQ(got->id_len, b.id_len);
  }
  EXPECT_TRUE(r.at_end());
}

TEST(ReconcileBoundTest, TimestampsSaturateAtInfinity) {
  // 2^64 - 2 then a delta of 5: past the top, read as infinity (as the
  // reference does), not wrapped round to a small timestamp.
  Bytes in;
  BoundWriter w;
  w.write(Bound::at_timestamp(kInfinity - 1), in);
  in.insert(in.end(), {0x06, 0x00});
  MessageReader r(in);
  ASSERT_TRUE(r.bound());
  auto b = r.bound();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->item.timestamp, kInfinity);
}

TEST(ReconcileBoundTest, RefusesMalformedBounds) {
  for (const char* bad : {
           "",                  // nothing
           "05",                // no prefix length
           "0521",              // prefix of 33 bytes
           "0503abcd",          // prefix ends early
           "ffffffffffffffffffff7f00",  // timestamp varint too large
           "058000",            // prefix length not minimal
       }) {
    const Bytes bytes = hex(bad);
    MessageReader r(bytes);
    auto b = r.bound();
    EXPECT_FALSE(b) << bad;
    if (!b) {
      EXPECT_EQ(b.error().code(), core::Errc::kProtocol);
    }
  }
}

TEST(ReconcileBoundTest, ModesAreSkipFingerprintIdListOnly) {
  for (int m : {0, 1, 2}) {
    const Bytes bytes{static_cast<std::uint8_t>(m)};
    MessageReader r(bytes);
    auto mode = r.mode();
    ASSERT_TRUE(mode);
    EXPECT_EQ(static_cast<int>(*mode), m);
  }
  for (const char* bad : {"03", "04", "7f", "8100", ""}) {
    const Bytes bytes = hex(bad);
    MessageReader r(bytes);
    EXPECT_FALSE(r.mode()) << bad;
  }
}

}  // namespace
}  // namespace tumar::reconcile
