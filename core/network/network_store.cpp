#include "core/network/network_store.hpp"

#include <algorithm>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/store/bind.hpp"

namespace tumar::network {
namespace {

using store::column_array;
using store::execute;
using store::collect;
using store::prepare_bound;

// `what`: a key the front end words (the `part` of network.stored_damaged).
core::Error corrupt(const char* what) {
  return core::make_error<core::ErrorId::kNetworkStoredDamaged>(core::Errc::kCorrupt, what);
}

constexpr const char* kNetworkColumns = "SELECT id, name, founder, joined_at, is_demo FROM network";

core::Result<NetworkRecord> read_network(const store::Statement& st) {
  NetworkRecord r;
  if (!column_array(st, 0, r.id)) return tl::unexpected(corrupt("network_row"));
  r.name = st.column_text(1);
  if (!st.column_is_null(2)) {
    identity::IdentityKey f{};
    if (!column_array(st, 2, f)) return tl::unexpected(corrupt("network_row"));
    r.founder = f;
  }
  r.joined_at = st.column_int64(3);
  r.is_demo = st.column_int64(4) != 0;
  return r;
}

constexpr const char* kObjectColumns =
    "SELECT id, network_id, timestamp, kind, author, epoch, subject, lamport, seq, key_id FROM object";

// The objects of kind ?2 in network ?1 about ?3. A note's first version is
// about itself and object_by_subject leaves such rows out (schema v5: a new
// note then enters no index keyed by a random id but the object id's), so
// it is found by its id; the other arm names the index's condition, which
// SQLite needs to see before it uses a partial index.
constexpr const char* kAbout =
    "rowid IN (SELECT rowid FROM object WHERE network_id = ?1 AND kind = ?2 AND subject = ?3 AND subject IS NOT id "
    "UNION ALL SELECT rowid FROM object WHERE id = ?3 AND network_id = ?1 AND kind = ?2 AND subject = ?3)";

core::Result<StoredObject> read_object(const store::Statement& st) {
  StoredObject o;
  if (!column_array(st, 0, o.id) || !column_array(st, 1, o.network) || !column_array(st, 4, o.author)) {
    return tl::unexpected(corrupt("object_row"));
  }
  o.timestamp_ms = static_cast<std::uint64_t>(st.column_int64(2));
  o.kind = static_cast<Kind>(st.column_int64(3));
  o.epoch = static_cast<std::uint64_t>(st.column_int64(5));
  if (!st.column_is_null(6)) {
    ObjectId s{};
    if (!column_array(st, 6, s)) return tl::unexpected(corrupt("object_row"));
    o.subject = s;
  }
  o.lamport = static_cast<std::uint64_t>(st.column_int64(7));
  o.seq = static_cast<std::uint64_t>(st.column_int64(8));
  if (!st.column_is_null(9)) {
    KeyId k{};
    if (!column_array(st, 9, k)) return tl::unexpected(corrupt("object_row"));
    o.key_id = k;
  }
  return o;
}

std::vector<std::uint8_t> blob_vector(const store::Statement& st, int i) {
  auto b = st.column_blob(i);
  return std::vector<std::uint8_t>(b.begin(), b.end());
}

}  // namespace

StoredObject describe(const VerifiedEnvelope& env, std::optional<ObjectId> subject, std::uint64_t lamport) {
  StoredObject o;
  o.id = env.id();
  o.network = env.network();
  o.timestamp_ms = env.header().timestamp_ms;
  o.kind = env.header().kind;
  o.author = env.header().author;
  o.epoch = env.header().epoch;
  o.subject = subject;
  o.lamport = lamport;
  o.seq = env.header().seq;
  o.key_id = env.header().key_id;
  return o;
}

core::Result<void> NetworkStore::add_network(const NetworkRecord& r) {
  return execute(db_, "INSERT OR IGNORE INTO network (id, name, founder, joined_at, is_demo) VALUES (?1,?2,?3,?4,?5)",
                 r.id, r.name, r.founder, std::int64_t{r.joined_at}, r.is_demo ? 1 : 0);
}

core::Result<void> NetworkStore::set_genesis(const NetworkId& id, const std::string& name,
                                             const identity::IdentityKey& founder, bool is_demo) {
  return execute(db_, "UPDATE network SET name = ?2, founder = ?3, is_demo = ?4 WHERE id = ?1", id, name, founder,
                 std::int64_t{is_demo ? 1 : 0});
}

core::Result<bool> NetworkStore::profile_is_demo() {
  TUMAR_TRY_ASSIGN(st, db_.prepare("SELECT value FROM setting WHERE name = 'demo'"));
  TUMAR_TRY_ASSIGN(row, st.step());
  return row && st.column_text(0) == "1";
}

core::Result<void> NetworkStore::mark_profile_demo() {
  return execute(db_, "INSERT OR REPLACE INTO setting (name, value) VALUES ('demo', '1')");
}

core::Result<std::vector<NetworkRecord>> NetworkStore::networks() {
  return collect<NetworkRecord>(db_.prepare(std::string(kNetworkColumns) + " ORDER BY name, id"), read_network);
}

core::Result<std::optional<NetworkRecord>> NetworkStore::network(const NetworkId& id) {
  TUMAR_TRY_ASSIGN(all, collect<NetworkRecord>(prepare_bound(db_, std::string(kNetworkColumns) + " WHERE id = ?1", id),
                                               read_network));
  if (all.empty()) return std::optional<NetworkRecord>{};
  return std::optional<NetworkRecord>(std::move(all.front()));
}

core::Result<NetworkRecord> NetworkStore::resolve(const std::string& name_or_prefix) {
  TUMAR_TRY_ASSIGN(all, networks());
  std::vector<NetworkRecord> matches;
  for (auto& n : all) {
    if (n.name == name_or_prefix) matches.push_back(n);
  }
  if (matches.empty() && name_or_prefix.size() >= 4) {
    std::string lower = name_or_prefix;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (auto& n : all) {
      if (encoding::to_hex(n.id).rfind(lower, 0) == 0) matches.push_back(n);
    }
  }
  if (matches.size() == 1) return std::move(matches.front());
  if (matches.empty()) {
    return core::fail<core::ErrorId::kNetworkNoSuchNetwork>(core::Errc::kInvalidArgument, name_or_prefix);
  }
  // The candidates, one a line: the start of each id and its name.
  std::string list;
  for (auto& n : matches) list += "\n  " + encoding::to_hex(n.id).substr(0, 12) + "  " + n.name;
  return core::fail<core::ErrorId::kNetworkSeveralNetworks>(core::Errc::kInvalidArgument, name_or_prefix, list);
}

core::Result<void> NetworkStore::add_epoch_key(const NetworkId& net, std::uint64_t epoch,
                                               const crypto::Secret<32>& key) {
  return execute(db_, "INSERT OR IGNORE INTO epoch_key (network_id, epoch, key) VALUES (?1, ?2, ?3)", net, epoch,
                 std::span<const std::uint8_t>(key.span()));
}

core::Result<std::vector<crypto::Secret<32>>> NetworkStore::epoch_keys(const NetworkId& net, std::uint64_t epoch) {
  return collect<crypto::Secret<32>>(
      prepare_bound(db_, "SELECT key FROM epoch_key WHERE network_id = ?1 AND epoch = ?2", net, epoch),
      [](const store::Statement& st) -> core::Result<crypto::Secret<32>> {
        auto b = st.column_blob(0);
        if (b.size() != 32) return tl::unexpected(corrupt("epoch_key"));
        return crypto::Secret<32>::copy_of(std::span<const std::uint8_t, 32>(b.data(), 32));
      });
}

core::Result<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> NetworkStore::all_epoch_keys(
    const NetworkId& net) {
  return collect<std::pair<std::uint64_t, crypto::Secret<32>>>(
      prepare_bound(db_, "SELECT epoch, key FROM epoch_key WHERE network_id = ?1 ORDER BY epoch, key", net),
      [](const store::Statement& st) -> core::Result<std::pair<std::uint64_t, crypto::Secret<32>>> {
        auto b = st.column_blob(1);
        if (b.size() != 32) return tl::unexpected(corrupt("epoch_key"));
        return std::pair{static_cast<std::uint64_t>(st.column_int64(0)),
                         crypto::Secret<32>::copy_of(std::span<const std::uint8_t, 32>(b.data(), 32))};
      });
}

core::Result<bool> NetworkStore::has_object(const ObjectId& id) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT 1 FROM object WHERE id = ?1", id));
  return st.step();
}

