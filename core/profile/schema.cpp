#include "core/profile/schema.hpp"

#include <array>
#include <string>

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
};

}  // namespace

core::Result<int> schema_version(store::Database& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return tl::unexpected(st.error());
  auto row = st->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return core::fail(core::Errc::kCorrupt, "The profile database has no schema version.");
  return static_cast<int>(st->column_int64(0));
}

core::Result<void> migrate(store::Database& db) {
  auto version = schema_version(db);
  if (!version) return tl::unexpected(version.error());
  if (*version > kSchemaVersion) {
    return core::fail(core::Errc::kCorrupt,
                      "This profile was written by a newer tumar (schema " + std::to_string(*version) +
                          "); update tumar to open it.");
  }
  for (int v = *version; v < kSchemaVersion; ++v) {
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
