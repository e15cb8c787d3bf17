#include "core/store/statement_cache.hpp"

namespace tumar::store {

sqlite3_stmt* StatementCache::take(std::string_view sql) {
  if (!alive_) return nullptr;
  auto it = idle_.find(std::string(sql));
  if (it == idle_.end()) return nullptr;
  sqlite3_stmt* st = it->second;
  idle_.erase(it);
  return st;
}

void StatementCache::give(sqlite3_stmt* stmt) noexcept {
  if (stmt == nullptr) return;
  if (!alive_ || idle_.size() >= kMaxIdle) {
    sqlite3_finalize(stmt);
    return;
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  try {
    idle_.emplace(sqlite3_sql(stmt), stmt);
  } catch (...) {
    sqlite3_finalize(stmt);
  }
}

void StatementCache::clear() noexcept {
  if (alive_) {
    for (auto& [sql, st] : idle_) sqlite3_finalize(st);
  }
  idle_.clear();
}

void StatementCache::kill() noexcept {
  idle_.clear();  // the handles were finalized with the connection
  alive_ = false;
}

}  // namespace tumar::store
