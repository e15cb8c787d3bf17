#include "core/network/library.hpp"

#include <algorithm>
#include <sstream>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/network/directory.hpp"
#include "core/network/object_limits.hpp"
#include "core/store/bind.hpp"

namespace tumar::network {
namespace {

using store::column_array;
using store::execute;
using store::collect;
using store::prepare_bound;

core::Error corrupt() { return core::make_error<core::ErrorId::kNetworkStoredDamaged>(core::Errc::kCorrupt, "note"); }

constexpr const char* kNoteColumns =
    "SELECT n.root_id, n.network_id, n.author, n.created_at, n.revision_id, n.lamport, n.editor, n.updated_at, "
    "n.title, n.body, n.tags, n.region, n.contact, n.verified_on, n.valid_until, n.rowid FROM note n";

core::Result<NoteRecord> read_note(const store::Statement& st) {
  NoteRecord n;
  if (!column_array(st, 0, n.root) || !column_array(st, 1, n.network) || !column_array(st, 2, n.author) ||
      !column_array(st, 4, n.revision) || !column_array(st, 6, n.editor)) {
    return tl::unexpected(corrupt());
  }
  n.created_at_ms = static_cast<std::uint64_t>(st.column_int64(3));
  n.lamport = static_cast<std::uint64_t>(st.column_int64(5));
  n.updated_at_ms = static_cast<std::uint64_t>(st.column_int64(7));
  n.title = st.column_text(8);
  n.body = st.column_text(9);
  n.tags = split_list(st.column_text(10));
  n.region = st.column_text(11);
  n.contact = st.column_text(12);
  n.verified_on = static_cast<std::uint32_t>(st.column_int64(13));
  n.valid_until = static_cast<std::uint32_t>(st.column_int64(14));
  return n;
}

core::Result<BroadcastRecord> read_broadcast(const store::Statement& st) {
  BroadcastRecord b;
  if (!column_array(st, 0, b.id) || !column_array(st, 1, b.network) || !column_array(st, 2, b.author)) {
    return tl::unexpected(corrupt());
  }
  b.urgent = st.column_int64(3) != 0;
  b.text = st.column_text(4);
  b.created_at_ms = static_cast<std::uint64_t>(st.column_int64(5));
  b.expires_at_ms = static_cast<std::uint64_t>(st.column_int64(6));
  if (!st.column_is_null(7)) b.read_at = st.column_int64(7);
  return b;
}

constexpr const char* kBroadcastColumns =
    "SELECT id, network_id, author, urgent, text, created_at, expires_at, read_at FROM broadcast";

// Each word becomes an FTS5 string ("..." with quotes doubled), so the
// user's input is never parsed as FTS5 query syntax.
std::string fts_query(const std::string& query) {
  std::istringstream in(query);
  std::string word, out;
  while (in >> word) {
    std::string quoted = "\"";
    for (char c : word) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    if (!out.empty()) out += ' ';
    out += quoted;
  }
  return out;
}

}  // namespace

std::optional<Staleness> stale_reason(const NoteRecord& note, std::uint32_t today) {
  if (note.valid_until != 0 && note.valid_until < today) return Staleness::kPastValidUntil;
  const std::uint32_t verified = note.verified_on;
  if (verified == 0) {
    // Never verified: stale once it is 90 days old.
    const auto created_day = static_cast<std::uint32_t>(note.created_at_ms / 86'400'000);
    if (today > created_day + kStaleAfterDays) return Staleness::kNeverVerified;
    return std::nullopt;
  }
  // today - verified, not verified + 90: a verification date near 2^32 days
  // (any u32 is valid on the wire) must not wrap round to "long ago".
  if (today > verified && today - verified > kStaleAfterDays) return Staleness::kNotVerified;
  return std::nullopt;
}

core::Result<void> Library::apply_note(const NoteRecord& n, bool force) {
  TUMAR_TRY_ASSIGN(existing, note(key_of(n)));
  if (existing && !force) {
    const auto& e = *existing;
    if (std::tie(n.lamport, n.revision) <= std::tie(e.lamport, e.revision)) return {};
  }
  if (auto r = drop_note(key_of(n)); !r) return r;
  TUMAR_TRY(insert_note(n, false));
  return {};
}

core::Result<void> Library::apply_first_version(const NoteRecord& n) {
  TUMAR_TRY_ASSIGN(inserted, insert_note(n, true));
  if (!inserted) return apply_note(n);
  return {};
}

core::Result<bool> Library::insert_note(const NoteRecord& n, bool if_absent) {
  // Two texts, not one with a clause spliced in: each is a cached statement.
  const char* sql = if_absent
                        ? "INSERT INTO note (root_id, network_id, author, created_at, revision_id, lamport, editor, "
                          "updated_at, title, body, tags, region, contact, verified_on, valid_until) "
                          "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15) "
                          "ON CONFLICT (network_id, created_at, root_id) DO NOTHING"
                        : "INSERT INTO note (root_id, network_id, author, created_at, revision_id, lamport, editor, "
                          "updated_at, title, body, tags, region, contact, verified_on, valid_until) "
                          "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)";
  TUMAR_TRY(execute(db_, sql, n.root, n.network, n.author, n.created_at_ms, n.revision, n.lamport, n.editor,
                    n.updated_at_ms, n.title, n.body, join_list(n.tags), n.region, n.contact,
                    std::int64_t{n.verified_on}, std::int64_t{n.valid_until}));
  if (sqlite3_changes(db_.handle()) == 0) return false;  // only with if_absent
  // The index takes exactly the row's values (tags as stored, joined by
  // U+001F, which unicode61 treats as a separator like a space): an
  // external-content table must be told the same values again when the row
  // goes, and a rebuild reads them from the row.
  const std::int64_t rowid = sqlite3_last_insert_rowid(db_.handle());
  TUMAR_TRY(execute(db_, "INSERT INTO note_fts (rowid, title, body, tags, region) VALUES (?1, ?2, ?3, ?4, ?5)", rowid,
                    n.title, n.body, join_list(n.tags), n.region));
  return true;
}

core::Result<void> Library::drop_note(const NoteKey& key) {
  // External content: FTS5 removes a row's entries only when given the
  // values it indexed, read here from the row before the row goes.
  if (auto r = execute(db_,
                       "INSERT INTO note_fts (note_fts, rowid, title, body, tags, region) SELECT 'delete', rowid, title, "
                       "body, tags, region FROM note WHERE network_id = ?1 AND created_at = ?2 AND root_id = ?3",
                       key.network, key.created_at_ms, key.root);
      !r) {
    return r;
  }
  return execute(db_, "DELETE FROM note WHERE network_id = ?1 AND created_at = ?2 AND root_id = ?3", key.network,
                 key.created_at_ms, key.root);
}

namespace {

core::Result<std::optional<NoteRecord>> at_most_one(core::Result<std::vector<NoteRecord>> all) {
  if (!all) return tl::unexpected(all.error());
  if (all->empty()) return std::optional<NoteRecord>{};
  return std::optional<NoteRecord>(std::move(all->front()));
}

}  // namespace

core::Result<std::optional<NoteRecord>> Library::note(const NoteKey& key) {
  return at_most_one(collect<NoteRecord>(
      prepare_bound(db_,
                    std::string(kNoteColumns) + " WHERE n.network_id = ?1 AND n.created_at = ?2 AND n.root_id = ?3",
                    key.network, key.created_at_ms, key.root),
      read_note));
}

core::Result<std::optional<NoteRecord>> Library::note(const ObjectId& root) {
  return at_most_one(collect<NoteRecord>(
      prepare_bound(db_,
                    std::string(kNoteColumns) +
                        " JOIN object o ON o.id = ?1 WHERE n.network_id = o.network_id AND n.created_at = o.timestamp "
                        "AND n.root_id = o.id",
                    root),
      read_note));
}

core::Result<NoteRecord> Library::resolve_note(const std::string& prefix) {
  std::string lower = prefix;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.size() < 4 || lower.size() > 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return core::fail<core::ErrorId::kNetworkNoteIdPrefix>(core::Errc::kInvalidArgument);
  }
  // The prefix is hex only, so a GLOB on the hex of the id is safe and exact.
  TUMAR_TRY_ASSIGN(all, collect<NoteRecord>(
      prepare_bound(db_, std::string(kNoteColumns) + " WHERE lower(hex(n.root_id)) GLOB ?1 || '*' LIMIT 10", lower),
      read_note));
  if (all.size() == 1) return std::move(all.front());
  if (all.empty()) {
    return core::fail<core::ErrorId::kNetworkNoNoteWithPrefix>(core::Errc::kInvalidArgument, lower);
  }
  // The candidates, one a line: the start of each id and its title.
  std::string list;
  for (auto& n : all) list += "\n  " + encoding::to_hex(n.root).substr(0, 12) + "  " + n.title;
  return core::fail<core::ErrorId::kNetworkSeveralNotes>(core::Errc::kInvalidArgument, lower, list);
}

