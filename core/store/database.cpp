#include "core/store/database.hpp"

#include <string>
#include <system_error>
#include <utility>

#include "core/error_ids.hpp"
#include "core/store/memory_lock.hpp"
#include "core/store/sqlite_memory.hpp"

namespace tumar::store {
namespace {

// "tumr": marks page 1 of a database created here. Writing it is also what
// forces page 1, with its 40-byte reserve, onto disk at creation.
constexpr int kApplicationId = 0x74756d72;

// prepare_for_bulk_writes(): page cache per connection and WAL frames
// between automatic checkpoints.
constexpr int kDefaultCacheKiB = 2000;  // SQLite's default (SQLITE_DEFAULT_CACHE_SIZE=-2000)
constexpr int kBulkCacheKiB = 32 * 1024;
constexpr int kBulkWalCheckpointPages = 8192;
static_assert(kBulkWalCheckpointPages * 4096 <= 32 * 1024 * 1024, "the WAL stays below 32 MiB between checkpoints");

// A table name of tumar's schema: lower case letters and underscores.
bool is_schema_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

bool file_is_empty(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec || size == 0;  // missing counts as empty: SQLite creates it
}

// Closes a connection that failed to open fully. sqlite3_open_v2 hands back
// a handle even on failure; it must be closed.
void close_handle(sqlite3* db) {
  if (db == nullptr) return;
  sqlite3_stmt* st = nullptr;
  while ((st = sqlite3_next_stmt(db, nullptr)) != nullptr) sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace

core::Result<Database> Database::open(const std::filesystem::path& path, crypto::Secret<kPageKeyBytes> page_key,
                                      DbId db_id, JournalMode mode) {
  TUMAR_TRY_ASSIGN(vfs, EncryptedVfs::create(std::move(page_key), db_id));
  return open_with(path, std::move(vfs), mode);
}

core::Result<Database> Database::open_plain(const std::filesystem::path& path, JournalMode mode) {
  return open_with(path, nullptr, mode);
}

core::Result<Database> Database::open_with(const std::filesystem::path& path, std::unique_ptr<EncryptedVfs> vfs,
                                           JournalMode mode) {
  if (!install_wiping_allocator()) {
    return core::fail<core::ErrorId::kStoreMemoryUnprotected>(core::Errc::kStorage);
  }
  const bool is_new = file_is_empty(path);
  Database db;
  db.vfs_ = std::move(vfs);
  db.mode_ = mode;
  // No URI filenames: a path like "file:x?psow=0&vfs=unix" must not be able
  // to change the VFS or its settings.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, db.vfs_ ? db.vfs_->name() : nullptr);
  if (rc != SQLITE_OK) {
    core::Error e = db.error(rc, core::ErrorId::kStoreOpenFailed);
    close_handle(std::exchange(db.db_, nullptr));
    return tl::unexpected(std::move(e));
  }
  sqlite3_extended_result_codes(db.db_, 1);
  if (auto ok = db.configure(is_new, mode); !ok) {
    close_handle(std::exchange(db.db_, nullptr));
    return tl::unexpected(ok.error());
  }
  return db;
}

core::Result<void> Database::configure(bool is_new, JournalMode mode) {
  sqlite3_busy_timeout(db_, 5000);
  // Defensive mode: no writable_schema tricks, no direct shadow-table edits.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  if (is_new && vfs_) {
    // The reserve must be in place before SQLite writes page 1, or it only
    // takes effect after a VACUUM. The VFS refuses to write a page 1 without
    // it, so getting this wrong fails loudly, never in the clear.
    if (auto ok = exec("PRAGMA page_size=4096"); !ok) return ok;
    int reserve = static_cast<int>(kReserveBytes);
    const int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    if (rc != SQLITE_OK) return tl::unexpected(error(rc, core::ErrorId::kStoreReserveFailed));
  } else if (is_new) {
    if (auto ok = exec("PRAGMA page_size=4096"); !ok) return ok;
  }
  // temp_store=MEMORY: temp tables and indices stay in memory (the VFS also
  // keeps any temporary file in memory). mmap_size=0: SQLite reads only
  // through xRead (the VFS offers no xFetch either). secure_delete: freed
  // content is overwritten, so deleted rows do not linger in free pages.
  if (auto ok = exec("PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0; PRAGMA secure_delete=ON; "
                     "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
      !ok) {
    return ok;
  }
  // Only as much page cache as fits in locked memory (memory_lock.hpp).
  if (auto ok = exec("PRAGMA cache_size=-" + std::to_string(cache_kib(kDefaultCacheKiB))); !ok) return ok;
  // Read the schema now: a wrong key or a tampered page 1 fails here,
  // before anything is written.
  if (auto ok = exec("SELECT count(*) FROM sqlite_master"); !ok) return ok;
  if (is_new) {
    if (auto ok = exec("PRAGMA application_id=" + std::to_string(kApplicationId)); !ok) return ok;
  }
  const char* wanted = mode == JournalMode::kWal ? "wal" : "delete";
  TUMAR_TRY_ASSIGN(st, prepare(mode == JournalMode::kWal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE"));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row || st.column_text(0) != wanted) {
    return core::fail<core::ErrorId::kStoreJournalMode>(core::Errc::kStorage, wanted);
  }
  if (vfs_) {
    int reserve = -1;  // negative: query only
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    if (reserve != static_cast<int>(kReserveBytes)) {
      return core::fail<core::ErrorId::kStoreNoReservedSpace>(core::Errc::kTampered);
    }
  }
  return {};
}

Database::~Database() { (void)close(); }

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      mode_(other.mode_),
      purge_owed_(std::exchange(other.purge_owed_, false)),
      vfs_(std::move(other.vfs_)),
      cache_(std::exchange(other.cache_, std::make_shared<StatementCache>())) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    (void)close();
    db_ = std::exchange(other.db_, nullptr);
    mode_ = other.mode_;
    purge_owed_ = std::exchange(other.purge_owed_, false);
    vfs_ = std::move(other.vfs_);
    cache_ = std::exchange(other.cache_, std::make_shared<StatementCache>());
  }
  return *this;
}

core::Result<void> Database::close() {
  if (db_ == nullptr) {
    vfs_.reset();
    return {};
  }
  cache_->clear();  // idle statements go; a live one still makes close fail below
  // An owed purge gets one more try. If another process still keeps the
  // database busy, the last connection to close checkpoints the WAL and
  // deletes it anyway (overwritten first by the VFS).
  if (purge_owed_) (void)empty_log();
  const int rc = sqlite3_close(db_);
  if (rc == SQLITE_BUSY) {
    // A Statement outlived its Database: programmer misuse. Closing anyway
    // would leave the Statement with a dangling handle.
    core::misuse("store: a database was closed while statements were still open");
  }
  db_ = nullptr;
  cache_->kill();
  core::Result<void> result;
  if (rc != SQLITE_OK) result = tl::unexpected(error(rc, core::ErrorId::kStoreCloseFailed));
  vfs_.reset();
  return result;
}

void Database::abandon() {
  if (vfs_) vfs_->abandon();
  if (db_ != nullptr) {
    cache_->kill();     // close_handle finalizes the idle statements with the rest
    close_handle(db_);  // every write, delete and truncate now fails: nothing on disk changes
    db_ = nullptr;
  }
  vfs_.reset();
}

std::uint64_t Database::discarded_wal_frames() const noexcept {
  return vfs_ ? vfs_->discarded_wal_frames() : 0;
}

core::Error Database::error(int rc, core::ErrorId failed) const { return detail::sqlite_error(rc, vfs_.get(), failed); }

core::Result<void> Database::exec(std::string_view sql) {
  if (db_ == nullptr) return core::fail<core::ErrorId::kStoreClosed>(core::Errc::kStorage);
  // sqlite3_exec wants a NUL-terminated string; the message it could return
  // is not used (it may quote the SQL).
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(error(sqlite3_extended_errcode(db_), core::ErrorId::kStoreCommandFailed));
  return {};
}

core::Result<Statement> Database::prepare(std::string_view sql) {
  if (db_ == nullptr) return core::fail<core::ErrorId::kStoreClosed>(core::Errc::kStorage);
  if (sqlite3_stmt* cached = cache_->take(sql)) return Statement(cached, vfs_.get(), cache_);
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    return tl::unexpected(error(rc, core::ErrorId::kStorePrepareFailed));
  }
  if (st == nullptr) return core::fail<core::ErrorId::kStoreEmptyStatement>(core::Errc::kInvalidArgument);
  return Statement(st, vfs_.get(), cache_);
}

core::Result<void> Database::prepare_for_bulk_writes() {
  // A new member's first sync stores ~100,000 objects, each touching leaves
  // of indexes keyed by random ids (object id, note root, subject): with the
  // default 2 MiB cache most of those leaves are read back — and decrypted —
  // for every insert, and a checkpoint every 1000 frames copies the same hot
  // pages again and again (tests/bench/initial_sync_bench.cpp measured
  // both). The cache grows only as pages are used and is wiped when freed
  // (sqlite_memory.cpp); WAL frames stay sealed, and the WAL is
  // checkpointed on close as before.
  // Where the page cache must stay in a small locked region, it stays
  // small: slower, but decrypted pages do not spill into unlocked memory.
  return exec("PRAGMA cache_size=-" + std::to_string(cache_kib(kBulkCacheKiB)) +
              "; PRAGMA wal_autocheckpoint=" + std::to_string(kBulkWalCheckpointPages) + ";");
}

core::Result<void> Database::purge_old_copies(std::string_view table) {
  if (db_ == nullptr) return core::fail<core::ErrorId::kStoreClosed>(core::Errc::kStorage);
  if (!is_schema_name(table)) {
    core::misuse("store: purge_old_copies was given something that is not a table name");
  }
  if (auto r = rewrite_table(table); !r) return r;
  purge_owed_ = true;
  if (!sqlite3_get_autocommit(db_)) return {};  // Transaction::commit empties the log
  return empty_log();
}

core::Result<void> Database::finish_owed_purge() {
  if (!purge_owed_ || db_ == nullptr || !sqlite3_get_autocommit(db_)) return {};
  return empty_log();
}

core::Result<void> Database::rewrite_table(std::string_view table) {
  // temp_store=MEMORY: the copy lives in SQLite's heap (wiped when freed),
  // never in a file. DELETE without WHERE frees every page of the table and
  // its indexes (SQLite's truncate optimisation), which secure_delete
  // zeroes; the rows go back into pages that hold nothing else.
  const std::string t(table);
  const std::string sql = "CREATE TEMP TABLE tumar_rewrite AS SELECT * FROM main." + t + "; DELETE FROM main." + t +
                          "; INSERT INTO main." + t + " SELECT * FROM temp.tumar_rewrite; DROP TABLE temp.tumar_rewrite;";
  if (!sqlite3_get_autocommit(db_)) return exec(sql);  // part of the caller's transaction
  TUMAR_TRY_ASSIGN(tx, Transaction::begin(*this));
  if (auto r = exec(sql); !r) return r;
  return tx.commit();
}

core::Result<void> Database::empty_log() {
  if (mode_ != JournalMode::kWal) {
    purge_owed_ = false;  // the journal was overwritten and deleted at commit
    return {};
  }
  const int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
      return core::fail<core::ErrorId::kStoreLogNotCleared>(core::Errc::kStorage);
    }
    return tl::unexpected(error(rc, core::ErrorId::kStoreClearLogFailed));
  }
  purge_owed_ = false;
  return {};
}

core::Result<void> Database::checkpoint() {
  if (db_ == nullptr) return core::fail<core::ErrorId::kStoreClosed>(core::Errc::kStorage);
  const int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(error(rc, core::ErrorId::kStoreCheckpointFailed));
  return {};
}

}  // namespace tumar::store
