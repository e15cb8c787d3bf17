#pragma once
// Database: one SQLite connection to a profile's database, encrypted page
// by page through its own EncryptedVfs (docs/STORAGE.md). RAII, move-only.
//
// open() refuses a file that is not sealed under this key and database id
// (Errc::kTampered) before returning, because it reads the schema; it never
// writes to such a file.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include <sqlite3.h>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/store/encrypted_vfs.hpp"
#include "core/store/page_cipher.hpp"
#include "core/store/statement.hpp"
#include "core/store/statement_cache.hpp"

namespace tumar::store {

enum class JournalMode {
  kWal,       // PRAGMA journal_mode=WAL (default)
  kRollback,  // PRAGMA journal_mode=DELETE
};

class Database {
 public:
  static core::Result<Database> open(const std::filesystem::path& path, crypto::Secret<kPageKeyBytes> page_key,
                                     DbId db_id, JournalMode mode = JournalMode::kWal);

  // The same settings on SQLite's default VFS, unencrypted. Only the
  // benchmark uses it, as the baseline; never for a profile.
  static core::Result<Database> open_plain(const std::filesystem::path& path, JournalMode mode = JournalMode::kWal);

  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (no bound values).
  core::Result<void> exec(std::string_view sql);
  core::Result<Statement> prepare(std::string_view sql);
  // Copies the WAL into the database file and truncates the WAL (no-op in
  // rollback mode).
  core::Result<void> checkpoint();

  // For a connection that is about to store many objects (a replica during
  // a sync): a page cache of up to 32 MiB instead of SQLite's 2 MiB, and an
  // automatic checkpoint every 8192 WAL frames instead of every 1000. Lasts
  // as long as the connection; calling it again changes nothing.
  core::Result<void> prepare_for_bulk_writes();

  // Finalizes the idle prepared statements kept for reuse, so the next
  // prepare() parses its SQL again (fault-injection tests reach the
  // preparation this way).
  void forget_prepared() noexcept { cache_->clear(); }

  // Closes the connection; Statements must be gone. Also done by the
  // destructor, which cannot report errors.
  core::Result<void> close();

  // The profile was wiped underneath us: wipe the page key and close without
  // touching any file (no checkpoint, no WAL or -shm unlink: the paths may
  // already belong to a new profile).
  void abandon();

  // WAL frames dropped as a torn tail when the log was recovered (a crash
  // mid-write, or a tampered frame at the end of the log). Worth a warning.
  std::uint64_t discarded_wal_frames() const noexcept;

  sqlite3* handle() const noexcept { return db_; }
  bool is_open() const noexcept { return db_ != nullptr; }

 private:
  static core::Result<Database> open_with(const std::filesystem::path& path, std::unique_ptr<EncryptedVfs> vfs,
                                          JournalMode mode);
  core::Result<void> configure(bool is_new, JournalMode mode);
  core::Error error(int rc, std::string_view doing) const;

  sqlite3* db_ = nullptr;
  std::unique_ptr<EncryptedVfs> vfs_;  // outlives db_ (closed first)
  std::shared_ptr<StatementCache> cache_ = std::make_shared<StatementCache>();
};

}  // namespace tumar::store
