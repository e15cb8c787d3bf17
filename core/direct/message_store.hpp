#pragma once
// Message history (docs/PROTOCOL.md, "Direct messages: in the network"):
// what was sent and received, in the encrypted store. Only the plaintext
// and its times live here; the message keys are gone once used, so
// deleting a row (msg delete) leaves nothing that could decrypt it again.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"
#include "core/store/database.hpp"

namespace tumar::direct {

using MessageId = std::array<std::uint8_t, 16>;

struct DirectMessage {
  std::int64_t row = 0;
  network::NetworkId network{};
  identity::IdentityKey peer{};
  bool outgoing = false;
  MessageId message_id{};
  std::int64_t sent_ms = 0;                    // the sender's clock
  std::optional<std::int64_t> received_ms;     // incoming: when we decrypted it
  std::string text;
  std::optional<std::int64_t> delivered_ms;    // outgoing: the peer's receipt arrived
  std::optional<std::int64_t> read_ms;         // outgoing: the peer read it; incoming: shown to us
};

class MessageStore {
 public:
  explicit MessageStore(store::Database& db) : db_(db) {}

  // false if it was already there (the same message id from the same peer).
  core::Result<bool> insert(const DirectMessage& m);
  // Oldest first; optionally one network and/or one peer.
  core::Result<std::vector<DirectMessage>> list(const std::optional<network::NetworkId>& net,
                                                const std::optional<identity::IdentityKey>& peer);
  core::Result<void> mark_read(std::int64_t row, std::int64_t now_ms);
  // Incoming messages shown to us whose read receipt has not gone out.
  core::Result<std::vector<MessageId>> unsent_receipts(const network::NetworkId& net, const identity::IdentityKey& peer,
                                                       std::size_t max);
  core::Result<void> mark_receipts_sent(const network::NetworkId& net, const identity::IdentityKey& peer,
                                        const std::vector<MessageId>& ids);
  // A receipt from `peer` for our messages.
  core::Result<void> apply_receipt(const network::NetworkId& net, const identity::IdentityKey& peer,
                                   const MessageId& id, bool read, std::int64_t now_ms);
  // Deletes one message and every older copy of it on disk
  // (Database::purge_old_copies); false if there is no such row. An error
  // after the row went (another process kept the database busy) says so.
  core::Result<bool> remove(std::int64_t row);

 private:
  store::Database& db_;
};

}  // namespace tumar::direct
