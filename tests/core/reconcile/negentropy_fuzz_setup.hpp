#pragma once
// What tests/fuzz/negentropy_fuzz.cpp and its seed generator
// (negentropy_fuzz_seeds_test.cpp) agree on: the fuzz target's own set, the
// peer set the seeds come from, and the input layout.
//
// Input: byte 0 picks the frame size limit (bit 0: none or kMinFrameSizeLimit);
// the rest is one Negentropy message, fed both to a server as a query and to
// a client (after initiate()) as a reply.

#include <cstdint>

#include "reconcile_test_support.hpp"

namespace tumar::reconcile::fuzz {

inline constexpr std::uint64_t kSetSeed = 2024;

// 600 items over 40 timestamps, so bounds need id prefixes; the two sides
// share most items and each has some of its own.
inline const test::SetPair& sets() {
  static const test::SetPair pair = test::random_sets(kSetSeed, 600, 1, 1, 8, 40);
  return pair;
}
inline const SortedItems& own_items() {
  static const SortedItems items = test::seal(sets().server);
  return items;
}
inline const SortedItems& peer_items() {
  static const SortedItems items = test::seal(sets().client);
  return items;
}

inline std::uint64_t frame_limit(std::uint8_t config) { return (config & 1) != 0 ? kMinFrameSizeLimit : 0; }

}  // namespace tumar::reconcile::fuzz
