#pragma once
// Shared helpers for the store tests: fixed keys and ids, file bytes, a
// needle search, and the two journal modes every proof runs in.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/crypto/secret.hpp"
#include "core/store/database.hpp"

namespace tumar::store::test {

using Bytes = std::vector<std::uint8_t>;

inline crypto::Secret<kPageKeyBytes> key_from(std::uint8_t seed) {
  std::array<std::uint8_t, kPageKeyBytes> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed * 31 + i * 7 + 1);
  return crypto::Secret<kPageKeyBytes>::copy_of(k);
}

inline DbId id_from(std::uint8_t seed) {
  DbId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(seed ^ (0xA0 + i));
  return id;
}

inline core::Result<Database> open_test_db(const std::filesystem::path& path, JournalMode mode,
                                           std::uint8_t key_seed = 1, std::uint8_t id_seed = 1) {
  return Database::open(path, key_from(key_seed), id_from(id_seed), mode);
}

inline Bytes read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& p, std::span<const std::uint8_t> bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline bool contains(std::span<const std::uint8_t> hay, std::span<const std::uint8_t> needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

inline bool contains(std::span<const std::uint8_t> hay, std::string_view needle) {
  return contains(hay, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(needle.data()),
                                                     needle.size()));
}

// Every file in the directory (db, -wal, -shm, -journal, anything else).
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline const char* mode_name(const ::testing::TestParamInfo<JournalMode>& info) {
  return info.param == JournalMode::kWal ? "Wal" : "Rollback";
}

#define TUMAR_ASSERT_OK(expr)                                                    \
  do {                                                                           \
    auto tumar_ok_ = (expr);                                                     \
    ASSERT_TRUE(tumar_ok_) << #expr << ": " << tumar_ok_.error().describe();      \
  } while (0)

// Runs SQL that returns one integer.
inline std::int64_t query_int(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st) << (st ? "" : st.error().describe());
  if (!st) return -1;
  auto row = st->step();
  EXPECT_TRUE(row && *row) << sql << ": " << (row ? "no row" : row.error().describe());
  if (!row || !*row) return -1;
  return st->column_int64(0);
}

inline std::string integrity(Database& db) {
  auto st = db.prepare("PRAGMA integrity_check");
  if (!st) return "prepare failed: " + st.error().describe();
  auto row = st->step();
  if (!row) return "step failed: " + row.error().describe();
  if (!*row) return "no row";
  return st->column_text(0);
}

}  // namespace tumar::store::test
