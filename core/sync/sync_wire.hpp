#pragma once
// The sync bodies of session::WireMessage (core/session/wire_message.hpp):
// builders, and which network a message is about.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/session/wire_message.hpp"
#include "core/sync/replica.hpp"

namespace tumar::sync {

// An object's id: BLAKE2b-256 of its envelope's bytes (proto/tumar/network.proto).
ObjectId object_id(std::span<const std::uint8_t> envelope);

// Whether the message is one of the sync bodies (Reconcile .. SyncDone),
// and the network it is about.
bool is_sync_message(const session::WireMessage& message) noexcept;
std::optional<NetworkId> network_of(const session::WireMessage& message) noexcept;

session::WireMessage reconcile_message(const NetworkId& network, std::span<const std::uint8_t> negentropy);
session::WireMessage refused_message(const NetworkId& network);
session::WireMessage want_message(const NetworkId& network, std::span<const ObjectId> ids);
session::WireMessage objects_message(const NetworkId& network, session::Objects::Kind kind,
                                     std::vector<std::vector<std::uint8_t>> envelopes);
session::WireMessage ack_message(const NetworkId& network);
session::WireMessage done_message(const NetworkId& network);

// How many of `envelopes`, from the front, go in one Objects message: as
// many as fit in `batch_bytes` of envelope bytes and kMaxEnvelopesPerObjects,
// and at least one if there is one.
std::size_t batch_prefix(std::span<const std::vector<std::uint8_t>> envelopes, std::size_t batch_bytes);

}  // namespace tumar::sync
