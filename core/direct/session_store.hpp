#pragma once
// Ratchet sessions in the encrypted store, one row per session (a peer may
// have two for a while, when both started one at once). A state is a
// secret: it goes through ratchet::encode_session into a SecretBuffer and
// straight into the database; an updated state overwrites its row,
// secure_delete zeroes the old bytes, and Database::purge_old_copies clears
// the copies SQLite left elsewhere (unused page space, WAL frames) when the
// transaction commits. Forward secrecy against a seized laptop depends on
// it.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"
#include "core/ratchet/double_ratchet.hpp"
#include "core/store/database.hpp"

namespace tumar::direct {

struct StoredSession {
  std::optional<std::int64_t> row;  // nullopt until saved
  identity::IdentityKey peer{};
  ratchet::RatchetSession session;
};

class SessionStore {
 public:
  explicit SessionStore(store::Database& db) : db_(db) {}

  // Every session in the network, most recently used first.
  core::Result<std::vector<StoredSession>> all(const network::NetworkId& net);
  // The one to send with: the most recently used with this peer.
  core::Result<std::optional<StoredSession>> newest(const network::NetworkId& net, const identity::IdentityKey& peer);
  // Inserts or overwrites; sets s.row. First deletes the session's skipped
  // keys that are past their lifetime at now_ms (ratchet::SkippedKeys::expire).
  core::Result<void> save(const network::NetworkId& net, StoredSession& s, std::uint64_t now_ms);

  // The same deletion in every stored session, for sessions no message
  // touches (the node engine's expiry duty, `tumar sync`): rewrites only those that held
  // an expired key, keeping their last use. Returns how many keys went.
  core::Result<std::size_t> expire_skipped_keys(std::uint64_t now_ms);

 private:
  store::Database& db_;
};

}  // namespace tumar::direct
