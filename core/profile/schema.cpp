#include "core/profile/schema.hpp"

#include <array>
#include <string>

#include "core/error_ids.hpp"

namespace tumar::profile {
namespace {

// Migration N takes the schema from version N-1 to N. Append only: a
// released migration never changes.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 1: the local identity (one row) and small settings.
    R"sql(
CREATE TABLE identity (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  display_name     TEXT NOT NULL,
  identity_public  BLOB NOT NULL CHECK (length(identity_public) = 32),
  identity_secret  BLOB NOT NULL CHECK (length(identity_secret) = 64),
  noise_public     BLOB NOT NULL CHECK (length(noise_public) = 32),
  noise_secret     BLOB NOT NULL CHECK (length(noise_secret) = 32),
  binding_signature BLOB NOT NULL CHECK (length(binding_signature) = 64),
  created_at       INTEGER NOT NULL
) STRICT;
CREATE TABLE setting (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
)sql",
    // 2: the allow list (`tumar peer add`), the admission rule until networks exist.
    R"sql(
CREATE TABLE peer (
  address         TEXT PRIMARY KEY,
  identity_key    BLOB CHECK (identity_key IS NULL OR length(identity_key) = 32),
  added_at        INTEGER NOT NULL,
  last_synced_at  INTEGER
) STRICT;
CREATE INDEX peer_by_identity_key ON peer (identity_key);
)sql",
    // 3: networks (docs/NETWORKS.md). `object` holds every
    // envelope exactly as signed; the other tables are projections of it
    // that a replica can rebuild, plus what is local to this node (epoch
    // keys, invites, which broadcasts were read).
    R"sql(
CREATE TABLE network (
  id          BLOB PRIMARY KEY CHECK (length(id) = 32),
  name        TEXT NOT NULL,
  founder     BLOB CHECK (founder IS NULL OR length(founder) = 32),
  joined_at   INTEGER NOT NULL,
  is_demo     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE epoch_key (
  network_id  BLOB NOT NULL,
  epoch       INTEGER NOT NULL,
  key         BLOB NOT NULL CHECK (length(key) = 32),
  PRIMARY KEY (network_id, epoch, key)
) STRICT;
CREATE TABLE object (
  id          BLOB PRIMARY KEY CHECK (length(id) = 32),
  network_id  BLOB NOT NULL,
  timestamp   INTEGER NOT NULL,
  kind        INTEGER NOT NULL,
  author      BLOB NOT NULL,
  epoch       INTEGER NOT NULL,
  subject     BLOB,                -- what it is about: the note's root, the member admitted or removed, the grantee
  lamport     INTEGER NOT NULL,    -- notes and profiles: the revision clock; else 0
  envelope    BLOB NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX object_by_network_time ON object (network_id, timestamp, id);
CREATE INDEX object_by_author ON object (network_id, author);
CREATE INDEX object_by_subject ON object (network_id, kind, subject);
CREATE TABLE member (
  network_id    BLOB NOT NULL,
  identity_key  BLOB NOT NULL CHECK (length(identity_key) = 32),
  noise_key     BLOB NOT NULL CHECK (length(noise_key) = 32),
  binding_signature BLOB NOT NULL CHECK (length(binding_signature) = 64),
  role          TEXT NOT NULL CHECK (role IN ('member', 'lead')),
  admitted_epoch INTEGER NOT NULL,
  admission_id  BLOB NOT NULL,
  admitted_at   INTEGER NOT NULL,
  removed_epoch INTEGER,
  removed_at    INTEGER,
  removal_id    BLOB,
  PRIMARY KEY (network_id, identity_key)
) STRICT;
CREATE TABLE profile (
  network_id    BLOB NOT NULL,
  identity_key  BLOB NOT NULL,
  lamport       INTEGER NOT NULL,
  object_id     BLOB NOT NULL,
  display_name  TEXT NOT NULL,
  organisation  TEXT NOT NULL,
  region        TEXT NOT NULL,
  languages     TEXT NOT NULL,
  services      TEXT NOT NULL,
  contact       TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (network_id, identity_key)
) STRICT;
CREATE TABLE note (
  root_id       BLOB PRIMARY KEY CHECK (length(root_id) = 32),
  network_id    BLOB NOT NULL,
  author        BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  revision_id   BLOB NOT NULL,
  lamport       INTEGER NOT NULL,
  editor        BLOB NOT NULL,
  updated_at    INTEGER NOT NULL,
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  tags          TEXT NOT NULL,
  region        TEXT NOT NULL,
  contact       TEXT NOT NULL,
  verified_on   INTEGER NOT NULL,
  valid_until   INTEGER NOT NULL
) STRICT;
CREATE INDEX note_by_network ON note (network_id, updated_at);
CREATE VIRTUAL TABLE note_fts USING fts5(title, body, tags, region, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE broadcast (
  id            BLOB PRIMARY KEY CHECK (length(id) = 32),
  network_id    BLOB NOT NULL,
  author        BLOB NOT NULL,
  urgent        INTEGER NOT NULL,
  text          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  read_at       INTEGER
) STRICT;
CREATE TABLE invite (
  invite_id     BLOB PRIMARY KEY CHECK (length(invite_id) = 16),
  network_id    BLOB NOT NULL,
  secret        BLOB NOT NULL CHECK (length(secret) = 32),
  role          TEXT NOT NULL CHECK (role IN ('member', 'lead')),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  used_at       INTEGER,
  used_by       BLOB
) STRICT;
)sql",
    // 4: direct messages (docs/PROTOCOL.md, "Direct messages: in the network").
    // Private prekeys and ratchet states are secrets: rows are deleted the
    // moment they are used up, and secure_delete zeroes the freed bytes.
    R"sql(
CREATE TABLE dm_prekey (
  network_id    BLOB NOT NULL,
  id            INTEGER NOT NULL CHECK (id BETWEEN 1 AND 4294967295),
  signed        INTEGER NOT NULL CHECK (signed IN (0, 1)),
  sender        BLOB CHECK (sender IS NULL OR length(sender) = 32),  -- one-time: the member it is for
  public_key    BLOB NOT NULL CHECK (length(public_key) = 32),
  signature     BLOB CHECK (signature IS NULL OR length(signature) = 64),
  private_key   BLOB NOT NULL CHECK (length(private_key) = 32),
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (network_id, id)
) STRICT;
CREATE TABLE dm_used_prekey (
  network_id    BLOB NOT NULL,
  peer          BLOB NOT NULL,
  prekey_id     INTEGER NOT NULL,
  PRIMARY KEY (network_id, peer, prekey_id)
) STRICT;
CREATE TABLE dm_session (
  id            INTEGER PRIMARY KEY,
  network_id    BLOB NOT NULL,
  peer          BLOB NOT NULL CHECK (length(peer) = 32),
  state         BLOB NOT NULL,
  last_used_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX dm_session_by_peer ON dm_session (network_id, peer, last_used_at);
CREATE TABLE dm_message (
  id            INTEGER PRIMARY KEY,
  network_id    BLOB NOT NULL,
  peer          BLOB NOT NULL CHECK (length(peer) = 32),
  outgoing      INTEGER NOT NULL CHECK (outgoing IN (0, 1)),
  message_id    BLOB NOT NULL CHECK (length(message_id) = 16),
  sent_at       INTEGER NOT NULL,
  received_at   INTEGER,
  text          TEXT NOT NULL,
  delivered_at  INTEGER,
  read_at       INTEGER,
  receipt_sent  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (network_id, peer, outgoing, message_id)
) STRICT;
CREATE TABLE dm_inbox (
  object_id     BLOB PRIMARY KEY CHECK (length(object_id) = 32),
  outcome       INTEGER NOT NULL   -- 1 read, 2 unreadable for good
) STRICT;
)sql",
    // 5: no index keyed by a random id that a new note must enter, beyond
    // the object id itself (docs/STORAGE.md, "Indexes and bulk writes"). A
    // note's first version is about itself, so object_by_subject leaves it
    // out (it is found by id); a note row is keyed by (network, the first
    // version's timestamp, root id), which grows at one end as a sync
    // stores notes oldest first, where the root id alone put each new note
    // on a random leaf. Rowids are kept: note_fts is keyed by them.
    R"sql(
DROP INDEX object_by_subject;
CREATE INDEX object_by_subject ON object (network_id, kind, subject) WHERE subject IS NOT id;
CREATE TABLE note_v5 (
  root_id       BLOB NOT NULL CHECK (length(root_id) = 32),
  network_id    BLOB NOT NULL,
  author        BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  revision_id   BLOB NOT NULL,
  lamport       INTEGER NOT NULL,
  editor        BLOB NOT NULL,
  updated_at    INTEGER NOT NULL,
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  tags          TEXT NOT NULL,
  region        TEXT NOT NULL,
  contact       TEXT NOT NULL,
  verified_on   INTEGER NOT NULL,
  valid_until   INTEGER NOT NULL,
  PRIMARY KEY (network_id, created_at, root_id)
) STRICT;
INSERT INTO note_v5 (rowid, root_id, network_id, author, created_at, revision_id, lamport, editor, updated_at, title,
                     body, tags, region, contact, verified_on, valid_until)
  SELECT rowid, root_id, network_id, author, created_at, revision_id, lamport, editor, updated_at, title, body, tags,
         region, contact, verified_on, valid_until FROM note;
DROP TABLE note;
ALTER TABLE note_v5 RENAME TO note;
CREATE INDEX note_by_network ON note (network_id, updated_at);
)sql",
    // 6: the search index reads its text from the note row (an external-
    // content FTS5 table) instead of keeping a second copy of every note's
    // title, body, tags and region: a new member's first sync wrote each
    // text twice (docs/STORAGE.md, "Indexes and bulk writes"). The index
    // is rebuilt from the rows; Library supplies the old values when a row
    // goes, as FTS5 requires of external content.
    R"sql(
DROP TABLE note_fts;
CREATE VIRTUAL TABLE note_fts USING fts5(title, body, tags, region, content = 'note', content_rowid = 'rowid',
                                         tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO note_fts (note_fts) VALUES ('rebuild');
)sql",
    // 7: envelopes version 2 (docs/NETWORKS.md): each object carries its
    // author's seq and the id of the key it starts or grants, an epoch
    // exists only once a lead starts it, and a removal names the removed
    // member's last seq. Version 1 objects cannot be converted (they are
    // signed as they are) and are refused from now on, so the networks of
    // a profile from before are emptied: their leads create them again.
    // The identity, the allow list and direct-message history stay.
    R"sql(
INSERT INTO note_fts (note_fts) VALUES ('delete-all');
DELETE FROM note;
DELETE FROM broadcast;
DELETE FROM profile;
DELETE FROM member;
DELETE FROM object;
DELETE FROM epoch_key;
DELETE FROM invite;
DELETE FROM network;
ALTER TABLE object ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE object ADD COLUMN key_id BLOB CHECK (key_id IS NULL OR length(key_id) = 16);
CREATE INDEX object_by_slot ON object (network_id, author, seq);
ALTER TABLE member ADD COLUMN removed_seq INTEGER;
CREATE TABLE equivocation (
  id          BLOB PRIMARY KEY CHECK (length(id) = 32),
  network_id  BLOB NOT NULL,
  author      BLOB NOT NULL,
  seq         INTEGER NOT NULL,
  timestamp   INTEGER NOT NULL,
  envelope    BLOB NOT NULL
) STRICT;
CREATE INDEX equivocation_by_slot ON equivocation (network_id, author, seq);
)sql",
    // 8: a member's profile carries where its node can be reached
    // (MemberProfile.addresses), so `tumar sync` reaches the network's
    // members, not only the allow list. Stored profiles had none.
    R"sql(
ALTER TABLE profile ADD COLUMN addresses TEXT NOT NULL DEFAULT '';
)sql",
    // 9: Tor onion client authorisation (docs/PROTOCOL.md, "Onion client
    // authorisation"). tor_key keeps this node's Tor secrets by name (the
    // onion service's key, our client-auth key), so the onion address and
    // the key peers authorise survive a restart. A member's profile carries
    // her client-auth public key (MemberProfile.onion_client_key); stored
    // profiles had none.
    R"sql(
