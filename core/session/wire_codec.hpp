#pragma once
// Strict encoding of WireMessage (wire_message.hpp), the unit a session
// carries, as tumar.proto.WireMessage; the generated code is used in
// wire_codec.cpp alone. The decoder accepts only what encode() would
// produce: exactly one body field, no unknown fields, no field twice,
// minimal varints (field order is not checked; see wire_codec.cpp). A parser
// that accepts several spellings of one message is a parser two
// implementations will disagree on.
//
// The sync bodies (Reconcile .. SyncDone) are held to their sizes and counts
// as well (core/sync/sync_limits.hpp): ids of exactly 32 bytes, envelopes
// of 1..64 KiB, at most 64 ids per WantObjects and 1024 envelopes per
// Objects, no id twice in one WantObjects, a known Objects kind. Counts and
// lengths of repeated fields are read from the wire bytes before protobuf
// parses (and allocates) anything.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/session/wire_message.hpp"

namespace tumar::session {

// The encoding, after `headroom` zero bytes left for the caller to fill
// (PeerSession::send puts the fragment flag there, so the message is sealed
// where it was encoded). It encodes even what the decoder would refuse (an
// empty push, an id asked for twice): limits are the receiver's to check.
// An Objects kind that is not one of the four aborts (a programming error).
std::vector<std::uint8_t> encode_wire(const WireMessage& message, std::size_t headroom = 0);

// kProtocol for anything that is not a strictly encoded WireMessage with a body.
[[nodiscard]] core::Result<WireMessage> decode_wire(std::span<const std::uint8_t> bytes);

// "ping", "pong", "goodbye", "reconcile", ...: for logs and errors.
const char* wire_kind(const WireMessage& message) noexcept;

}  // namespace tumar::session