core::Result<std::vector<NoteRecord>> Library::notes(const std::optional<NetworkId>& network) {
  if (network) {
    return collect<NoteRecord>(
        prepare_bound(db_, std::string(kNoteColumns) + " WHERE n.network_id = ?1 ORDER BY n.updated_at DESC, n.root_id",
                      *network),
        read_note);
  }
  return collect<NoteRecord>(db_.prepare(std::string(kNoteColumns) + " ORDER BY n.updated_at DESC, n.root_id"),
                             read_note);
}

core::Result<std::vector<NoteRecord>> Library::search(const std::string& query, const std::optional<NetworkId>& network) {
  const std::string q = fts_query(query);
  if (q.empty()) return core::fail<core::ErrorId::kNetworkSearchEmpty>(core::Errc::kInvalidArgument);
  std::string sql = std::string(kNoteColumns) + " JOIN note_fts f ON f.rowid = n.rowid WHERE note_fts MATCH ?1";
  if (network) {
    return collect<NoteRecord>(prepare_bound(db_, sql + " AND n.network_id = ?2 ORDER BY bm25(note_fts)", q, *network),
                               read_note);
  }
  return collect<NoteRecord>(prepare_bound(db_, sql + " ORDER BY bm25(note_fts)", q), read_note);
}

core::Result<void> Library::apply_broadcast(const BroadcastRecord& b) {
  return execute(db_,
                 "INSERT OR IGNORE INTO broadcast (id, network_id, author, urgent, text, created_at, expires_at) "
                 "VALUES (?1,?2,?3,?4,?5,?6,?7)",
                 b.id, b.network, b.author, b.urgent ? 1 : 0, b.text, b.created_at_ms, b.expires_at_ms);
}

