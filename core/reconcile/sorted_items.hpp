#pragma once
// The set one side reconciles: items collected, then sealed into a sorted,
// duplicate-free vector that Negentropy reads (the reference's
// storage::Vector, docs/negentropy-protocol-v1.md "Preparation").
//
// Sealing also builds prefix sums of the ids (prefix_[i] = sum of the first
// i ids, mod 2^256), so the fingerprint of any index range costs one
// subtraction and one SHA-256 instead of a pass over the range. The price is
// 32 bytes per item next to the item's own 40.
//
// Not thread-safe while filling; after seal() it is read-only, and several
// Negentropy instances may share it.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/reconcile/fingerprint.hpp"
#include "core/reconcile/item.hpp"

namespace tumar::reconcile {

class SortedItems {
 public:
  // kInvalidArgument for the reserved timestamp kInfinity, or after seal().
  [[nodiscard]] core::Result<void> insert(std::uint64_t timestamp, const Id& id);
  [[nodiscard]] core::Result<void> insert(std::uint64_t timestamp, std::span<const std::uint8_t> id);

  // Sorts by (timestamp, id) and drops exact duplicates (inserting one record
  // twice is harmless). The same id under two timestamps is two items, as
  // in the reference; callers that key records by id should not do that.
  // kInvalidArgument if already sealed.
  [[nodiscard]] core::Result<void> seal();

  bool sealed() const noexcept { return sealed_; }
  std::size_t size() const noexcept { return items_.size(); }

  // Item i (i < size()). Aborts if not sealed or out of range: those are
  // programming errors, never peer input.
  const Item& item(std::size_t i) const;
  std::span<const Item> items() const noexcept { return items_; }

  // The first index in [begin, end) whose item is not below `bound`, or end.
  std::size_t lower_bound(std::size_t begin, std::size_t end, const Bound& bound) const;

  // Fingerprint of items [begin, end); begin <= end <= size().
  [[nodiscard]] Fingerprint fingerprint(std::size_t begin, std::size_t end) const;

 private:
  void check_range(std::size_t begin, std::size_t end) const;

  std::vector<Item> items_;
  std::vector<Accumulator> prefix_;  // size() + 1 entries once sealed
  bool sealed_ = false;
};

}  // namespace tumar::reconcile
