#include "core/session/wire_codec.hpp"

#include <cstdlib>
#include <limits>

namespace tumar::session {

std::vector<std::uint8_t> encode_wire(const proto::WireMessage& message) {
  std::vector<std::uint8_t> out(message.ByteSizeLong());
  if (!out.empty() && !message.SerializeToArray(out.data(), static_cast<int>(out.size()))) std::abort();
  return out;
}

core::Result<proto::WireMessage> decode_wire(std::span<const std::uint8_t> bytes) {
  auto refused = [] { return core::fail(core::Errc::kProtocol, "The peer sent a malformed session message."); };
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return refused();
  proto::WireMessage message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return refused();
  if (message.body_case() == proto::WireMessage::BODY_NOT_SET) return refused();
  // proto3 keeps unknown fields; dropping them and comparing the encoded
  // size with the input's refuses unknown fields, a field given twice and
  // non-minimal varints, without re-encoding a message that may be 1 MiB.
  // (Field order is not checked: it changes no meaning, and nothing hashes
  // or signs a WireMessage; signed objects get their own canonical check.)
  message.DiscardUnknownFields();
  if (message.ByteSizeLong() != bytes.size()) return refused();
  return message;
}

const char* wire_kind(const proto::WireMessage& message) noexcept {
  switch (message.body_case()) {
    case proto::WireMessage::kPing: return "ping";
    case proto::WireMessage::kPong: return "pong";
    case proto::WireMessage::kGoodbye: return "goodbye";
    case proto::WireMessage::BODY_NOT_SET: break;
  }
  return "empty";
}

}  // namespace tumar::session
