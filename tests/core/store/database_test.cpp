// Database and Statement basics on the encrypted VFS, in both journal modes:
// create, reopen, FTS5, the wrong key, empty and truncated files, VACUUM.

#include "core/store/database.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

namespace fs = std::filesystem;

class StoreDatabase : public ::testing::TestWithParam<JournalMode> {
 protected:
  tumar::test::TempDir dir;
  fs::path path = dir / "profile.db";
};

INSTANTIATE_TEST_SUITE_P(Store, StoreDatabase, ::testing::Values(JournalMode::kWal, JournalMode::kRollback),
                         mode_name);

void fill_small(Database& db) {
  ASSERT_TRUE(db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)"));
  auto st = db.prepare("INSERT INTO t(id, v, b) VALUES (?, ?, ?)");
  ASSERT_TRUE(st);
  for (std::int64_t i = 1; i <= 50; ++i) {
    TUMAR_ASSERT_OK(st->bind(1, i));
    TUMAR_ASSERT_OK(st->bind(2, std::string_view("value-" + std::to_string(i))));
    const Bytes blob(static_cast<std::size_t>(i * 100), static_cast<std::uint8_t>(i));
    TUMAR_ASSERT_OK(st->bind(3, std::span<const std::uint8_t>(blob)));
    auto done = st->step();
    ASSERT_TRUE(done && !*done);
    st->reset();
  }
}

TEST_P(StoreDatabase, CreateWriteReopenRead) {
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db) << db.error().describe();
    fill_small(*db);
  }
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 50);
  EXPECT_EQ(query_int(*db, "SELECT sum(length(b)) FROM t"), 100 * 50 * 51 / 2);
  auto st = db->prepare("SELECT v, b FROM t WHERE id = ?");
  ASSERT_TRUE(st);
  TUMAR_ASSERT_OK(st->bind(1, std::int64_t{42}));
  auto row = st->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(st->column_text(0), "value-42");
  EXPECT_EQ(st->column_blob(1).size(), 4200u);
  EXPECT_EQ(st->column_blob(1)[0], 42);
  EXPECT_EQ(integrity(*db), "ok");
  EXPECT_EQ(query_int(*db, "PRAGMA page_size"), 4096);
  EXPECT_EQ(query_int(*db, "PRAGMA application_id"), 0x74756d72);
  // Header byte 20 as SQLite sees it: the reserve is ours.
  int reserve = -1;
  sqlite3_file_control(db->handle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  EXPECT_EQ(reserve, 40);
}

TEST_P(StoreDatabase, FileDoesNotLookLikeSqlite) {
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db);
    fill_small(*db);
  }
  const Bytes bytes = read_bytes(path);
  ASSERT_GE(bytes.size(), 2 * kPageSize);
  EXPECT_EQ(bytes.size() % kPageSize, 0u);
  EXPECT_FALSE(contains(std::span(bytes).first(100), "SQLite format 3"));
}

TEST_P(StoreDatabase, Fts5WorksInside) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec("CREATE VIRTUAL TABLE notes USING fts5(body)"));
  TUMAR_ASSERT_OK(db->exec("INSERT INTO notes(body) VALUES ('the shelter moved to the river street'), "
                           "('bring blankets on tuesday')"));
  auto st = db->prepare("SELECT body FROM notes WHERE notes MATCH ?");
  ASSERT_TRUE(st);
  TUMAR_ASSERT_OK(st->bind(1, std::string_view("blankets")));
  auto row = st->step();
  ASSERT_TRUE(row && *row) << (row ? "no row" : row.error().describe());
  EXPECT_EQ(st->column_text(0), "bring blankets on tuesday");
  row = st->step();
  ASSERT_TRUE(row && !*row);
}

