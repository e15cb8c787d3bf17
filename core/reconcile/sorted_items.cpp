#include "core/reconcile/sorted_items.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::reconcile {

core::Result<void> SortedItems::insert(std::uint64_t timestamp, const Id& id) {
  if (sealed_) return core::fail<core::ErrorId::kReconcileAddAfterSeal>(core::Errc::kInvalidArgument);
  if (timestamp == kInfinity) {
    return core::fail<core::ErrorId::kReconcileInfiniteTimestamp>(core::Errc::kInvalidArgument);
  }
  items_.push_back(Item{timestamp, id});
  return {};
}

core::Result<void> SortedItems::insert(std::uint64_t timestamp, std::span<const std::uint8_t> id) {
  if (id.size() != kIdSize) return core::fail<core::ErrorId::kReconcileIdSize>(core::Errc::kInvalidArgument);
  Id fixed{};
  std::copy(id.begin(), id.end(), fixed.begin());
  return insert(timestamp, fixed);
}

core::Result<void> SortedItems::seal() {
  if (sealed_) return core::fail<core::ErrorId::kReconcileAlreadySealed>(core::Errc::kInvalidArgument);
  std::sort(items_.begin(), items_.end());
  items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
  items_.shrink_to_fit();
  prefix_.resize(items_.size() + 1);
  for (std::size_t i = 0; i < items_.size(); ++i) {
    prefix_[i + 1] = prefix_[i];
    prefix_[i + 1].add(items_[i].id);
  }
  sealed_ = true;
  return {};
}

const Item& SortedItems::item(std::size_t i) const {
  if (!sealed_) core::misuse("SortedItems: read before seal()");
  if (i >= items_.size()) core::misuse("SortedItems: item index out of range");
  return items_[i];
}

void SortedItems::check_range(std::size_t begin, std::size_t end) const {
  if (!sealed_) core::misuse("SortedItems: read before seal()");
  if (begin > end || end > items_.size()) core::misuse("SortedItems: bad index range");
}

std::size_t SortedItems::lower_bound(std::size_t begin, std::size_t end, const Bound& bound) const {
  check_range(begin, end);
  const auto first = items_.begin() + static_cast<std::ptrdiff_t>(begin);
  const auto last = items_.begin() + static_cast<std::ptrdiff_t>(end);
  return static_cast<std::size_t>(std::lower_bound(first, last, bound.item) - items_.begin());
}

Fingerprint SortedItems::fingerprint(std::size_t begin, std::size_t end) const {
  check_range(begin, end);
  Accumulator sum = prefix_[end];
  sum.subtract(prefix_[begin]);
  return sum.fingerprint(end - begin);
}

}  // namespace tumar::reconcile
