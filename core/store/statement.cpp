#include "core/store/statement.hpp"

#include "core/error_ids.hpp"
#include "core/store/statement_cache.hpp"

#include <string>
#include <utility>

#include "core/store/database.hpp"
#include "core/store/encrypted_vfs.hpp"

namespace tumar::store {
namespace detail {

namespace {
core::Error tampered_page(const PageFailure& failure) {
  switch (failure.role) {
    case FileRole::kMainDb:
      return core::make_error<core::ErrorId::kStorePageTamperedDb>(core::Errc::kTampered, failure.pgno);
    case FileRole::kJournal:
      return core::make_error<core::ErrorId::kStorePageTamperedJournal>(core::Errc::kTampered, failure.pgno);
    case FileRole::kWal:
      return core::make_error<core::ErrorId::kStorePageTamperedWal>(core::Errc::kTampered, failure.pgno);
  }
  return core::make_error<core::ErrorId::kStoreStructureInconsistent>(core::Errc::kTampered);
}
template <core::ErrorId Id>
core::Error failed_with(const char* reason) {
  return core::make_error<Id>(core::Errc::kStorage, reason);
}

// One of the store's "... failed" ids, chosen at run time, with SQLite's
// reason: made through make_error(), which checks each id's fields.
core::Error store_failure(core::ErrorId failed, const char* reason) {
  using core::ErrorId;
  switch (failed) {
    case ErrorId::kStoreOpenFailed: return failed_with<ErrorId::kStoreOpenFailed>(reason);
    case ErrorId::kStoreReserveFailed: return failed_with<ErrorId::kStoreReserveFailed>(reason);
    case ErrorId::kStoreCloseFailed: return failed_with<ErrorId::kStoreCloseFailed>(reason);
    case ErrorId::kStoreCommandFailed: return failed_with<ErrorId::kStoreCommandFailed>(reason);
    case ErrorId::kStorePrepareFailed: return failed_with<ErrorId::kStorePrepareFailed>(reason);
    case ErrorId::kStoreClearLogFailed: return failed_with<ErrorId::kStoreClearLogFailed>(reason);
    case ErrorId::kStoreCheckpointFailed: return failed_with<ErrorId::kStoreCheckpointFailed>(reason);
    case ErrorId::kStoreBindFailed: return failed_with<ErrorId::kStoreBindFailed>(reason);
    case ErrorId::kStoreStatementFailed: return failed_with<ErrorId::kStoreStatementFailed>(reason);
    default: break;
  }
  core::misuse("store: sqlite_error was given an id that is not one of the store's failures");
}
}  // namespace

core::Error counter_past_int64() { return core::make_error<core::ErrorId::kStoreCounterMax>(core::Errc::kLimit); }

core::Error sqlite_error(int rc, EncryptedVfs* vfs, core::ErrorId failed) {
  const std::optional<PageFailure> failure = vfs != nullptr ? vfs->take_failure() : std::nullopt;
  const int primary = rc & 0xff;
  if (failure) return tampered_page(*failure);
  if (rc == SQLITE_IOERR_DATA || primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return core::make_error<core::ErrorId::kStoreStructureInconsistent>(core::Errc::kTampered);
  }
  return store_failure(failed, sqlite3_errstr(rc));
}

}  // namespace detail

void Statement::release() noexcept {
  if (stmt_ == nullptr) return;
  if (cache_) {
    cache_->give(std::exchange(stmt_, nullptr));
  } else {
    sqlite3_finalize(std::exchange(stmt_, nullptr));
  }
  cache_.reset();
}

Statement::~Statement() { release(); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      vfs_(std::exchange(other.vfs_, nullptr)),
      cache_(std::move(other.cache_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    vfs_ = std::exchange(other.vfs_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

core::Result<void> Statement::check_bind(int rc) {
  if (rc == SQLITE_OK) return {};
  if (rc == SQLITE_RANGE) return core::fail<core::ErrorId::kStoreParameterRange>(core::Errc::kInvalidArgument);
  return tl::unexpected(detail::sqlite_error(rc, vfs_, core::ErrorId::kStoreBindFailed));
}

core::Result<void> Statement::bind(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(stmt_, index, value));
}

core::Result<void> Statement::bind(int index, std::string_view text) {
  return check_bind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

core::Result<void> Statement::bind(int index, std::span<const std::uint8_t> blob) {
  // A zero-length blob is still a blob, not NULL: pass a valid pointer.
  static constexpr std::uint8_t kEmpty = 0;
  const void* data = blob.empty() ? &kEmpty : blob.data();
  return check_bind(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT));
}

core::Result<void> Statement::bind_null(int index) { return check_bind(sqlite3_bind_null(stmt_, index)); }

core::Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // sqlite3_step returns the extended code (extended result codes are on).
  core::Error e = detail::sqlite_error(rc, vfs_, core::ErrorId::kStoreStatementFailed);
  sqlite3_reset(stmt_);
  return tl::unexpected(std::move(e));
}

void Statement::reset() { sqlite3_reset(stmt_); }
void Statement::clear_bindings() { sqlite3_clear_bindings(stmt_); }

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::span<const std::uint8_t> Statement::column_blob(int index) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
  const int n = sqlite3_column_bytes(stmt_, index);
  return p == nullptr ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(p, static_cast<std::size_t>(n));
}

core::Result<Transaction> Transaction::begin(Database& db) {
  TUMAR_TRY_ASSIGN(commit, db.prepare("COMMIT"));
  TUMAR_TRY_ASSIGN(rollback, db.prepare("ROLLBACK"));
  TUMAR_TRY_ASSIGN(begin, db.prepare("BEGIN IMMEDIATE"));
  TUMAR_TRY(begin.step());
  return Transaction(&db, std::move(commit), std::move(rollback));
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)rollback();
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      commit_(std::move(other.commit_)),
      rollback_(std::move(other.rollback_)) {}

core::Result<void> Transaction::commit() {
  Database* db = std::exchange(db_, nullptr);
  if (db == nullptr) return core::fail<core::ErrorId::kStoreTransactionEnded>(core::Errc::kInvalidArgument);
  auto done = commit_.step();
  commit_.reset();
  if (done) {
    // The commit stands whatever happens here; a purge that cannot run now
    // stays owed (Database::purge_old_copies).
    (void)db->finish_owed_purge();
    return {};
  }
  // A failed COMMIT (SQLITE_BUSY, I/O error, no memory) may leave the
  // transaction open: roll it back so nothing half-done remains and the
  // connection stays usable.
  if (!sqlite3_get_autocommit(db->handle())) {
    (void)rollback_.step();
    rollback_.reset();
  }
  return tl::unexpected(done.error());
}

core::Result<void> Transaction::rollback() {
  Database* db = std::exchange(db_, nullptr);
  if (db == nullptr) return {};
  // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL
  // or SQLITE_NOMEM).
  if (sqlite3_get_autocommit(db->handle())) return {};
  auto done = rollback_.step();
  rollback_.reset();
  if (!done) return tl::unexpected(done.error());
  return {};
}

}  // namespace tumar::store
