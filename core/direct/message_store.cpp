#include "core/direct/message_store.hpp"

#include <sqlite3.h>

#include "core/error_ids.hpp"
#include "core/store/bind.hpp"

namespace tumar::direct {
namespace {

std::optional<std::int64_t> optional_int(const store::Statement& st, int i) {
  if (st.column_is_null(i)) return std::nullopt;
  return st.column_int64(i);
}

core::Result<DirectMessage> read_message(store::Statement& st) {
  DirectMessage m;
  m.row = st.column_int64(0);
  if (!store::column_array(st, 1, m.network) || !store::column_array(st, 2, m.peer) ||
      !store::column_array(st, 4, m.message_id)) {
    return core::fail<core::ErrorId::kDirectStoredMessageDamaged>(core::Errc::kCorrupt);
  }
  m.outgoing = st.column_int64(3) != 0;
  m.sent_ms = st.column_int64(5);
  m.received_ms = optional_int(st, 6);
  m.text = st.column_text(7);
  m.delivered_ms = optional_int(st, 8);
  m.read_ms = optional_int(st, 9);
  return m;
}

}  // namespace

core::Result<bool> MessageStore::insert(const DirectMessage& m) {
  TUMAR_TRY(store::execute(db_,
                           "INSERT OR IGNORE INTO dm_message (network_id, peer, outgoing, message_id, sent_at, "
                           "received_at, text, delivered_at, read_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           m.network, m.peer, m.outgoing ? 1 : 0, m.message_id, m.sent_ms, m.received_ms, m.text,
                           m.delivered_ms, m.read_ms));
  return sqlite3_changes(db_.handle()) > 0;
}

core::Result<std::vector<DirectMessage>> MessageStore::list(const std::optional<network::NetworkId>& net,
                                                            const std::optional<identity::IdentityKey>& peer) {
  return store::collect<DirectMessage>(
      store::prepare_bound(db_,
                           "SELECT id, network_id, peer, outgoing, message_id, sent_at, received_at, text, "
                           "delivered_at, read_at FROM dm_message WHERE (?1 IS NULL OR network_id = ?1) AND "
                           "(?2 IS NULL OR peer = ?2) ORDER BY coalesce(received_at, sent_at), id",
                           net, peer),
      read_message);
}

core::Result<void> MessageStore::mark_read(std::int64_t row, std::int64_t now_ms) {
  return store::execute(db_, "UPDATE dm_message SET read_at = ?2 WHERE id = ?1 AND outgoing = 0 AND read_at IS NULL",
                        row, now_ms);
}

core::Result<std::vector<MessageId>> MessageStore::unsent_receipts(const network::NetworkId& net,
                                                                   const identity::IdentityKey& peer,
                                                                   std::size_t max) {
  return store::collect<MessageId>(
      store::prepare_bound(db_,
                           "SELECT message_id FROM dm_message WHERE network_id = ?1 AND peer = ?2 AND outgoing = 0 "
                           "AND read_at IS NOT NULL AND receipt_sent = 0 ORDER BY id LIMIT ?3",
                           net, peer, static_cast<std::int64_t>(max)),
      [](store::Statement& st) -> core::Result<MessageId> {
        MessageId id{};
        if (!store::column_array(st, 0, id)) {
          return core::fail<core::ErrorId::kDirectStoredMessageDamaged>(core::Errc::kCorrupt);
        }
        return id;
      });
}

core::Result<void> MessageStore::mark_receipts_sent(const network::NetworkId& net, const identity::IdentityKey& peer,
                                                    const std::vector<MessageId>& ids) {
  for (const auto& id : ids) {
    if (auto r = store::execute(db_,
                                "UPDATE dm_message SET receipt_sent = 1 WHERE network_id = ?1 AND peer = ?2 AND "
                                "outgoing = 0 AND message_id = ?3",
                                net, peer, id);
        !r) {
      return r;
    }
  }
  return {};
}

core::Result<void> MessageStore::apply_receipt(const network::NetworkId& net, const identity::IdentityKey& peer,
                                               const MessageId& id, bool read, std::int64_t now_ms) {
  // Only our own messages to that same peer: a receipt cannot touch a
  // conversation with anyone else.
  if (auto r = store::execute(db_,
                              "UPDATE dm_message SET delivered_at = coalesce(delivered_at, ?4) WHERE network_id = ?1 "
                              "AND peer = ?2 AND outgoing = 1 AND message_id = ?3",
                              net, peer, id, now_ms);
      !r) {
    return r;
  }
  if (!read) return {};
  return store::execute(db_,
                        "UPDATE dm_message SET read_at = coalesce(read_at, ?4) WHERE network_id = ?1 AND peer = ?2 "
                        "AND outgoing = 1 AND message_id = ?3",
                        net, peer, id, now_ms);
}

core::Result<bool> MessageStore::remove(std::int64_t row) {
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db_));
  TUMAR_TRY(store::execute(db_, "DELETE FROM dm_message WHERE id = ?1", row));
  if (sqlite3_changes(db_.handle()) == 0) return false;  // rolls back: nothing changed
  // secure_delete zeroed the text in its page; the copies SQLite left in
  // other pages' unused space and in WAL frames go too.
  TUMAR_TRY(db_.purge_old_copies("dm_message"));
  TUMAR_TRY(txn.commit());
  // The commit emptied the log unless another process held the database;
  // one more try, and the user hears if that fails too.
  TUMAR_TRY(db_.finish_owed_purge());
  return true;
}

}  // namespace tumar::direct
