#pragma once
// Strict encoding of tumar.proto.WireMessage, the unit a session carries.
// The decoder accepts only what encode() would produce: exactly one body
// field, no unknown fields, canonical field order. A parser that accepts
// several spellings of one message is a parser two implementations will
// disagree on.

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "tumar/wire.pb.h"

namespace tumar::session {

std::vector<std::uint8_t> encode_wire(const proto::WireMessage& message);

// kProtocol for anything that is not a canonical WireMessage with a body.
[[nodiscard]] core::Result<proto::WireMessage> decode_wire(std::span<const std::uint8_t> bytes);

// "ping", "pong", "goodbye": for logs and errors.
const char* wire_kind(const proto::WireMessage& message) noexcept;

}  // namespace tumar::session
