#pragma once
// What both roles of a sync session share: the replica, the peer, the
// limits, the ids seen, the counters; and the two paths every object takes,
// in (ingest) and out (send). Internal to SyncSession.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/error_ids.hpp"
#include "core/identity/identity.hpp"
#include "core/session/wire_message.hpp"
#include "core/sync/replica.hpp"
#include "core/sync/seen_set.hpp"
#include "core/sync/sync_limits.hpp"
#include "core/sync/sync_output.hpp"

namespace tumar::sync {

struct SyncContext {
  SyncContext(Replica& r, const identity::IdentityKey& p, const SyncLimits& l)
      : replica(&r), peer(p), limits(l), seen(l.seen_capacity) {}

  Replica* replica;
  identity::IdentityKey peer;
  SyncLimits limits;
  SeenSet seen;
  SyncProgress progress;
};

// The error for a peer that broke the sync protocol: `Id` (sync.* in
// core/error_ids.hpp) says what it did, with no fields: never an id or a key.
template <core::ErrorId Id>
tl::unexpected<core::Error> misbehaved() {
  return core::fail<Id>(core::Errc::kProtocol);
}

// The same for a peer's message a lower layer refused (reconciliation, say):
// that layer's error, passed through as the peer's misbehaviour.
tl::unexpected<core::Error> misbehaved(const core::Error& refused);

// Envelopes received from the peer and not yet handed to the replica, with
// their ids (computed once, as they arrive).
struct ReceivedEnvelopes {
  std::vector<std::vector<std::uint8_t>> envelopes;
  std::vector<ObjectId> ids;
  std::size_t bytes = 0;

  bool empty() const noexcept { return envelopes.empty(); }
  std::size_t size() const noexcept { return envelopes.size(); }
};

// Adds the envelopes of one Objects message to `into` and counts them as
// received. `admit` sees each envelope's id first and may refuse it (the
// session then closes; nothing of the message is kept).
core::Result<void> receive_objects(SyncContext& ctx, const session::Objects& objects, ReceivedEnvelopes& into,
                                   const std::function<core::Result<void>(const ObjectId&)>& admit);

// Hands `received` (emptied) to the replica as one batch, one transaction.
// Accepted and released objects go to out.accepted; rejected ones are
// counted, and close the session past limits.max_rejected; an object the
// replica files under another network than `network` closes it too.
core::Result<void> ingest_received(SyncContext& ctx, const NetworkId& network, ReceivedEnvelopes& received,
                                   std::uint64_t now_unix_ms, SyncOutput& out);

// receive_objects then ingest_received: one Objects message, one batch.
core::Result<void> ingest_objects(SyncContext& ctx, const NetworkId& network, const session::Objects& objects,
                                  std::uint64_t now_unix_ms, SyncOutput& out,
                                  const std::function<core::Result<void>(const ObjectId&)>& admit);

// Appends the Objects messages that carry `envelopes` about `network`:
// batches within the limits, each of kind `kind` except the last, which is
// `last_kind`. At least one message, even for no envelope. Counts them as
// sent and remembers their ids.
void send_objects(SyncContext& ctx, const NetworkId& network, std::vector<std::vector<std::uint8_t>> envelopes,
                  session::Objects::Kind kind, session::Objects::Kind last_kind, SyncOutput& out);

// Whether an envelope from our own replica is one we can send: 1..64 KiB.
// The replica stores nothing else; one that does is skipped, not sent to
// make the peer close the session.
bool sendable(std::span<const std::uint8_t> envelope) noexcept;

}  // namespace tumar::sync
