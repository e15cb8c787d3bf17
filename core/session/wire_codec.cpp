#include "core/session/wire_codec.hpp"

#include <algorithm>
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
  // proto3 keeps unknown fields and would re-encode them; dropping them
  // first makes the comparison below catch them.
  message.DiscardUnknownFields();
  // Canonical: re-encoding gives back exactly the input (no unknown fields,
  // no repeated or reordered fields, no non-minimal varints).
  std::vector<std::uint8_t> again = encode_wire(message);
  if (again.size() != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin())) return refused();
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
