#include "core/direct/session_store.hpp"

#include "core/error_ids.hpp"
#include "core/ratchet/session_codec.hpp"
#include "core/store/bind.hpp"

namespace tumar::direct {
namespace {

core::Result<StoredSession> read_session(store::Statement& st) {
  identity::IdentityKey peer{};
  if (!store::column_array(st, 1, peer)) {
    return core::fail<core::ErrorId::kDirectStoredSessionDamaged>(core::Errc::kCorrupt);
  }
  auto decoded = ratchet::decode_session(st.column_blob(2));
  if (!decoded) return core::fail<core::ErrorId::kDirectStoredRatchetDamaged>(core::Errc::kCorrupt);
  return StoredSession{st.column_int64(0), peer, std::move(*decoded)};
}

}  // namespace

core::Result<std::vector<StoredSession>> SessionStore::all(const network::NetworkId& net) {
  return store::collect<StoredSession>(
      store::prepare_bound(db_,
                           "SELECT id, peer, state FROM dm_session WHERE network_id = ?1 "
                           "ORDER BY last_used_at DESC, id DESC",
                           net),
      read_session);
}

core::Result<std::optional<StoredSession>> SessionStore::newest(const network::NetworkId& net,
                                                                const identity::IdentityKey& peer) {
  TUMAR_TRY_ASSIGN(found, store::collect<StoredSession>(
      store::prepare_bound(db_,
                                      "SELECT id, peer, state FROM dm_session WHERE network_id = ?1 AND peer = ?2 "
                                      "ORDER BY last_used_at DESC, id DESC LIMIT 1",
                                      net, peer),
      read_session));
  if (found.empty()) return std::optional<StoredSession>{};
  return std::optional<StoredSession>(std::move(found.front()));
}

core::Result<void> SessionStore::save(const network::NetworkId& net, StoredSession& s, std::uint64_t now_ms) {
  (void)s.session.expire_skipped_keys(now_ms);
  const crypto::SecretBuffer state = ratchet::encode_session(s.session);
  const auto now = static_cast<std::int64_t>(now_ms);
  if (s.row) {
    if (auto r = store::execute(db_, "UPDATE dm_session SET state = ?2, last_used_at = ?3 WHERE id = ?1", *s.row,
                                state.span(), now);
        !r) {
      return r;
    }
    // The state it replaced (with the chain keys of messages already read)
    // must not survive in the table's pages or in WAL frames.
    return db_.purge_old_copies("dm_session");
  }
  if (auto r = store::execute(db_,
                              "INSERT INTO dm_session (network_id, peer, state, last_used_at) VALUES (?1, ?2, ?3, ?4)",
                              net, s.peer, state.span(), now);
      !r) {
    return r;
  }
  TUMAR_TRY_ASSIGN(st, db_.prepare("SELECT last_insert_rowid()"));
  TUMAR_TRY(st.step());
  s.row = st.column_int64(0);
  return {};
}

core::Result<std::size_t> SessionStore::expire_skipped_keys(std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(rows, store::collect<StoredSession>(db_.prepare("SELECT id, peer, state FROM dm_session ORDER BY id"),
                                                       read_session));
  std::size_t erased = 0;
  for (auto& s : rows) {
    const auto expiry = s.session.expire_skipped_keys(now_ms);
    // Keys stamped just now (read from version 1, or from a fast clock) are
    // written back too, so the time they were given is kept.
    if (!expiry.changed()) continue;
    erased += expiry.erased;
    const crypto::SecretBuffer state = ratchet::encode_session(s.session);
    TUMAR_TRY(store::execute(db_, "UPDATE dm_session SET state = ?2 WHERE id = ?1", *s.row, state.span()));
  }
  return erased;
}

}  // namespace tumar::direct