TEST_P(StoreDatabase, WrongKeyIsTamperedAndFileUnchanged) {
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db);
    fill_small(*db);
  }
  const Bytes before = read_bytes(path);
  const auto files_before = files_in(dir.path());
  for (auto [key, id] : {std::pair<int, int>{2, 1}, {1, 2}, {2, 2}}) {
    auto db = open_test_db(path, GetParam(), static_cast<std::uint8_t>(key), static_cast<std::uint8_t>(id));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code(), core::Errc::kTampered) << db.error().describe();
    EXPECT_EQ(db.error().field("page"), "1") << db.error().describe();
  }
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_EQ(files_in(dir.path()), files_before);
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 50);
}

TEST_P(StoreDatabase, EmptyFileOpensAsNewDatabase) {
  write_bytes(path, {});
  ASSERT_TRUE(fs::exists(path));
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  fill_small(*db);
  EXPECT_EQ(integrity(*db), "ok");
}

TEST_P(StoreDatabase, TruncatedFileIsAnErrorNotACrash) {
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db);
    fill_small(*db);
    TUMAR_ASSERT_OK(db->checkpoint());
  }
  const Bytes whole = read_bytes(path);
  ASSERT_GT(whole.size(), 4 * kPageSize);
  // Cut inside the last page, inside page 1, and at page boundaries. A cut
  // inside a page cannot authenticate that page; a cut at a boundary makes
  // the missing pages read as zeros (SQLite's end-of-file rule), which SQLite
  // rejects as corrupt as soon as it needs them. Reading every value (hex()
  // forces the blob bytes, overflow pages included) must fail either way.
  for (std::size_t cut : {whole.size() - 1000, whole.size() - kPageSize, whole.size() / 2 / kPageSize * kPageSize,
                          kPageSize + 17, std::size_t{100}}) {
    write_bytes(path, std::span(whole).first(cut));
    auto db = open_test_db(path, GetParam());
    core::Result<void> outcome =
        db ? db->exec("SELECT count(*), sum(length(hex(b))), sum(length(v)) FROM t") : tl::unexpected(db.error());
    ASSERT_FALSE(outcome) << "cut at " << cut;
    EXPECT_EQ(outcome.error().code(), core::Errc::kTampered) << "cut at " << cut << ": " << outcome.error().describe();
  }
}

TEST_P(StoreDatabase, VacuumKeepsTheReserve) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db);
  fill_small(*db);
  TUMAR_ASSERT_OK(db->exec("DELETE FROM t WHERE id % 2 = 0"));
  TUMAR_ASSERT_OK(db->exec("VACUUM"));
  EXPECT_EQ(integrity(*db), "ok");
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 25);
  db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 25);
}

TEST_P(StoreDatabase, TransactionRollsBackUnlessCommitted) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(x)"));
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    TUMAR_ASSERT_OK(db->exec("INSERT INTO t VALUES (1)"));
  }
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 0);
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    TUMAR_ASSERT_OK(db->exec("INSERT INTO t VALUES (1)"));
    TUMAR_ASSERT_OK(tx->commit());
    EXPECT_FALSE(tx->commit());
  }
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 1);
}

TEST(StoreDatabaseErrors, MessagesNeverQuoteSqlOrValues) {
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "x.db", JournalMode::kWal);
  ASSERT_TRUE(db);
  auto bad = db->exec("SELECT secret_value_here FROM nowhere");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), core::Errc::kStorage);
  EXPECT_EQ(bad.error().describe().find("secret_value_here"), std::string::npos) << bad.error().describe();
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE u(x UNIQUE)"));
  auto st = db->prepare("INSERT INTO u VALUES (?)");
  ASSERT_TRUE(st);
  TUMAR_ASSERT_OK(st->bind(1, std::string_view("hunter2-secret")));
  ASSERT_TRUE(st->step());
  st->reset();
  auto again = st->step();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().describe().find("hunter2"), std::string::npos);
}

TEST(StoreDatabaseErrors, PlainBaselineOpens) {
  tumar::test::TempDir dir;
  auto db = Database::open_plain(dir / "plain.db");
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(x); INSERT INTO t VALUES ('visible')"));
  db->close();
  EXPECT_TRUE(contains(read_bytes(dir / "plain.db"), "SQLite format 3"));
}

}  // namespace
}  // namespace tumar::store::test
