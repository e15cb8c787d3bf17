#pragma once
// Prepared statements kept for reuse. Preparing is the dearest part of a
// small query (SQLite parses and plans the SQL each time); an object's
// ingest runs about ten small queries, so reusing them is most of the
// difference between ~1,500 and several thousand objects stored per second.
//
// Database::prepare takes a statement from here when one with the same SQL
// is idle, and a Statement hands its handle back on destruction, reset and
// with its bindings cleared (no bound value lingers in a cached statement).
// Shared between a Database and its Statements so that either may go first:
// once the database closes, the cache is dead and returned handles are
// finalized instead.

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tumar::store {

class StatementCache {
 public:
  static constexpr std::size_t kMaxIdle = 128;

  StatementCache() = default;
  ~StatementCache() { clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // An idle statement for exactly this SQL, or nullptr.
  sqlite3_stmt* take(std::string_view sql);
  // Back from a Statement: reset, bindings cleared, kept (or finalized if
  // the cache is full or dead).
  void give(sqlite3_stmt* stmt) noexcept;
  // Finalizes every idle statement; the cache keeps working.
  void clear() noexcept;
  // The database handle is gone: finalize nothing more here, accept nothing.
  void kill() noexcept;
  bool alive() const noexcept { return alive_; }

 private:
  std::unordered_multimap<std::string, sqlite3_stmt*> idle_;
  bool alive_ = true;
};

}  // namespace tumar::store
