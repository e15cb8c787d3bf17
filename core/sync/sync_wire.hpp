#pragma once
// The sync bodies of WireMessage (proto/tumar/wire.proto): builders, and
// reading the fields the strict decoder (core/session/wire_codec.cpp) has
// already checked.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/sync/replica.hpp"
#include "tumar/wire.pb.h"

namespace tumar::sync {

// An object's id: BLAKE2b-256 of its envelope's bytes (proto/tumar/network.proto).
ObjectId object_id(std::span<const std::uint8_t> envelope);

// A 32-byte field of a decoded message. Any other size aborts: decode_wire
// refuses it, so this is a programming error, never peer input.
std::array<std::uint8_t, 32> id_from_wire(const std::string& bytes);

// Whether the message is one of the sync bodies (Reconcile .. SyncDone),
// and the network it is about.
bool is_sync_message(const proto::WireMessage& message) noexcept;
std::optional<NetworkId> network_of(const proto::WireMessage& message);

proto::WireMessage reconcile_message(const NetworkId& network, std::span<const std::uint8_t> negentropy);
proto::WireMessage refused_message(const NetworkId& network);
proto::WireMessage want_message(const NetworkId& network, std::span<const ObjectId> ids);
proto::WireMessage objects_message(const NetworkId& network, proto::Objects::Kind kind,
                                   std::span<const std::vector<std::uint8_t>> envelopes);
proto::WireMessage ack_message(const NetworkId& network);
proto::WireMessage done_message(const NetworkId& network);

// How many of `envelopes`, from the front, go in one Objects message: as
// many as fit in `batch_bytes` of envelope bytes and kMaxEnvelopesPerObjects,
// and at least one if there is one.
std::size_t batch_prefix(std::span<const std::vector<std::uint8_t>> envelopes, std::size_t batch_bytes);

}  // namespace tumar::sync
