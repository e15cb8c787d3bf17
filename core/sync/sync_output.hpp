#pragma once
// What a sync session hands back to its driver besides messages: objects to
// flood on, and counters for logs and `tumar sync`'s report.

#include <cstdint>
#include <vector>

#include "core/session/wire_message.hpp"
#include "core/sync/replica.hpp"
#include "core/sync/sync_progress.hpp"

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
  std::vector<session::WireMessage> send;  // send these, in order
  std::vector<NewObject> accepted;         // flood these to other peers
};


}  // namespace tumar::sync
