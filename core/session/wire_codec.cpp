#include "core/session/wire_codec.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <variant>

#include "core/error_ids.hpp"
#include "core/session/wire_limits.hpp"
#include "tumar/wire.pb.h"

namespace tumar::session {

namespace {

// WireMessage's alternatives, and WireBody, are wire.proto's body fields in
// order, and Objects::Kind holds the wire's numbers.
template <typename Body, WireBody kBody, int kField>
constexpr bool kAtField =
    std::is_same_v<std::variant_alternative_t<kField - 1, WireMessage>, Body> && int(kBody) == kField - 1;
static_assert(std::variant_size_v<WireMessage> == proto::WireMessage::kSyncDone);
static_assert(kAtField<Ping, WireBody::kPing, proto::WireMessage::kPing>);
static_assert(kAtField<Pong, WireBody::kPong, proto::WireMessage::kPong>);
static_assert(kAtField<Goodbye, WireBody::kGoodbye, proto::WireMessage::kGoodbye>);
static_assert(kAtField<Reconcile, WireBody::kReconcile, proto::WireMessage::kReconcile>);
static_assert(kAtField<SyncRefused, WireBody::kSyncRefused, proto::WireMessage::kSyncRefused>);
static_assert(kAtField<WantObjects, WireBody::kWantObjects, proto::WireMessage::kWantObjects>);
static_assert(kAtField<Objects, WireBody::kObjects, proto::WireMessage::kObjects>);
static_assert(kAtField<ObjectsAck, WireBody::kObjectsAck, proto::WireMessage::kObjectsAck>);
static_assert(kAtField<SyncDone, WireBody::kSyncDone, proto::WireMessage::kSyncDone>);
static_assert(int(Objects::Kind::kPush) == proto::Objects::PUSH);
static_assert(int(Objects::Kind::kHave) == proto::Objects::HAVE);
static_assert(int(Objects::Kind::kAnswer) == proto::Objects::ANSWER);
static_assert(int(Objects::Kind::kAnswerEnd) == proto::Objects::ANSWER_END);
static_assert(proto::Objects::Kind_MAX == proto::Objects::ANSWER_END);

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

// --- the generated types to tumar's, once the strict decoder passed them ---

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  return {p, p + s.size()};
}

// valid_body() checked the size.
WireId id_of(const std::string& s) {
  if (s.size() != kIdLen) std::abort();
  WireId id{};
  std::memcpy(id.data(), s.data(), id.size());
  return id;
}

WireMessage from_proto(const proto::WireMessage& m) {
  switch (m.body_case()) {
    case proto::WireMessage::kPing: return Ping{m.ping().nonce(), bytes_of(m.ping().padding())};
    case proto::WireMessage::kPong: return Pong{m.pong().nonce()};
    case proto::WireMessage::kGoodbye: return Goodbye{};
    case proto::WireMessage::kReconcile:
      return Reconcile{id_of(m.reconcile().network_id()), bytes_of(m.reconcile().negentropy())};
    case proto::WireMessage::kSyncRefused: return SyncRefused{id_of(m.sync_refused().network_id())};
    case proto::WireMessage::kWantObjects: {
      WantObjects want{id_of(m.want_objects().network_id()), {}};
      want.ids.reserve(static_cast<std::size_t>(m.want_objects().ids_size()));
      for (const std::string& id : m.want_objects().ids()) want.ids.push_back(id_of(id));
      return want;
    }
    case proto::WireMessage::kObjects: {
      Objects objects{id_of(m.objects().network_id()), static_cast<Objects::Kind>(m.objects().kind()), {}};
      objects.envelopes.reserve(static_cast<std::size_t>(m.objects().envelopes_size()));
      for (const std::string& e : m.objects().envelopes()) objects.envelopes.push_back(bytes_of(e));
      return objects;
    }
    case proto::WireMessage::kObjectsAck: return ObjectsAck{id_of(m.objects_ack().network_id())};
    case proto::WireMessage::kSyncDone: return SyncDone{id_of(m.sync_done().network_id())};
    case proto::WireMessage::BODY_NOT_SET: break;
  }
  std::abort();  // decode_wire refused it
}

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

namespace {

// --- tumar's types straight to the wire -----------------------------------
//
// encode_wire writes protobuf's wire format itself (protobuf.dev, "Encoding"):
// going through proto::WireMessage copied every envelope and padding once
// more on each send, 12-17% of bulk throughput (docs/PERFORMANCE.md). It
// writes exactly what protobuf's serializer writes for proto3: fields in
// number order, a singular field at its default (0, empty) left out, every
// element of a repeated field written, the oneof's body always written (an
// empty Goodbye is `1a 00`). WireCodecTest.EveryBodyEncodesToTheBytes-
// ProtobufWrites checks that byte for byte for every body and kind.

std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A length-delimited field's size: one tag byte (every field here is < 16),
// the length, the bytes.
std::size_t len_field_size(std::size_t n) noexcept { return 1 + varint_size(n) + n; }
std::size_t bytes_field_size(std::size_t n) noexcept { return n == 0 ? 0 : len_field_size(n); }
std::size_t varint_field_size(std::uint64_t v) noexcept { return v == 0 ? 0 : 1 + varint_size(v); }

class WireWriter {
 public:
  explicit WireWriter(std::uint8_t* at) noexcept : at_(at) {}
  std::uint8_t* end() const noexcept { return at_; }

