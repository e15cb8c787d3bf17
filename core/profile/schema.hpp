#pragma once
// The profile database's schema, versioned by PRAGMA user_version. Each
// migration runs in its own transaction, so a crash leaves the database at
// one version or the next, never between.

#include "core/error.hpp"
#include "core/store/database.hpp"

namespace tumar::profile {

inline constexpr int kSchemaVersion = 9;

// Brings the database to kSchemaVersion (tests: to `target`, to build an
// older profile and check its upgrade). Refuses a database from a newer
// tumar (its user_version is higher) rather than guessing at its layout.
core::Result<void> migrate(store::Database& db, int target = kSchemaVersion);

core::Result<int> schema_version(store::Database& db);

}  // namespace tumar::profile
