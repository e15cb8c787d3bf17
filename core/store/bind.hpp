#pragma once
// Binding a statement's parameters in one call: bind_all(st, a, b, c) binds
// ?1, ?2, ?3. Keeps the network stores' SQL readable without a wrapper
// that would hide which SQLite call runs.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"
#include "core/store/statement.hpp"

namespace tumar::store {

namespace detail {
core::Error counter_past_int64();  // statement.cpp: keeps core/error_ids.hpp out of this header

inline core::Result<void> bind_one(Statement& st, int i, std::int64_t v) { return st.bind(i, v); }
inline core::Result<void> bind_one(Statement& st, int i, int v) { return st.bind(i, std::int64_t{v}); }
// SQLite integers are signed: a value past INT64_MAX would be stored as a
// negative number and sort below everything (a lead once pushed an epoch
// there). Refused here, so no caller can store one by accident.
inline core::Result<void> bind_one(Statement& st, int i, std::uint64_t v) {
  if (v > static_cast<std::uint64_t>(INT64_MAX)) {
    return tl::unexpected(counter_past_int64());
  }
  return st.bind(i, static_cast<std::int64_t>(v));
}
inline core::Result<void> bind_one(Statement& st, int i, std::string_view v) { return st.bind(i, v); }
inline core::Result<void> bind_one(Statement& st, int i, const std::string& v) { return st.bind(i, std::string_view(v)); }
inline core::Result<void> bind_one(Statement& st, int i, const char* v) { return st.bind(i, std::string_view(v)); }
inline core::Result<void> bind_one(Statement& st, int i, std::span<const std::uint8_t> v) { return st.bind(i, v); }
template <std::size_t N>
core::Result<void> bind_one(Statement& st, int i, const std::array<std::uint8_t, N>& v) {
  return st.bind(i, std::span<const std::uint8_t>(v));
}
inline core::Result<void> bind_one(Statement& st, int i, std::nullopt_t) { return st.bind_null(i); }
template <typename T>
core::Result<void> bind_one(Statement& st, int i, const std::optional<T>& v) {
  if (!v) return st.bind_null(i);
  return bind_one(st, i, *v);
}
}  // namespace detail

template <typename... Args>
core::Result<void> bind_all(Statement& st, const Args&... args) {
  core::Result<void> result;
  int i = 0;
  ((result ? (result = detail::bind_one(st, ++i, args), void()) : void()), ...);
  return result;
}

// Prepares `sql` and binds args.
template <typename... Args>
core::Result<Statement> prepare_bound(Database& db, std::string_view sql, const Args&... args) {
  auto st = db.prepare(sql);
  if (!st) return st;
  TUMAR_TRY(bind_all(*st, args...));
  return st;
}

// Runs a statement that returns no rows.
template <typename... Args>
core::Result<void> execute(Database& db, std::string_view sql, const Args&... args) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db, sql, args...));
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) return {};
  }
}

// Steps a prepared statement to the end, turning each row into a T with
// `read` (which returns core::Result<T>). The first error ends it.
template <typename T, typename Read>
core::Result<std::vector<T>> collect(core::Result<Statement> st, Read read) {
  if (!st) return tl::unexpected(st.error());
  std::vector<T> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st->step());
    if (!row) return out;
    TUMAR_TRY_ASSIGN(item, read(*st));
    out.push_back(std::move(item));
  }
}

// Copies a blob column into a fixed-size array; false if the size differs.
template <std::size_t N>
bool column_array(const Statement& st, int index, std::array<std::uint8_t, N>& out) {
  auto blob = st.column_blob(index);
  if (blob.size() != N) return false;
  std::copy(blob.begin(), blob.end(), out.begin());
  return true;
}

}  // namespace tumar::store
