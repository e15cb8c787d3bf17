#pragma once
// What `tumar status` shows of a node that may be running in another
// process (issue 18): whether `serve` runs and where, how far its tor got,
// and when each peer was last reached. The running node writes these rows
// (the `setting` table: in the encrypted store, like everything else);
// status only reads them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/store/database.hpp"

namespace tumar::node {

struct TorState {
  std::string state;          // "connecting", "ready", "restarting", "stopped"
  int progress = 0;           // tor's bootstrap percentage
  std::string summary;        // tor's own words for the step (public)
  std::uint64_t since_s = 0;  // unix seconds of the last change
};

// When a handshake with `peer` last ended with both sides admitted.
[[nodiscard]] core::Result<void> record_reached(store::Database& db, const identity::IdentityKey& peer,
                                                std::uint64_t unix_s);
[[nodiscard]] core::Result<std::map<identity::IdentityKey, std::uint64_t>> reached_times(store::Database& db);

[[nodiscard]] core::Result<void> record_tor_state(store::Database& db, const TorState& state);
[[nodiscard]] core::Result<std::optional<TorState>> tor_state(store::Database& db);

// The pid of the running `serve` (nullopt: none recorded, or it stopped).
[[nodiscard]] core::Result<void> record_serve_pid(store::Database& db, std::optional<std::int64_t> pid);
[[nodiscard]] core::Result<std::optional<std::int64_t>> serve_pid(store::Database& db);

}  // namespace tumar::node
