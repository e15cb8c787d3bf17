#pragma once
// What a sync session hands back to its driver besides messages: objects to
// flood on, and counters for logs and `tumar sync`'s report.

#include <cstdint>
#include <vector>

#include "core/sync/replica.hpp"
#include "tumar/wire.pb.h"

namespace tumar::sync {

// The dialler of the connection is the initiator: the Negentropy client,
// who starts every round. The other side answers as the server.
enum class Role { kInitiator, kResponder };

// An object this session stored for the first time (the replica accepted
// it, or released it from its pending queue): the node pushes it to its
// other sessions.
struct NewObject {
  NetworkId network{};
  std::vector<std::uint8_t> envelope;
};

struct SyncOutput {
  std::vector<proto::WireMessage> send;  // send these, in order
  std::vector<NewObject> accepted;       // flood these to other peers
};

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
};

}  // namespace tumar::sync