core::Result<void> Library::drop_broadcast(const ObjectId& id) {
  return execute(db_, "DELETE FROM broadcast WHERE id = ?1", id);
}

core::Result<std::vector<BroadcastRecord>> Library::broadcasts(const std::optional<NetworkId>& network) {
  if (network) {
    return collect<BroadcastRecord>(
        prepare_bound(db_, std::string(kBroadcastColumns) +
                               " WHERE network_id = ?1 ORDER BY urgent DESC, created_at DESC, id",
                      *network),
        read_broadcast);
  }
  return collect<BroadcastRecord>(
      db_.prepare(std::string(kBroadcastColumns) + " ORDER BY urgent DESC, created_at DESC, id"), read_broadcast);
}

core::Result<std::vector<BroadcastRecord>> Library::unread_urgent(std::uint64_t now_ms) {
  return collect<BroadcastRecord>(
      prepare_bound(db_,
                    std::string(kBroadcastColumns) +
                        " WHERE urgent = 1 AND read_at IS NULL AND (expires_at = 0 OR expires_at > ?1) "
                        "ORDER BY created_at DESC, id",
                    now_ms),
      read_broadcast);
}

core::Result<void> Library::mark_read(const std::vector<ObjectId>& ids, std::int64_t now) {
  for (const auto& id : ids) {
    if (auto r = execute(db_, "UPDATE broadcast SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL", id, now); !r) {
      return r;
    }
  }
  return {};
}

}  // namespace tumar::network
