// SortedItems: order, duplicates, the reserved timestamp, lower bounds
// with id prefixes, and prefix-sum fingerprints against a plain sum.

#include "core/reconcile/sorted_items.hpp"

#include <gtest/gtest.h>

#include <random>

namespace tumar::reconcile {
namespace {

Id id_of(std::uint8_t first, std::uint8_t second = 0) {
  Id id{};
  id[0] = first;
  id[1] = second;
  return id;
}

TEST(SortedItemsTest, SortsByTimestampThenIdAndDropsExactDuplicates) {
  SortedItems s;
  ASSERT_TRUE(s.insert(5, id_of(1)));
  ASSERT_TRUE(s.insert(3, id_of(9)));
  ASSERT_TRUE(s.insert(5, id_of(0, 7)));
  ASSERT_TRUE(s.insert(3, id_of(9)));  // exact duplicate
  ASSERT_TRUE(s.insert(5, id_of(0xff)));  // unsigned byte order: 0xff sorts last
  ASSERT_TRUE(s.seal());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.item(0), (Item{3, id_of(9)}));
  EXPECT_EQ(s.item(1), (Item{5, id_of(0, 7)}));
  EXPECT_EQ(s.item(2), (Item{5, id_of(1)}));
  EXPECT_EQ(s.item(3), (Item{5, id_of(0xff)}));
}

TEST(SortedItemsTest, RefusesInfinityWrongSizesAndLateInserts) {
  SortedItems s;
  auto inf = s.insert(kInfinity, id_of(1));
  ASSERT_FALSE(inf);
  EXPECT_EQ(inf.error().code(), core::Errc::kInvalidArgument);
  ASSERT_TRUE(s.insert(kInfinity - 1, id_of(1)));
  const std::vector<std::uint8_t> short_id(31, 0);
  EXPECT_FALSE(s.insert(1, short_id));
  ASSERT_TRUE(s.seal());
  EXPECT_FALSE(s.insert(1, id_of(2)));
  EXPECT_FALSE(s.seal());
  EXPECT_EQ(s.size(), 1u);
}

TEST(SortedItemsTest, LowerBoundReadsShortPrefixesAsZeroPadded) {
  SortedItems s;
  for (int b : {0x10, 0x20, 0x30}) ASSERT_TRUE(s.insert(7, id_of(static_cast<std::uint8_t>(b), 0x05)));
  ASSERT_TRUE(s.insert(9, id_of(0)));
  ASSERT_TRUE(s.seal());
  Bound b;
  b.item.timestamp = 7;
  b.id_len = 1;
  b.item.id[0] = 0x20;  // (7, 20 00 00..) sorts before (7, 20 05 ..)
  EXPECT_EQ(s.lower_bound(0, s.size(), b), 1u);
  EXPECT_EQ(s.lower_bound(2, s.size(), b), 2u);  // never before `begin`
  EXPECT_EQ(s.lower_bound(0, s.size(), Bound::at(s.item(2))), 2u);
  EXPECT_EQ(s.lower_bound(0, s.size(), Bound::at_timestamp(8)), 3u);
  EXPECT_EQ(s.lower_bound(0, s.size(), Bound::infinity()), 4u);
  EXPECT_EQ(s.lower_bound(0, s.size(), Bound{}), 0u);
}

TEST(SortedItemsTest, RangeFingerprintsMatchAPlainSum) {
  std::mt19937_64 rng(4);
  SortedItems s;
  for (int i = 0; i < 300; ++i) {
    Id id;
    for (auto& b : id) b = static_cast<std::uint8_t>(rng());
    ASSERT_TRUE(s.insert(rng() % 50, id));
  }
  ASSERT_TRUE(s.seal());
  for (int t = 0; t < 200; ++t) {
    std::size_t a = rng() % (s.size() + 1), b = rng() % (s.size() + 1);
    if (a > b) std::swap(a, b);
    Accumulator plain;
    for (std::size_t i = a; i < b; ++i) plain.add(s.item(i).id);
    EXPECT_EQ(s.fingerprint(a, b), plain.fingerprint(b - a)) << a << ".." << b;
  }
}

TEST(SortedItemsTest, MinimalBoundSeparatesNeighbours) {
  const Item a{7, id_of(0x10, 0x01)};
  const Item b{7, id_of(0x10, 0x02)};
  const Bound m = minimal_bound(a, b);
  EXPECT_EQ(m.id_len, 2u);  // common prefix 1 byte, plus the differing byte
  EXPECT_LT(a, m.item);
  EXPECT_LE(m.item, b);
  const Bound t = minimal_bound(a, Item{8, id_of(0)});
  EXPECT_EQ(t.id_len, 0u);
  EXPECT_EQ(t.item.timestamp, 8u);
}

}  // namespace
}  // namespace tumar::reconcile