CREATE TABLE tor_key (
  name  TEXT PRIMARY KEY,
  key   BLOB NOT NULL
) STRICT;
ALTER TABLE profile ADD COLUMN onion_client_key BLOB CHECK (onion_client_key IS NULL OR length(onion_client_key) = 32);
)sql",
};

}  // namespace

core::Result<int> schema_version(store::Database& db) {
  TUMAR_TRY_ASSIGN(st, db.prepare("PRAGMA user_version"));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return core::fail<core::ErrorId::kProfileNoSchemaVersion>(core::Errc::kCorrupt);
  return static_cast<int>(st.column_int64(0));
}

core::Result<void> migrate(store::Database& db, int target) {
  if (target < 1 || target > kSchemaVersion) core::misuse("profile: migrate to a schema version that does not exist");
  TUMAR_TRY_ASSIGN(version, schema_version(db));
  if (version > kSchemaVersion) {
    return core::fail<core::ErrorId::kProfileNewerSchema>(core::Errc::kCorrupt, version);
  }
  for (int v = version; v < target; ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[static_cast<std::size_t>(v)] +
                      "PRAGMA user_version = " + std::to_string(v + 1) + ";COMMIT;";
    if (auto r = db.exec(sql); !r) {
      (void)db.exec("ROLLBACK");
      return r;
    }
  }
  return {};
}

}  // namespace tumar::profile