core::Result<bool> NetworkStore::epoch_granted_to_removed(const NetworkId& net, std::uint64_t epoch) {
  auto st = prepare_bound(db_,
                          "SELECT 1 FROM object o JOIN member m ON m.network_id = o.network_id AND m.identity_key = "
                          "o.subject WHERE o.network_id = ?1 AND o.kind = ?2 AND o.epoch = ?3 AND m.removed_at IS "
                          "NOT NULL AND o.subject IS NOT o.id LIMIT 1",  // a grant's subject is a member key: the
                                                                        // condition only lets object_by_subject serve
                          net, static_cast<std::int64_t>(Kind::kEpochGrant), static_cast<std::int64_t>(epoch));
  if (!st) return tl::unexpected(st.error());
  return st->step();
}

core::Result<void> NetworkStore::insert_object(const StoredObject& o, std::span<const std::uint8_t> envelope,
                                               std::int64_t now) {
  std::optional<std::span<const std::uint8_t>> subject;
  if (o.subject) subject = std::span<const std::uint8_t>(*o.subject);
  std::optional<std::span<const std::uint8_t>> key_id;
  if (o.key_id) key_id = std::span<const std::uint8_t>(*o.key_id);
  return execute(db_,
                 "INSERT OR IGNORE INTO object (id, network_id, timestamp, kind, author, epoch, subject, lamport, "
                 "envelope, received_at, seq, key_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
                 o.id, o.network, o.timestamp_ms, static_cast<int>(o.kind), o.author, o.epoch, subject, o.lamport,
                 envelope, now, o.seq, key_id);
}

