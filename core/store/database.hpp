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

  // Call after rows of `table` were deleted or replaced that must not
  // outlive it on disk (a deleted message, a ratchet state overwritten, a
  // private prekey deleted). secure_delete zeroes a deleted row in its page,
  // but copies of it stay in two places:
  //   * the unused space of b-tree pages: when SQLite rebalances a page it
  //     rebuilds it without clearing the space between the cell pointers
  //     and the cells, so rows that moved to a sibling stay there as well
  //     (btree.c, rebuildPage). `table` is therefore rewritten: its rows are
  //     copied aside (in memory), the table is emptied, which frees and, with
  //     secure_delete, zeroes every page of it and its indexes, and the rows
  //     are put back into clean pages. Its size is the cost.
  //   * earlier images of the pages in WAL frames (or a rollback journal).
  //     The WAL is emptied with a TRUNCATE checkpoint: every frame is copied
  //     into the database file and the log is cut to zero bytes; the VFS
  //     overwrites with zeros whatever it cuts off or deletes
  //     (encrypted_vfs.cpp), which also covers the rollback journal, deleted
  //     at each commit.
  // `table` is a name from tumar's schema, never input (misuse aborts).
  //
  // Inside a transaction the table is rewritten at once and the log is
  // emptied when the transaction commits (Transaction::commit); otherwise
  // both happen now. If another connection keeps the database busy for
  // longer than the busy timeout (5 s), this returns kStorage and emptying
  // the log stays owed: it is retried after this connection's next commit
  // and when it closes.
  core::Result<void> purge_old_copies(std::string_view table);
  bool purge_owed() const noexcept { return purge_owed_; }
  // Empties the log if a purge is owed (Transaction::commit calls it).
  core::Result<void> finish_owed_purge();

  // For a connection that is about to store many objects (a replica during
  // a sync): a page cache of up to 32 MiB instead of SQLite's 2 MiB (less
  // where the locked page cache is smaller, memory_lock.hpp), and an
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
  core::Result<void> rewrite_table(std::string_view table);
  core::Result<void> empty_log();
  core::Error error(int rc, core::ErrorId failed) const;

  sqlite3* db_ = nullptr;
  JournalMode mode_ = JournalMode::kWal;
  bool purge_owed_ = false;
  std::unique_ptr<EncryptedVfs> vfs_;  // outlives db_ (closed first)
  std::shared_ptr<StatementCache> cache_ = std::make_shared<StatementCache>();
};

}  // namespace tumar::store
