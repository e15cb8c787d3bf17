#pragma once
// A network's shared library of resource notes (with full-text search) and
// its leads' broadcasts. Projections of the stored objects, plus what is
// local: which broadcasts this person has read.
//
// Freshness (docs/NETWORKS.md, "Notes and freshness"): a note is stale when its
// valid_until date has passed, or it has not been verified for
// kStaleAfterDays, so a closed shelter's old number does not keep
// circulating as if it were current.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"
#include "core/store/database.hpp"

namespace tumar::network {

struct NoteRecord {
  ObjectId root{};
  NetworkId network{};
  identity::IdentityKey author{};
  std::uint64_t created_at_ms = 0;
  ObjectId revision{};
  std::uint64_t lamport = 0;
  identity::IdentityKey editor{};
  std::uint64_t updated_at_ms = 0;
  std::string title, body, region, contact;
  std::vector<std::string> tags;
  std::uint32_t verified_on = 0;  // days since 1970-01-01, 0 = never
  std::uint32_t valid_until = 0;  // days since 1970-01-01, 0 = open-ended
};

// What finds a note's row: its network, its first version's timestamp and
// its root id (the first version's id). The root id alone would do, but an
// index on it alone puts each new note on a random leaf; in this order the
// key grows at one end as a sync stores notes oldest first (schema v5).
struct NoteKey {
  NetworkId network{};
  std::uint64_t created_at_ms = 0;
  ObjectId root{};
};

inline NoteKey key_of(const NoteRecord& n) { return NoteKey{n.network, n.created_at_ms, n.root}; }

// Why a note is stale; the front end words it (cli/commands/note_output.cpp).
enum class Staleness {
  kPastValidUntil,  // its valid-until date has passed
  kNeverVerified,   // never verified, and older than kStaleAfterDays
  kNotVerified,     // last verified more than kStaleAfterDays ago
};

// Stale on `today` (days since 1970-01-01)? With the reason, for listings.
std::optional<Staleness> stale_reason(const NoteRecord& note, std::uint32_t today);

struct BroadcastRecord {
  ObjectId id{};
  NetworkId network{};
  identity::IdentityKey author{};
  bool urgent = false;
  std::string text;
  std::uint64_t created_at_ms = 0;
  std::uint64_t expires_at_ms = 0;  // 0 = never
  std::optional<std::int64_t> read_at;
};

class Library {
 public:
  explicit Library(store::Database& db) : db_(db) {}

  // Installs `note` as the note's current revision if (lamport, revision id)
  // beats what is there (or always, with force: a removal took the old one away).
  core::Result<void> apply_note(const NoteRecord& note, bool force = false);
  // The same for a note's first version, whose root id is new: nothing can
  // be there to compare with or to drop, so it is only inserted. Should a
  // row for the root exist after all, apply_note decides as usual.
  core::Result<void> apply_first_version(const NoteRecord& note);
  core::Result<void> drop_note(const NoteKey& key);
  core::Result<std::optional<NoteRecord>> note(const NoteKey& key);
  // By root id alone, through the first version's stored object.
  core::Result<std::optional<NoteRecord>> note(const ObjectId& root);
  // By a hex prefix of the root id (at least 4 digits); ambiguous → error listing them.
  core::Result<NoteRecord> resolve_note(const std::string& prefix);
  // Newest first. `network` nullopt = every network.
  core::Result<std::vector<NoteRecord>> notes(const std::optional<NetworkId>& network);
  // FTS5, best match first. The query is taken as plain words (each quoted),
  // so no FTS5 syntax from the user can fail or surprise.
  core::Result<std::vector<NoteRecord>> search(const std::string& query, const std::optional<NetworkId>& network);

  core::Result<void> apply_broadcast(const BroadcastRecord& b);
  core::Result<void> drop_broadcast(const ObjectId& id);
  // Urgent first, then newest first.
  core::Result<std::vector<BroadcastRecord>> broadcasts(const std::optional<NetworkId>& network);
  // Unread urgent broadcasts that have not expired at now_ms.
  core::Result<std::vector<BroadcastRecord>> unread_urgent(std::uint64_t now_ms);
  core::Result<void> mark_read(const std::vector<ObjectId>& ids, std::int64_t now);

 private:
  // Inserts the note's row and its search entry; with if_absent, nothing
  // if the root has a row already (false).
  core::Result<bool> insert_note(const NoteRecord& note, bool if_absent);
  store::Database& db_;
};

}  // namespace tumar::network
