#pragma once
// What direct messaging keeps for a limited time only, swept in one call
// (SECURITY.md, "Direct messages"):
//
//   * DIRECT objects 30 days after they were written, on every replica
//     (network/direct_expiry.hpp), with the recipient's dm_inbox record
//     (a message for us that `msg list` has not read yet waits for it);
//   * skipped message keys 31 days after they were skipped, in every
//     stored session (ratchet/skipped_keys.hpp).
//
// Run by `tumar sync` before it connects and by `tumar serve` at start and
// every minute while it runs. Nothing here reads a clock: now_ms is passed in.

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/network/network_store.hpp"

namespace tumar::direct {

struct ExpiryReport {
  std::vector<network::ObjectId> objects;  // DIRECT objects deleted
  std::size_t skipped_keys = 0;            // skipped message keys deleted
};

// One transaction: all of it or nothing. `me`: this node's identity key.
[[nodiscard]] core::Result<ExpiryReport> expire_direct_metadata(network::NetworkStore& store,
                                                                const identity::IdentityKey& me, std::uint64_t now_ms);

}  // namespace tumar::direct
