// NetworkStore's queries about epochs, seqs and equivocation evidence
// (docs/NETWORKS.md, "Epochs" and "Removal"): which epochs a lead started,
// which key to write under, and which seqs an author used twice.

#include <algorithm>

#include "core/error_ids.hpp"
#include "core/network/network_store.hpp"
#include "core/store/bind.hpp"

namespace tumar::network {
namespace {

using store::collect;
using store::column_array;
using store::execute;
using store::prepare_bound;

// `what`: a key the front end words (the `part` of network.stored_damaged).
core::Error corrupt(const char* what) {
  return core::make_error<core::ErrorId::kNetworkStoredDamaged>(core::Errc::kCorrupt, what);
}

core::Result<KeyId> read_key_id(const store::Statement& st) {
  KeyId k{};
  if (!column_array(st, 0, k)) return tl::unexpected(corrupt("key_id"));
  return k;
}

}  // namespace

core::Result<std::optional<std::uint64_t>> NetworkStore::current_epoch(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(genesis, prepare_bound(db_, "SELECT 1 FROM object WHERE id = ?1 AND kind = ?2", net,
                                          static_cast<int>(Kind::kGenesis)));
  TUMAR_TRY_ASSIGN(has, genesis.step());
  if (!has) return std::optional<std::uint64_t>{};
  // A start's epoch column is the epoch it follows; it was accepted only
  // below kMaxCounter, so + 1 cannot pass it.
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT max(epoch) FROM object WHERE network_id = ?1 AND kind = ?2", net,
                                     static_cast<int>(Kind::kEpochStart)));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row || st.column_is_null(0)) return std::optional<std::uint64_t>(0);
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(st.column_int64(0)) + 1);
}

core::Result<bool> NetworkStore::epoch_started(const NetworkId& net, std::uint64_t epoch) {
  if (epoch == 0) {
    TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT 1 FROM object WHERE id = ?1 AND kind = ?2", net,
                                       static_cast<int>(Kind::kGenesis)));
    return st.step();
  }
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT 1 FROM object WHERE network_id = ?1 AND kind = ?2 AND epoch = ?3 LIMIT 1", net,
                                     static_cast<int>(Kind::kEpochStart), epoch - 1));
  return st.step();
}

core::Result<std::vector<KeyId>> NetworkStore::started_key_ids(const NetworkId& net, std::uint64_t epoch) {
  if (epoch == 0) {
    return collect<KeyId>(prepare_bound(db_, "SELECT key_id FROM object WHERE id = ?1 AND kind = ?2", net,
                                        static_cast<int>(Kind::kGenesis)),
                          read_key_id);
  }
  return collect<KeyId>(
      prepare_bound(db_, "SELECT key_id FROM object WHERE network_id = ?1 AND kind = ?2 AND epoch = ?3 ORDER BY id",
                    net, static_cast<int>(Kind::kEpochStart), epoch - 1),
      read_key_id);
}

core::Result<std::optional<std::pair<std::uint64_t, crypto::Secret<32>>>> NetworkStore::current_epoch_key(
    const NetworkId& net) {
  using Found = std::optional<std::pair<std::uint64_t, crypto::Secret<32>>>;
  TUMAR_TRY_ASSIGN(epoch, current_epoch(net));
  if (!epoch) return Found{};
  TUMAR_TRY_ASSIGN(ids, started_key_ids(net, *epoch));
  TUMAR_TRY_ASSIGN(keys, epoch_keys(net, *epoch));
  // The winner's key if we hold it, else another started key of the epoch:
  // never a key only a grant names.
  for (const auto& id : ids) {
    for (auto& key : keys) {
      if (epoch_key_id(key) == id) return Found(std::pair{*epoch, std::move(key)});
    }
  }
  return Found{};
}

