#pragma once
// The records Negentropy reconciles, and the bounds that cut their space
// into ranges (docs/negentropy-protocol-v1.md, "Preparation" and "Bound").
//
// An Item is (timestamp, 32-byte id), ordered by timestamp, then by id
// compared byte by byte as unsigned values. The timestamp 2^64 - 1 is
// reserved: it is the "infinity" that ends the last range, so no item may
// carry it (SortedItems::insert refuses it).
//
// A Bound is an Item whose id is only a prefix: the id_len first bytes are
// significant and the rest are zero. Its place in the order is that of the
// zero-padded Item, which is how the spec reads a short prefix ("the omitted
// trailing bytes are implicitly 0 bytes").

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace tumar::reconcile {

inline constexpr std::size_t kIdSize = 32;
using Id = std::array<std::uint8_t, kIdSize>;

// "Items may not use the max uint64 value as a timestamp since this is
// reserved as a special infinity value."
inline constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();

struct Item {
  std::uint64_t timestamp = 0;
  Id id{};

  // Members compare in declaration order: timestamp, then id; std::array of
  // uint8_t compares lexicographically as unsigned bytes, the spec's order.
  friend auto operator<=>(const Item&, const Item&) = default;
  friend bool operator==(const Item&, const Item&) = default;
};

struct Bound {
  Item item;                    // id bytes past id_len are zero
  std::size_t id_len = 0;       // 0..kIdSize significant id bytes

  // The upper bound of the last range: timestamp infinity, empty prefix.
  static Bound infinity() { return Bound{Item{kInfinity, Id{}}, 0}; }
  // A bound exactly at an item (the whole id is significant).
  static Bound at(const Item& item) { return Bound{item, kIdSize}; }
  // A bound at a timestamp alone (id prefix empty, i.e. all zero).
  static Bound at_timestamp(std::uint64_t timestamp) { return Bound{Item{timestamp, Id{}}, 0}; }

  // Bounds order like the Items they stand for; id_len only says how many
  // bytes go on the wire.
  friend auto operator<=>(const Bound& a, const Bound& b) { return a.item <=> b.item; }
  friend bool operator==(const Bound& a, const Bound& b) { return a.item == b.item; }
};

// The shortest bound that separates prev from curr (prev < curr): every item
// <= prev sorts below it and curr does not. Same rule as the reference's
// getMinimalBound, so our messages are the same size as its messages: when
// the timestamps differ the prefix is empty; otherwise it is the common id
// prefix plus the first differing byte.
inline Bound minimal_bound(const Item& prev, const Item& curr) {
  if (curr.timestamp != prev.timestamp) return Bound::at_timestamp(curr.timestamp);
  const auto mismatch = std::mismatch(curr.id.begin(), curr.id.end(), prev.id.begin());
  // prev < curr with equal timestamps means the ids differ somewhere.
  const auto shared = static_cast<std::size_t>(mismatch.first - curr.id.begin());
  Bound b;
  b.item.timestamp = curr.timestamp;
  b.id_len = std::min(shared + 1, kIdSize);
  std::copy_n(curr.id.begin(), b.id_len, b.item.id.begin());
  return b;
}

}  // namespace tumar::reconcile