core::Result<std::optional<StoredObject>> NetworkStore::object(const ObjectId& id) {
  TUMAR_TRY_ASSIGN(all, collect<StoredObject>(prepare_bound(db_, std::string(kObjectColumns) + " WHERE id = ?1", id), read_object));
  if (all.empty()) return std::optional<StoredObject>{};
  return std::optional<StoredObject>(all.front());
}

core::Result<std::vector<reconcile::Item>> NetworkStore::items(const NetworkId& net) {
  return collect<reconcile::Item>(
      // Evidence of an equivocation is synced like any object, so that
      // every replica learns of it and drops the same seq.
      prepare_bound(db_,
                    "SELECT timestamp, id FROM object WHERE network_id = ?1 UNION ALL "
                    "SELECT timestamp, id FROM equivocation WHERE network_id = ?1 ORDER BY 1, 2",
                    net),
      [](const store::Statement& st) -> core::Result<reconcile::Item> {
        reconcile::Item item{};
        item.timestamp = static_cast<std::uint64_t>(st.column_int64(0));
        if (!column_array(st, 1, item.id)) return tl::unexpected(corrupt("object_id"));
        return item;
      });
}

core::Result<std::vector<std::vector<std::uint8_t>>> NetworkStore::envelopes(const NetworkId& net,
                                                                             std::span<const ObjectId> ids) {
  TUMAR_TRY_ASSIGN(st, db_.prepare(
      "SELECT envelope FROM object WHERE id = ?1 AND network_id = ?2 UNION ALL "
      "SELECT envelope FROM equivocation WHERE id = ?1 AND network_id = ?2"));
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& id : ids) {
    st.reset();
    TUMAR_TRY(store::bind_all(st, id, net));
    TUMAR_TRY_ASSIGN(row, st.step());
    if (row) out.push_back(blob_vector(st, 0));
  }
  return out;
}

core::Result<std::optional<std::vector<std::uint8_t>>> NetworkStore::envelope(const ObjectId& id) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT envelope FROM object WHERE id = ?1", id));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<std::vector<std::uint8_t>>{};
  return std::optional<std::vector<std::uint8_t>>(blob_vector(st, 0));
}

core::Result<std::vector<std::vector<std::uint8_t>>> NetworkStore::bootstrap_envelopes(
    const NetworkId& net, const identity::IdentityKey& member, std::size_t limit) {
  // Every membership object is about someone else than itself (its subject
  // is a member key), so `subject IS NOT id` holds and lets the partial
  // index object_by_subject serve both halves.
  return collect<std::vector<std::uint8_t>>(
      prepare_bound(db_,
                    "SELECT timestamp, id, envelope FROM (SELECT timestamp, id, envelope FROM object "
                    "WHERE network_id = ?1 AND kind IN (?2, ?3, ?4, ?8) AND subject IS NOT id ORDER BY timestamp, id "
                    "LIMIT ?5) UNION ALL SELECT timestamp, id, envelope FROM object WHERE network_id = ?1 AND "
                    "kind = ?6 AND subject = ?7 AND subject IS NOT id ORDER BY 1, 2",
                    net, static_cast<int>(Kind::kGenesis), static_cast<int>(Kind::kAdmission),
                    static_cast<int>(Kind::kRemoval), static_cast<std::int64_t>(limit),
                    static_cast<int>(Kind::kEpochGrant), member, static_cast<int>(Kind::kEpochStart)),
      [](const store::Statement& st) -> core::Result<std::vector<std::uint8_t>> { return blob_vector(st, 2); });
}

