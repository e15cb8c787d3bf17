#pragma once
// The profile's Tor settings (docs/PROTOCOL.md, "Bridges"): the bridge lines
// the person added (`tumar tor bridges`) and whether tumar may use direct
// TCP on its own (`tumar tor direct-tcp`). Kept as rows of the encrypted
// store's `setting` table, so no schema change was needed:
//   tor_bridges     the canonical lines (core/tor/bridge_line.hpp), in the
//                   order added, one per line ('\n' between; a canonical
//                   line holds no line break)
//   tor_direct_tcp  "1" or "0"; no row means "0"
// Every change is one transaction: all of it is stored, or none.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/store/database.hpp"
#include "core/tor/bridge_line.hpp"

namespace tumar::node {

// More than anyone pastes; keeps the one row small.
inline constexpr std::size_t kMaxStoredBridges = 64;

[[nodiscard]] core::Result<std::vector<std::string>> list_bridges(store::Database& db);

enum class BridgeAdded {
  kAdded,
  kAlreadyStored,  // the same canonical line was stored before, or earlier in this call
};

// One outcome per line given, in order. kTorBridgeTooMany{limit} if the new
// lines would pass kMaxStoredBridges; then nothing is stored.
[[nodiscard]] core::Result<std::vector<BridgeAdded>> add_bridges(store::Database& db,
                                                                  const std::vector<tor::BridgeLine>& bridges);

// By its number in list_bridges(), from 1: the line removed.
// kTorBridgeNoSuchNumber{number, count} outside 1..count.
[[nodiscard]] core::Result<std::string> remove_bridge(store::Database& db, std::size_t index_from_1);
// By its exact canonical line. kTorBridgeNotStored if it is not there.
[[nodiscard]] core::Result<void> remove_bridge(store::Database& db, std::string_view canonical_line);

// Whether tumar may use direct TCP without being given an address for the
// one command: false until set.
[[nodiscard]] core::Result<bool> direct_tcp_allowed(store::Database& db);
[[nodiscard]] core::Result<void> set_direct_tcp(store::Database& db, bool allowed);

}  // namespace tumar::node
