#include "core/sync/sync_wire.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "core/sync/sync_limits.hpp"

namespace tumar::sync {
namespace {

void set_id(std::string* field, const std::array<std::uint8_t, 32>& id) {
  field->assign(reinterpret_cast<const char*>(id.data()), id.size());
}

}  // namespace

ObjectId object_id(std::span<const std::uint8_t> envelope) {
  ObjectId id{};
  crypto_generichash(id.data(), id.size(), envelope.data(), envelope.size(), nullptr, 0);
  return id;
}

std::array<std::uint8_t, 32> id_from_wire(const std::string& bytes) {
  if (bytes.size() != kIdLen) std::abort();
  std::array<std::uint8_t, 32> id{};
  std::memcpy(id.data(), bytes.data(), id.size());
  return id;
}

bool is_sync_message(const proto::WireMessage& message) noexcept {
  switch (message.body_case()) {
    case proto::WireMessage::kReconcile:
    case proto::WireMessage::kSyncRefused:
    case proto::WireMessage::kWantObjects:
    case proto::WireMessage::kObjects:
    case proto::WireMessage::kObjectsAck:
    case proto::WireMessage::kSyncDone:
      return true;
    default:
      return false;
  }
}

std::optional<NetworkId> network_of(const proto::WireMessage& message) {
  switch (message.body_case()) {
    case proto::WireMessage::kReconcile: return id_from_wire(message.reconcile().network_id());
    case proto::WireMessage::kSyncRefused: return id_from_wire(message.sync_refused().network_id());
    case proto::WireMessage::kWantObjects: return id_from_wire(message.want_objects().network_id());
    case proto::WireMessage::kObjects: return id_from_wire(message.objects().network_id());
    case proto::WireMessage::kObjectsAck: return id_from_wire(message.objects_ack().network_id());
    case proto::WireMessage::kSyncDone: return id_from_wire(message.sync_done().network_id());
    default: return std::nullopt;
  }
}

proto::WireMessage reconcile_message(const NetworkId& network, std::span<const std::uint8_t> negentropy) {
  proto::WireMessage m;
  auto* r = m.mutable_reconcile();
  set_id(r->mutable_network_id(), network);
  r->set_negentropy(reinterpret_cast<const char*>(negentropy.data()), negentropy.size());
  return m;
}

proto::WireMessage refused_message(const NetworkId& network) {
  proto::WireMessage m;
  set_id(m.mutable_sync_refused()->mutable_network_id(), network);
  return m;
}

proto::WireMessage want_message(const NetworkId& network, std::span<const ObjectId> ids) {
  proto::WireMessage m;
  auto* w = m.mutable_want_objects();
  set_id(w->mutable_network_id(), network);
  for (const auto& id : ids) set_id(w->add_ids(), id);
  return m;
}

proto::WireMessage objects_message(const NetworkId& network, proto::Objects::Kind kind,
                                   std::span<const std::vector<std::uint8_t>> envelopes) {
  proto::WireMessage m;
  auto* o = m.mutable_objects();
  set_id(o->mutable_network_id(), network);
  for (const auto& e : envelopes) o->add_envelopes(reinterpret_cast<const char*>(e.data()), e.size());
  o->set_kind(kind);
  return m;
}

proto::WireMessage ack_message(const NetworkId& network) {
  proto::WireMessage m;
  set_id(m.mutable_objects_ack()->mutable_network_id(), network);
  return m;
}

proto::WireMessage done_message(const NetworkId& network) {
  proto::WireMessage m;
  set_id(m.mutable_sync_done()->mutable_network_id(), network);
  return m;
}

std::size_t batch_prefix(std::span<const std::vector<std::uint8_t>> envelopes, std::size_t batch_bytes) {
  std::size_t count = 0;
  std::size_t bytes = 0;
  while (count < envelopes.size() && count < kMaxEnvelopesPerObjects) {
    const std::size_t next = envelopes[count].size();
    if (count > 0 && bytes + next > batch_bytes) break;
    bytes += next;
    ++count;
  }
  return count;
}

}  // namespace tumar::sync