core::Result<std::uint64_t> NetworkStore::object_count(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT count(*) FROM object WHERE network_id = ?1", net));
  TUMAR_TRY(st.step());
  return static_cast<std::uint64_t>(st.column_int64(0));
}

core::Result<std::int64_t> NetworkStore::last_rowid() {
  TUMAR_TRY_ASSIGN(st, db_.prepare("SELECT coalesce(max(rowid), 0) FROM object"));
  TUMAR_TRY(st.step());
  return st.column_int64(0);
}

core::Result<std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>>> NetworkStore::envelopes_after(
    std::int64_t after, std::size_t limit) {
  return collect<std::pair<std::int64_t, std::vector<std::uint8_t>>>(
      prepare_bound(db_, "SELECT rowid, envelope FROM object WHERE rowid > ?1 ORDER BY rowid LIMIT ?2", after,
                    static_cast<std::int64_t>(limit)),
      [](const store::Statement& st) -> core::Result<std::pair<std::int64_t, std::vector<std::uint8_t>>> {
        return std::pair{st.column_int64(0), blob_vector(st, 1)};
      });
}

core::Result<std::uint64_t> NetworkStore::max_lamport(const NetworkId& net, Kind kind, const ObjectId& subject) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, std::string("SELECT coalesce(max(lamport), 0) FROM object WHERE ") + kAbout, net,
                                     static_cast<int>(kind), subject));
  TUMAR_TRY(st.step());
  return static_cast<std::uint64_t>(st.column_int64(0));
}

core::Result<void> NetworkStore::delete_object(const ObjectId& id) {
  return execute(db_, "DELETE FROM object WHERE id = ?1", id);
}

core::Result<std::vector<StoredObject>> NetworkStore::objects_by_author(const NetworkId& net,
                                                                       const identity::IdentityKey& author) {
  return collect<StoredObject>(
      prepare_bound(db_, std::string(kObjectColumns) + " WHERE network_id = ?1 AND author = ?2 ORDER BY timestamp, id",
                    net, author),
      read_object);
}

core::Result<std::vector<StoredObject>> NetworkStore::objects_about(const NetworkId& net, Kind kind,
                                                                   const ObjectId& subject) {
  return collect<StoredObject>(
      prepare_bound(db_,
                    std::string(kObjectColumns) + " WHERE " + kAbout + " ORDER BY timestamp, id", net,
                    static_cast<int>(kind), subject),
      read_object);
}

core::Result<void> NetworkStore::delete_epoch_key(const NetworkId& net, std::uint64_t epoch,
                                                  const crypto::Secret<32>& key) {
  return execute(db_, "DELETE FROM epoch_key WHERE network_id = ?1 AND epoch = ?2 AND key = ?3", net, epoch,
                 std::span<const std::uint8_t>(key.span()));
}

core::Result<std::optional<std::vector<std::uint8_t>>> NetworkStore::best_revision(const NetworkId& net,
                                                                                  const ObjectId& root) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_,
                                     std::string("SELECT envelope FROM object WHERE ") + kAbout +
                                         " ORDER BY lamport DESC, id DESC LIMIT 1",
                                     net, static_cast<int>(Kind::kNote), root));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<std::vector<std::uint8_t>>{};
  return std::optional<std::vector<std::uint8_t>>(blob_vector(st, 0));
}

core::Result<void> NetworkStore::add_invite(const InviteRecord& i) {
  return execute(db_,
                 "INSERT INTO invite (invite_id, network_id, secret, role, created_at, expires_at) "
                 "VALUES (?1,?2,?3,?4,?5,?6)",
                 i.invite_id, i.network, std::span<const std::uint8_t>(i.secret.span()), role_name(i.role),
                 i.created_at, i.expires_at);
}

