#pragma once
// Checked arithmetic for the counters objects carry: epochs, seqs, revision
// clocks, timestamps. Each is stored in SQLite as a signed 64-bit integer,
// so the largest is kMaxCounter (2^63-1); one more would wrap to a negative
// number there (and a uint64 at 2^64-1 to 0 here). A lead who pushed an
// epoch to 2^63-1 once made every removal after it fail this way. Nothing
// here saturates silently: the caller says what cannot be done.

#include <cstdint>
#include <optional>

#include "core/network/object_limits.hpp"

namespace tumar::network {

// value + 1, or nullopt if that would pass kMaxCounter (or value already does).
[[nodiscard]] constexpr std::optional<std::uint64_t> next_counter(std::uint64_t value) noexcept {
  if (value >= kMaxCounter) return std::nullopt;
  return value + 1;
}

// a + b, capped at UINT64_MAX: for comparisons against a deadline (now plus
// the allowed clock skew), where a sum past the top means "no limit".
[[nodiscard]] constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static_assert(!next_counter(kMaxCounter));
static_assert(!next_counter(UINT64_MAX));
static_assert(*next_counter(kMaxCounter - 1) == kMaxCounter);
static_assert(saturating_add(UINT64_MAX, 1) == UINT64_MAX);

}  // namespace tumar::network
