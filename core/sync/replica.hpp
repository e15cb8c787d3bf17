#pragma once
// What a sync session needs from the local replica of a node's networks
// (docs/PROTOCOL.md, "Sync"). The network store implements it; tests use an
// in-memory double. Sans-I/O: the wall-clock time (for the timestamp-skew
// rule) comes from the caller.

#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/reconcile/item.hpp"

namespace tumar::sync {

using NetworkId = std::array<std::uint8_t, 32>;
using ObjectId = std::array<std::uint8_t, 32>;

enum class IngestOutcome {
  kAccepted,   // new, valid, stored: flood it on to other peers
  kDuplicate,  // already stored (or already pending): do nothing
  kPending,    // valid so far but waits for an object it depends on (held in memory, bounded)
  kRejected,   // invalid: counted and logged at debug level, never stored
};

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kRejected;
  ObjectId id{};
  NetworkId network{};
  // Why it was rejected or held (core/error_ids.hpp, "why an object was
  // rejected or held", or the check's own error); public facts only.
  std::optional<core::Error> reason;
  // Objects that were pending and became valid because of this one (already
  // stored): they are flooded on like an accepted one.
  std::vector<std::vector<std::uint8_t>> released;
};

// Membership objects a responder sends a joining member unasked, at most;
// the rest come when asked for, like everything else.
inline constexpr std::size_t kMaxBootstrapObjects = 2048;

class Replica {
 public:
  virtual ~Replica() = default;

  // Networks that both we and `peer` belong to now (admitted, not removed).
  virtual core::Result<std::vector<NetworkId>> shared_networks(const identity::IdentityKey& peer) = 0;
  // Whether `peer` may sync `network` with us (member, not removed, and so are we).
  virtual core::Result<bool> may_sync(const NetworkId& network, const identity::IdentityKey& peer) = 0;
  // Every stored object of a network as (timestamp, id), for reconciliation.
  virtual core::Result<std::vector<reconcile::Item>> items(const NetworkId& network) = 0;
  // The stored envelopes with these ids, in the given order; unknown ids are skipped.
  virtual core::Result<std::vector<std::vector<std::uint8_t>>> envelopes(const NetworkId& network,
                                                                         std::span<const ObjectId> ids) = 0;
  // What a member who holds nothing of `network` yet needs first, to judge
  // everything else as it arrives: the genesis, the admissions and removals
  // (at most kMaxBootstrapObjects of them, oldest first) and the key grants
  // addressed to `peer`, in (timestamp, id) order. A responder sends them
  // unasked when such a member starts a round (docs/PROTOCOL.md, "A round",
  // a joining member): its grant is among the network's newest objects, and
  // fetched oldest first, everything before it had to wait in memory.
  virtual core::Result<std::vector<std::vector<std::uint8_t>>> bootstrap_envelopes(
      const NetworkId& /*network*/, const identity::IdentityKey& /*peer*/) {
    return std::vector<std::vector<std::uint8_t>>{};
  }
  // Validates and stores one envelope a peer sent. Never throws; a storage
  // failure is an error (the session should close), a bad object is kRejected.
  virtual core::Result<IngestResult> ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_unix_ms) = 0;
  // Several at once: the store commits them in one transaction (one fsync
  // instead of one per object). Results in the same order.
  virtual core::Result<std::vector<IngestResult>> ingest_batch(std::span<const std::vector<std::uint8_t>> envelopes,
                                                               std::uint64_t now_unix_ms) {
    std::vector<IngestResult> out;
    out.reserve(envelopes.size());
    for (const auto& e : envelopes) {
      TUMAR_TRY_ASSIGN(r, ingest(e, now_unix_ms));
      out.push_back(std::move(r));
    }
    return out;
  }
};

}  // namespace tumar::sync
