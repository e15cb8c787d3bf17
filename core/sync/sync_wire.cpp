#include "core/sync/sync_wire.hpp"

#include <sodium.h>

#include <type_traits>
#include <utility>
#include <variant>

#include "core/sync/sync_limits.hpp"

namespace tumar::sync {

static_assert(std::is_same_v<NetworkId, session::WireId> && std::is_same_v<ObjectId, session::WireId>);

ObjectId object_id(std::span<const std::uint8_t> envelope) {
  ObjectId id{};
  crypto_generichash(id.data(), id.size(), envelope.data(), envelope.size(), nullptr, 0);
  return id;
}

bool is_sync_message(const session::WireMessage& message) noexcept {
  return network_of(message).has_value();
}

std::optional<NetworkId> network_of(const session::WireMessage& message) noexcept {
  return std::visit(
      [](const auto& body) -> std::optional<NetworkId> {
        if constexpr (requires { body.network; }) {
          return body.network;
        } else {
          return std::nullopt;
        }
      },
      message);
}

session::WireMessage reconcile_message(const NetworkId& network, std::span<const std::uint8_t> negentropy) {
  return session::Reconcile{network, {negentropy.begin(), negentropy.end()}};
}

session::WireMessage refused_message(const NetworkId& network) { return session::SyncRefused{network}; }

session::WireMessage want_message(const NetworkId& network, std::span<const ObjectId> ids) {
  return session::WantObjects{network, {ids.begin(), ids.end()}};
}

session::WireMessage objects_message(const NetworkId& network, session::Objects::Kind kind,
                                     std::vector<std::vector<std::uint8_t>> envelopes) {
  return session::Objects{network, kind, std::move(envelopes)};
}

session::WireMessage ack_message(const NetworkId& network) { return session::ObjectsAck{network}; }

session::WireMessage done_message(const NetworkId& network) { return session::SyncDone{network}; }

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
