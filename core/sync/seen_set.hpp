#pragma once
// The object ids one sync session has sent or received, so a live push
// never sends the peer an object it already has from this session (and a
// node that relays an object does not echo it back to where it came from).
//
// Bounded: it remembers the last `capacity` ids and forgets the oldest
// first. Forgetting costs at most one duplicate push, which the receiver's
// replica recognises; it never loses an object. An ordered set, not a hash
// set: a peer chooses what it sends us, so it must not be able to choose
// bucket collisions either.

#include <cstddef>
#include <deque>
#include <set>

#include "core/sync/replica.hpp"

namespace tumar::sync {

class SeenSet {
 public:
  explicit SeenSet(std::size_t capacity);

  bool contains(const ObjectId& id) const { return ids_.count(id) != 0; }
  // Remembers `id` (a no-op if already remembered), forgetting the oldest
  // one when full.
  void insert(const ObjectId& id);

  std::size_t size() const noexcept { return ids_.size(); }

 private:
  std::size_t capacity_;
  std::set<ObjectId> ids_;
  std::deque<ObjectId> order_;  // oldest first
};

}  // namespace tumar::sync