namespace {
constexpr std::string_view kInviteColumns =
    "SELECT invite_id, network_id, secret, role, created_at, expires_at, used_at, used_by FROM invite ";

core::Result<InviteRecord> read_invite(const store::Statement& st) {
  InviteRecord r;
  auto secret = st.column_blob(2);
  if (!column_array(st, 0, r.invite_id) || !column_array(st, 1, r.network) || secret.size() != 32) {
    return tl::unexpected(corrupt("invite"));
  }
  r.secret = crypto::Secret<32>::copy_of(std::span<const std::uint8_t, 32>(secret.data(), 32));
  r.role = st.column_text(3) == "lead" ? Role::kLead : Role::kMember;
  r.created_at = st.column_int64(4);
  r.expires_at = st.column_int64(5);
  if (!st.column_is_null(6)) r.used_at = st.column_int64(6);
  if (!st.column_is_null(7)) {
    identity::IdentityKey by{};
    if (!column_array(st, 7, by)) return tl::unexpected(corrupt("invite"));
    r.used_by = by;
  }
  return r;
}
}  // namespace

core::Result<std::optional<InviteRecord>> NetworkStore::invite(std::span<const std::uint8_t> invite_id) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, std::string(kInviteColumns) + "WHERE invite_id = ?1", invite_id));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<InviteRecord>{};
  TUMAR_TRY_ASSIGN(r, read_invite(st));
  st.reset();
  return std::optional<InviteRecord>(std::move(r));
}

core::Result<std::vector<InviteRecord>> NetworkStore::invites(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, std::string(kInviteColumns) + "WHERE network_id = ?1 ORDER BY created_at, invite_id",
                                     net));
  std::vector<InviteRecord> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    TUMAR_TRY_ASSIGN(r, read_invite(st));
    out.push_back(std::move(r));
  }
  st.reset();
  return out;
}

core::Result<bool> NetworkStore::use_invite(std::span<const std::uint8_t> invite_id, const identity::IdentityKey& by,
                                            std::int64_t now) {
  TUMAR_TRY(execute(db_, "UPDATE invite SET used_at = ?2, used_by = ?3 WHERE invite_id = ?1 AND used_at IS NULL",
                    invite_id, now, by));
  return sqlite3_changes(db_.handle()) == 1;
}

core::Result<std::vector<ObjectId>> NetworkStore::delete_direct_stamped_before(
    const NetworkId& net, std::uint64_t stamped_at_or_before_ms, std::span<const identity::IdentityKey> unread_tags) {
  // A direct message's subject is its recipient tag, never its own id, so
  // `subject IS NOT id` holds and lets object_by_subject serve the search:
  // it then reads the network's DIRECT rows (at most a lifetime's worth),
  // not every object older than the cutoff. The `+` keeps the planner from
  // preferring object_by_network_time's range on the timestamp, which it
  // does without statistics (checked with EXPLAIN QUERY PLAN, SQLite 3.40).
  struct Row {
    ObjectId id{};
    identity::IdentityKey tag{};
  };
  auto expired = collect<Row>(
      prepare_bound(db_,
                    "SELECT id, subject FROM object WHERE network_id = ?1 AND kind = ?2 AND subject IS NOT id AND "
                    "+timestamp <= ?3",
                    net, static_cast<int>(Kind::kDirect),
                    static_cast<std::int64_t>(std::min<std::uint64_t>(stamped_at_or_before_ms, INT64_MAX))),
      [](const store::Statement& st) -> core::Result<Row> {
        Row r;
        if (!column_array(st, 0, r.id) || !column_array(st, 1, r.tag)) return tl::unexpected(corrupt("object_row"));
        return r;
      });
  if (!expired) return tl::unexpected(expired.error());
  std::vector<ObjectId> removed;
  for (const auto& row : *expired) {
    if (std::find(unread_tags.begin(), unread_tags.end(), row.tag) != unread_tags.end()) {
      TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT 1 FROM dm_inbox WHERE object_id = ?1", row.id));
      TUMAR_TRY_ASSIGN(handled, st.step());
      if (!handled) continue;  // ours and not read yet: kept until `msg list` has read it
    }
    TUMAR_TRY(delete_object(row.id));
    TUMAR_TRY(execute(db_, "DELETE FROM dm_inbox WHERE object_id = ?1", row.id));
    removed.push_back(row.id);
  }
  return removed;
}

}  // namespace tumar::network
