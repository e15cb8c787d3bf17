#include "core/session/wire_codec.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>

#include "core/error_ids.hpp"
#include "core/session/wire_limits.hpp"

namespace tumar::session {

std::vector<std::uint8_t> encode_wire(const proto::WireMessage& message) {
  std::vector<std::uint8_t> out(message.ByteSizeLong());
  if (!out.empty() && !message.SerializeToArray(out.data(), static_cast<int>(out.size()))) std::abort();
  return out;
}

namespace {

constexpr int kWireTypeVarint = 0;
constexpr int kWireTypeLen = 2;
// The repeated field of WantObjects (ids) and of Objects (envelopes).
constexpr std::uint64_t kRepeatedField = 2;

bool read_varint(std::span<const std::uint8_t> bytes, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
    const std::uint8_t b = bytes[pos++];
    value |= std::uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80u) == 0) return true;
  }
  return false;
}

// Walks one level of protobuf fields. For each field calls visit(field,
// wire_type, payload) where payload is the bytes of a length-delimited field
// (empty for the others). false if the bytes are not well-formed fields
// (then protobuf would refuse them too) or visit returned false.
template <typename Visit>
bool walk_fields(std::span<const std::uint8_t> bytes, Visit visit) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::uint64_t key = 0;
    if (!read_varint(bytes, pos, key)) return false;
    const auto wire_type = static_cast<int>(key & 7u);
    const std::uint64_t field = key >> 3;
    std::span<const std::uint8_t> payload;
    std::uint64_t scratch = 0;
    switch (wire_type) {
      case kWireTypeVarint:
        if (!read_varint(bytes, pos, scratch)) return false;
        break;
      case kWireTypeLen:
        if (!read_varint(bytes, pos, scratch) || scratch > bytes.size() - pos) return false;
        payload = bytes.subspan(pos, static_cast<std::size_t>(scratch));
        pos += static_cast<std::size_t>(scratch);
        break;
      case 1:  // 64-bit
        if (bytes.size() - pos < 8) return false;
        pos += 8;
        break;
      case 5:  // 32-bit
        if (bytes.size() - pos < 4) return false;
        pos += 4;
        break;
      default:  // groups: no tumar message has one
        return false;
    }
    if (!visit(field, wire_type, payload)) return false;
  }
  return true;
}

// Before protobuf allocates one string per repeated entry: the number of ids
// in a WantObjects and of envelopes in an Objects, and each one's length,
// read from the wire. (A body given twice is merged by protobuf, so entries
// are counted across both; the size check refuses such a message anyway.)
bool repeated_fields_within_limits(std::span<const std::uint8_t> bytes) {
  std::size_t ids = 0;
  std::size_t envelopes = 0;
  return walk_fields(bytes, [&](std::uint64_t body, int wire_type, std::span<const std::uint8_t> payload) {
    const bool want = body == proto::WireMessage::kWantObjects;
    const bool objects = body == proto::WireMessage::kObjects;
    if (wire_type != kWireTypeLen || (!want && !objects)) return true;
    return walk_fields(payload, [&](std::uint64_t field, int type, std::span<const std::uint8_t> entry) {
      if (field != kRepeatedField || type != kWireTypeLen) return true;
      if (want) return ++ids <= kMaxWantIds && entry.size() == kIdLen;
      return ++envelopes <= kMaxEnvelopesPerObjects && entry.size() <= kMaxEnvelopeLen;
    });
  });
}

bool is_id(const std::string& bytes) { return bytes.size() == kIdLen; }

bool valid_want(const proto::WantObjects& want) {
  if (!is_id(want.network_id()) || want.ids().empty() || std::size_t(want.ids_size()) > kMaxWantIds) return false;
  if (!std::all_of(want.ids().begin(), want.ids().end(), is_id)) return false;
  std::vector<std::string> sorted(want.ids().begin(), want.ids().end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

bool valid_objects(const proto::Objects& objects) {
  if (!is_id(objects.network_id()) || !proto::Objects_Kind_IsValid(objects.kind())) return false;
  const auto count = static_cast<std::size_t>(objects.envelopes_size());
  if (count > kMaxEnvelopesPerObjects) return false;
  // Only the end of an answer may be empty: the server may hold none of
  // what was asked for.
  if (count == 0 && objects.kind() != proto::Objects::ANSWER_END) return false;
  return std::all_of(objects.envelopes().begin(), objects.envelopes().end(), [](const std::string& e) {
    return !e.empty() && e.size() <= kMaxEnvelopeLen;
  });
}

bool valid_body(const proto::WireMessage& message) {
  switch (message.body_case()) {
    case proto::WireMessage::kPing:
    case proto::WireMessage::kPong:
    case proto::WireMessage::kGoodbye:
      return true;
    case proto::WireMessage::kReconcile: {
      const auto& r = message.reconcile();
      return is_id(r.network_id()) && !r.negentropy().empty() && r.negentropy().size() <= kMaxNegentropyLen;
    }
    case proto::WireMessage::kSyncRefused: return is_id(message.sync_refused().network_id());
    case proto::WireMessage::kWantObjects: return valid_want(message.want_objects());
    case proto::WireMessage::kObjects: return valid_objects(message.objects());
    case proto::WireMessage::kObjectsAck: return is_id(message.objects_ack().network_id());
    case proto::WireMessage::kSyncDone: return is_id(message.sync_done().network_id());
    case proto::WireMessage::BODY_NOT_SET: break;
  }
  return false;
}

}  // namespace

core::Result<proto::WireMessage> decode_wire(std::span<const std::uint8_t> bytes) {
  auto refused = [] { return core::fail<core::ErrorId::kSessionMalformedMessage>(core::Errc::kProtocol); };
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return refused();
  if (!repeated_fields_within_limits(bytes)) return refused();
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
  if (!valid_body(message)) return refused();
  return message;
}

const char* wire_kind(const proto::WireMessage& message) noexcept {
  switch (message.body_case()) {
    case proto::WireMessage::kPing: return "ping";
    case proto::WireMessage::kPong: return "pong";
    case proto::WireMessage::kGoodbye: return "goodbye";
    case proto::WireMessage::kReconcile: return "reconcile";
    case proto::WireMessage::kSyncRefused: return "sync-refused";
    case proto::WireMessage::kWantObjects: return "want-objects";
    case proto::WireMessage::kObjects: return "objects";
    case proto::WireMessage::kObjectsAck: return "objects-ack";
    case proto::WireMessage::kSyncDone: return "sync-done";
    case proto::WireMessage::BODY_NOT_SET: break;
  }
  return "empty";
}

}  // namespace tumar::session