core::Result<bool> NetworkStore::has_grant(const NetworkId& net, const identity::IdentityKey& member,
                                           std::uint64_t epoch, const KeyId& key_id) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_,
                                     "SELECT 1 FROM object WHERE network_id = ?1 AND kind = ?2 AND subject = ?3 AND "
                                     "subject IS NOT id AND epoch = ?4 AND key_id = ?5 LIMIT 1",
                                     net, static_cast<int>(Kind::kEpochGrant), member, epoch, key_id));
  return st.step();
}

core::Result<std::uint64_t> NetworkStore::max_seq(const NetworkId& net, const identity::IdentityKey& author) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_,
                                     "SELECT max(coalesce((SELECT max(seq) FROM object WHERE network_id = ?1 AND author = ?2), 0), "
                                     "coalesce((SELECT max(seq) FROM equivocation WHERE network_id = ?1 AND author = ?2), 0))",
                                     net, author));
  TUMAR_TRY(st.step());
  return static_cast<std::uint64_t>(st.column_int64(0));
}

core::Result<std::optional<StoredObject>> NetworkStore::slot_holder(const NetworkId& net,
                                                                   const identity::IdentityKey& author,
                                                                   std::uint64_t seq) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT id FROM object WHERE network_id = ?1 AND author = ?2 AND seq = ?3 LIMIT 1", net,
                                     author, seq));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<StoredObject>{};
  ObjectId id{};
  if (!column_array(st, 0, id)) return tl::unexpected(corrupt("object_row"));
  return object(id);
}

core::Result<std::vector<ObjectId>> NetworkStore::equivocation_ids(const NetworkId& net,
                                                                   const identity::IdentityKey& author,
                                                                   std::uint64_t seq) {
  return collect<ObjectId>(
      prepare_bound(db_, "SELECT id FROM equivocation WHERE network_id = ?1 AND author = ?2 AND seq = ?3 ORDER BY id",
                    net, author, seq),
      [](const store::Statement& st) -> core::Result<ObjectId> {
        ObjectId id{};
        if (!column_array(st, 0, id)) return tl::unexpected(corrupt("equivocation_row"));
        return id;
      });
}

core::Result<void> NetworkStore::add_equivocation(const VerifiedEnvelope& env) {
  return execute(db_,
                 "INSERT OR IGNORE INTO equivocation (id, network_id, author, seq, timestamp, envelope) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 env.id(), env.network(), env.header().author, env.header().seq, env.header().timestamp_ms,
                 env.bytes());
}

core::Result<bool> NetworkStore::has_evidence(const ObjectId& id) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT 1 FROM equivocation WHERE id = ?1", id));
  return st.step();
}

core::Result<std::vector<StoredObject>> NetworkStore::objects_of_epoch(const NetworkId& net, Kind kind,
                                                                      std::uint64_t epoch) {
  std::vector<StoredObject> out;
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT id FROM object WHERE network_id = ?1 AND kind = ?2 AND epoch = ?3 ORDER BY id",
                                     net, static_cast<int>(kind), epoch));
  std::vector<ObjectId> ids;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    ObjectId id{};
    if (!column_array(st, 0, id)) return tl::unexpected(corrupt("object_row"));
    ids.push_back(id);
  }
  for (const auto& id : ids) {
    TUMAR_TRY_ASSIGN(o, object(id));
    if (o) out.push_back(std::move(*o));
  }
  return out;
}

core::Result<std::optional<std::uint64_t>> NetworkStore::removal_cutoff(const NetworkId& net,
                                                                        const identity::IdentityKey& member,
                                                                        const identity::IdentityKey& except) {
  // A removal's lamport column holds its last_seq.
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_,
                                     "SELECT min(lamport) FROM object WHERE network_id = ?1 AND kind = ?2 AND subject = ?3 AND "
                                     "subject IS NOT id AND author IS NOT ?4",
                                     net, static_cast<int>(Kind::kRemoval), member, except));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row || st.column_is_null(0)) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(st.column_int64(0)));
}

core::Result<void> NetworkStore::delete_equivocation(const ObjectId& id) {
  return execute(db_, "DELETE FROM equivocation WHERE id = ?1", id);
}

}  // namespace tumar::network
