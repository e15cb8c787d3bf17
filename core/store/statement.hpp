#pragma once
// Statement: one prepared SQLite statement, finalized on destruction.
// Transaction: BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() ran.
// Errors come back as core::Error built from the result code only (never
// from SQL text or bound values, which may hold a person's messages).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <sqlite3.h>

#include "core/error.hpp"

namespace tumar::store {

class EncryptedVfs;
class Database;
class StatementCache;

namespace detail {
// Maps an SQLite result to core::Error. An authentication failure recorded
// by the VFS (or SQLITE_IOERR_DATA / SQLITE_CORRUPT / SQLITE_NOTADB) becomes
// Errc::kTampered; everything else Errc::kStorage with the id `failed` (one
// of the store's "... failed" ids, whose one field is SQLite's reason).
// `vfs` may be null (the plain benchmark baseline).
core::Error sqlite_error(int rc, EncryptedVfs* vfs, core::ErrorId failed);
}  // namespace detail

class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Values are copied (SQLITE_TRANSIENT)
  // into SQLite's wiped heap, so the caller's buffer may go away.
  core::Result<void> bind(int index, std::int64_t value);
  core::Result<void> bind(int index, std::string_view text);
  core::Result<void> bind(int index, std::span<const std::uint8_t> blob);
  core::Result<void> bind_null(int index);

  // true: a row is ready; false: done.
  core::Result<bool> step();
  // Ready for another run; bindings are kept (use clear_bindings to drop).
  void reset();
  void clear_bindings();

  int column_count() const;
  bool column_is_null(int index) const;
  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  // Valid until the next step(), reset() or destruction.
  std::span<const std::uint8_t> column_blob(int index) const;

  sqlite3_stmt* handle() const noexcept { return stmt_; }

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, EncryptedVfs* vfs, std::shared_ptr<StatementCache> cache = nullptr)
      : stmt_(stmt), vfs_(vfs), cache_(std::move(cache)) {}
  void release() noexcept;
  core::Result<void> check_bind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  EncryptedVfs* vfs_ = nullptr;
  std::shared_ptr<StatementCache> cache_;  // where the handle goes back to; null = finalize
};

class Transaction {
 public:
  // BEGIN IMMEDIATE: takes the write lock now, so a busy database fails
  // here rather than halfway through. COMMIT and ROLLBACK are prepared
  // before BEGIN runs, so ending the transaction needs no allocation: a
  // transaction that failed for lack of memory can still be rolled back.
  static core::Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  core::Result<void> commit();
  core::Result<void> rollback();

 private:
  Transaction(Database* db, Statement commit, Statement rollback)
      : db_(db), commit_(std::move(commit)), rollback_(std::move(rollback)) {}
  Database* db_;  // null once committed or rolled back
  Statement commit_;
  Statement rollback_;
};

}  // namespace tumar::store
