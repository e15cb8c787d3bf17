#include "core/peers/peer_store.hpp"

#include <algorithm>

#include "core/error_ids.hpp"

namespace tumar::peers {
namespace {

core::Result<PeerRecord> read_row(const store::Statement& st) {
  PeerRecord r;
  auto address = parse_peer_address(st.column_text(0));
  if (!address) return core::fail<core::ErrorId::kPeersStoredAddressDamaged>(core::Errc::kCorrupt);
  r.address = *address;
  if (!st.column_is_null(1)) {
    auto blob = st.column_blob(1);
    if (blob.size() != identity::kIdentityKeySize) {
      return core::fail<core::ErrorId::kPeersStoredKeySize>(core::Errc::kCorrupt);
    }
    identity::IdentityKey key{};
    std::copy(blob.begin(), blob.end(), key.begin());
    r.identity_key = key;
  }
  r.added_at = st.column_int64(2);
  if (!st.column_is_null(3)) r.last_synced_at = st.column_int64(3);
  return r;
}

constexpr const char* kSelect = "SELECT address, identity_key, added_at, last_synced_at FROM peer";

}  // namespace

core::Result<std::optional<PeerRecord>> PeerStore::find(const PeerAddress& address) {
  TUMAR_TRY_ASSIGN(st, db_.prepare(std::string(kSelect) + " WHERE address = ?1"));
  TUMAR_TRY(st.bind(1, address.to_string()));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<PeerRecord>{};
  TUMAR_TRY_ASSIGN(rec, read_row(st));
  return std::optional<PeerRecord>(std::move(rec));
}

core::Result<AddOutcome> PeerStore::add(const PeerAddress& address, const std::optional<identity::IdentityKey>& key,
                                        std::int64_t now) {
  TUMAR_TRY_ASSIGN(existing, find(address));
  if (existing) {
    const auto& have = existing->identity_key;
    if (!key || (have && *have == *key)) return AddOutcome::kUnchanged;
    if (have) {
      return core::fail<core::ErrorId::kPeersOtherKey>(core::Errc::kRefused, address.to_string());
    }
    TUMAR_TRY(record_key(address, *key));
    return AddOutcome::kKeyRecorded;
  }
  TUMAR_TRY_ASSIGN(st, db_.prepare("INSERT INTO peer (address, identity_key, added_at) VALUES (?1, ?2, ?3)"));
  TUMAR_TRY(st.bind(1, address.to_string()));
  TUMAR_TRY(key ? st.bind(2, std::span<const std::uint8_t>(*key)) : st.bind_null(2));
  TUMAR_TRY(st.bind(3, now));
  TUMAR_TRY(st.step());
  return AddOutcome::kAdded;
}

core::Result<bool> PeerStore::remove(const PeerAddress& address) {
  TUMAR_TRY_ASSIGN(existing, find(address));
  if (!existing) return false;
  TUMAR_TRY_ASSIGN(st, db_.prepare("DELETE FROM peer WHERE address = ?1"));
  TUMAR_TRY(st.bind(1, address.to_string()));
  TUMAR_TRY(st.step());
  return true;
}

core::Result<std::vector<PeerRecord>> PeerStore::list() {
  TUMAR_TRY_ASSIGN(st, db_.prepare(std::string(kSelect) + " ORDER BY added_at, address"));
  std::vector<PeerRecord> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    TUMAR_TRY_ASSIGN(rec, read_row(st));
    out.push_back(std::move(rec));
  }
  return out;
}

core::Result<bool> PeerStore::is_allowed(const identity::IdentityKey& key) {
  TUMAR_TRY_ASSIGN(st, db_.prepare("SELECT 1 FROM peer WHERE identity_key = ?1 LIMIT 1"));
  TUMAR_TRY(st.bind(1, std::span<const std::uint8_t>(key)));
  TUMAR_TRY_ASSIGN(row, st.step());
  return row;
}

core::Result<void> PeerStore::record_key(const PeerAddress& address, const identity::IdentityKey& key) {
  TUMAR_TRY_ASSIGN(st, db_.prepare("UPDATE peer SET identity_key = ?2 WHERE address = ?1 AND identity_key IS NULL"));
  TUMAR_TRY(st.bind(1, address.to_string()));
  TUMAR_TRY(st.bind(2, std::span<const std::uint8_t>(key)));
  TUMAR_TRY(st.step());
  return {};
}

core::Result<void> PeerStore::mark_synced(const PeerAddress& address, std::int64_t now) {
  TUMAR_TRY_ASSIGN(st, db_.prepare("UPDATE peer SET last_synced_at = ?2 WHERE address = ?1"));
  TUMAR_TRY(st.bind(1, address.to_string()));
  TUMAR_TRY(st.bind(2, now));
  TUMAR_TRY(st.step());
  return {};
}

}  // namespace tumar::peers
