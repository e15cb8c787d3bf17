#pragma once
// Counters of one sync session, for logs and for the progress and report
// a front end shows. Plain numbers: front ends include this, not the codec.

#include <cstdint>

namespace tumar::sync {

struct SyncProgress {
  std::uint64_t objects_received = 0;  // envelopes that arrived, whatever the replica made of them
  std::uint64_t bytes_received = 0;    // their envelope bytes
  std::uint64_t objects_sent = 0;      // envelopes sent (answers, HAVE batches, pushes)
  std::uint64_t bytes_sent = 0;
  // Initiator: HAVE envelopes the node acknowledged. The node acknowledges a
  // batch only after the transaction that ingested it committed, so this is
  // what the peer holds on disk even if it crashes a moment later.
  std::uint64_t objects_acknowledged = 0;
  std::uint64_t accepted = 0;          // stored for the first time, released ones included
  std::uint64_t duplicates = 0;
  std::uint64_t pending = 0;
  std::uint64_t rejected = 0;
  std::uint64_t rounds_completed = 0;  // initiator: rounds it finished; responder: SyncDone received
  // Initiator: what reconciliation found, so far, that the peer holds and we
  // lack (to fetch) and the other way round (to send) — what a long sync
  // over Tor has left is these less what has moved.
  std::uint64_t objects_to_fetch = 0;
  std::uint64_t objects_to_send = 0;
};

}  // namespace tumar::sync
