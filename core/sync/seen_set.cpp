#include "core/sync/seen_set.hpp"

#include <cstdlib>

namespace tumar::sync {

SeenSet::SeenSet(std::size_t capacity) : capacity_(capacity) {
  if (capacity_ == 0) std::abort();
}

void SeenSet::insert(const ObjectId& id) {
  if (!ids_.insert(id).second) return;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace tumar::sync