  void varint(std::uint64_t v) noexcept {
    while (v >= 0x80) {
      *at_++ = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    *at_++ = static_cast<std::uint8_t>(v);
  }
  void tag(int field, int wire_type) noexcept { *at_++ = static_cast<std::uint8_t>((field << 3) | wire_type); }
  void len_field(int field, std::span<const std::uint8_t> bytes) noexcept {
    tag(field, kWireTypeLen);
    varint(bytes.size());
    if (!bytes.empty()) std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void bytes_field(int field, std::span<const std::uint8_t> bytes) noexcept {
    if (!bytes.empty()) len_field(field, bytes);
  }
  void varint_field(int field, std::uint64_t v) noexcept {
    if (v == 0) return;
    tag(field, kWireTypeVarint);
    varint(v);
  }

 private:
  std::uint8_t* at_;
};

// The body's own size (without its tag and length in WireMessage).
std::size_t body_size(const WireMessage& message) {
  return std::visit(
      Overloaded{
          [](const Ping& p) { return varint_field_size(p.nonce) + bytes_field_size(p.padding.size()); },
          [](const Pong& p) { return varint_field_size(p.nonce); },
          [](const Goodbye&) { return std::size_t{0}; },
          [](const Reconcile& r) { return bytes_field_size(r.network.size()) + bytes_field_size(r.negentropy.size()); },
          [](const SyncRefused& r) { return bytes_field_size(r.network.size()); },
          [](const WantObjects& w) {
            std::size_t n = bytes_field_size(w.network.size());
            for (const WireId& id : w.ids) n += len_field_size(id.size());
            return n;
          },
          [](const Objects& o) {
            std::size_t n = bytes_field_size(o.network.size());
            for (const auto& e : o.envelopes) n += len_field_size(e.size());
            return n + varint_field_size(static_cast<std::uint64_t>(o.kind));
          },
          [](const ObjectsAck& a) { return bytes_field_size(a.network.size()); },
          [](const SyncDone& d) { return bytes_field_size(d.network.size()); },
      },
      message);
}

void write_body(const WireMessage& message, WireWriter& w) {
  std::visit(Overloaded{
                 [&](const Ping& p) {
                   w.varint_field(1, p.nonce);
                   w.bytes_field(2, p.padding);
                 },
                 [&](const Pong& p) { w.varint_field(1, p.nonce); },
                 [&](const Goodbye&) {},
                 [&](const Reconcile& r) {
                   w.bytes_field(1, r.network);
                   w.bytes_field(2, r.negentropy);
                 },
                 [&](const SyncRefused& r) { w.bytes_field(1, r.network); },
                 [&](const WantObjects& want) {
                   w.bytes_field(1, want.network);
                   for (const WireId& id : want.ids) w.len_field(2, id);
                 },
                 [&](const Objects& o) {
                   if (std::uint8_t(o.kind) > std::uint8_t(Objects::Kind::kAnswerEnd)) {
                     core::misuse("session: an Objects message of no kind wire.proto defines");
                   }
                   w.bytes_field(1, o.network);
                   for (const auto& e : o.envelopes) w.len_field(2, e);
                   w.varint_field(3, static_cast<std::uint64_t>(o.kind));
                 },
                 [&](const ObjectsAck& a) { w.bytes_field(1, a.network); },
                 [&](const SyncDone& d) { w.bytes_field(1, d.network); },
             },
             message);
}

}  // namespace

std::vector<std::uint8_t> encode_wire(const WireMessage& message, std::size_t headroom) {
  const std::size_t body = body_size(message);
  const int field = static_cast<int>(message.index()) + 1;  // kAtField: body i is field i + 1
  const std::size_t size = len_field_size(body);
  std::vector<std::uint8_t> out(headroom + size);
  WireWriter w(out.data() + headroom);
  w.tag(field, kWireTypeLen);
  w.varint(body);
  write_body(message, w);
  if (w.end() != out.data() + out.size()) core::misuse("session: encode_wire's size and its bytes disagree");
  return out;
}

core::Result<WireMessage> decode_wire(std::span<const std::uint8_t> bytes) {
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
  return from_proto(message);
}

const char* wire_kind(const WireMessage& message) noexcept {
  return std::visit(Overloaded{
                        [](const Ping&) { return "ping"; },
                        [](const Pong&) { return "pong"; },
                        [](const Goodbye&) { return "goodbye"; },
                        [](const Reconcile&) { return "reconcile"; },
                        [](const SyncRefused&) { return "sync-refused"; },
                        [](const WantObjects&) { return "want-objects"; },
                        [](const Objects&) { return "objects"; },
                        [](const ObjectsAck&) { return "objects-ack"; },
                        [](const SyncDone&) { return "sync-done"; },
                    },
                    message);
}

}  // namespace tumar::session
