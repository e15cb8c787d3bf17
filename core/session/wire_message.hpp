#pragma once
// The unit a session carries (proto/tumar/wire.proto; docs/PROTOCOL.md,
// "Session messages" and "Sync"), in tumar's own types: one struct per body,
// one WireMessage holding exactly one of them. The generated protobuf code
// stays inside wire_codec.cpp, the only place that converts; nothing above
// core/session/ sees it.
//
// A decoded message already passed the strict decoder (wire_codec.hpp):
// every id is 32 bytes, every count and size within wire_limits.hpp, and the
// Objects kind is one of the four below. A built one is whatever its sender
// put in it; the decoder on the other side holds it to the same rules.

#include <array>
#include <cstdint>
#include <variant>
#include <vector>

#include "core/session/wire_limits.hpp"

namespace tumar::session {

// A network's or an object's id, the only size the decoder accepts
// (sync::NetworkId and sync::ObjectId are this type).
using WireId = std::array<std::uint8_t, kIdLen>;

// Asks the peer for a Pong with the same nonce: a liveness check. The
// padding is ignored by the receiver (it hides a message's true size).
struct Ping {
  std::uint64_t nonce = 0;
  std::vector<std::uint8_t> padding;
  bool operator==(const Ping&) const = default;
};

struct Pong {
  std::uint64_t nonce = 0;
  bool operator==(const Pong&) const = default;
};

// The sender is done and will close.
struct Goodbye {
  bool operator==(const Goodbye&) const = default;
};

// One Negentropy message about one network: a query from the dialler, a
// reply from the node (1..kMaxNegentropyLen bytes).
struct Reconcile {
  WireId network{};
  std::vector<std::uint8_t> negentropy;
  bool operator==(const Reconcile&) const = default;
};

// The node does not sync this network with this peer.
struct SyncRefused {
  WireId network{};
  bool operator==(const SyncRefused&) const = default;
};

// The dialler asks for these objects (1..kMaxWantIds ids, none twice).
struct WantObjects {
  WireId network{};
  std::vector<WireId> ids;
  bool operator==(const WantObjects&) const = default;
};

struct Objects {
  // The wire's numbers (wire_codec.cpp checks they agree with wire.proto).
  enum class Kind : std::uint8_t {
    kPush = 0,       // a new object, either direction, unasked and unacknowledged
    kHave = 1,       // dialler to node: what the node lacks; answered by ObjectsAck
    kAnswer = 2,     // node to dialler: part of the answer to WantObjects, more follows
    kAnswerEnd = 3,  // node to dialler: the rest of the answer (may hold no object)
  };
  WireId network{};
  Kind kind = Kind::kPush;
  std::vector<std::vector<std::uint8_t>> envelopes;  // 0..kMaxEnvelopesPerObjects, each 1..kMaxEnvelopeLen bytes
  bool operator==(const Objects&) const = default;
};

// The node received the dialler's HAVE batch for this network.
struct ObjectsAck {
  WireId network{};
  bool operator==(const ObjectsAck&) const = default;
};

// The dialler ends this network's round.
struct SyncDone {
  WireId network{};
  bool operator==(const SyncDone&) const = default;
};

// In the order of wire.proto's body fields: alternative i is field i + 1.
// There is no empty message: the decoder refuses one.
using WireMessage =
    std::variant<Ping, Pong, Goodbye, Reconcile, SyncRefused, WantObjects, Objects, ObjectsAck, SyncDone>;

// Which body a message holds, for a switch: WireMessage's alternatives in
// order (wire_codec.cpp checks both against wire.proto's field numbers).
enum class WireBody : std::uint8_t {
  kPing,
  kPong,
  kGoodbye,
  kReconcile,
  kSyncRefused,
  kWantObjects,
  kObjects,
  kObjectsAck,
  kSyncDone,
};

inline WireBody body_of(const WireMessage& message) noexcept { return static_cast<WireBody>(message.index()); }

}  // namespace tumar::session
