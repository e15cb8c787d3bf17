// Proof (1): nothing on disk shows plaintext. Known markers go into ordinary
// tables, an index, overflow pages and an FTS5 table; then every byte of
// every file in the directory (db, -wal, -shm, -journal) is scanned for
// them: with a large write transaction open and uncommitted (a tiny page
// cache makes SQLite spill dirty pages into the database file or the WAL
// before commit), after commit, and after close. The page key must not
// appear in any file either.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kMarkers = {
    "ZQX-CONTACT-NAME-MARKER",   // plain column
    "ZQX-ADDRESS-INDEX-MARKER",  // also an index key
    "ZQX-BLOB-OVERFLOW-MARKER",  // inside overflow pages
    "zqxftstokenmarker",         // an FTS5 token, as the index stores it (lower case)
    "ZQX-UNCOMMITTED-MARKER",    // only ever in an uncommitted transaction
};

class StorePlaintext : public ::testing::TestWithParam<JournalMode> {
 protected:
  tumar::test::TempDir dir;
  fs::path path = dir / "profile.db";

  void expect_no_plaintext_on_disk(const char* when) {
    const auto key = key_from(1);
    const auto files = files_in(dir.path());
    ASSERT_FALSE(files.empty());
    for (const fs::path& f : files) {
      const Bytes bytes = read_bytes(f);
      for (const std::string& m : kMarkers) {
        EXPECT_FALSE(contains(bytes, m)) << when << ": " << m << " found in " << f.filename();
      }
      EXPECT_FALSE(contains(bytes, std::span<const std::uint8_t>(key.span()))) << when << ": key in " << f.filename();
      EXPECT_FALSE(contains(bytes, "SQLite format 3")) << when << ": " << f.filename();
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Store, StorePlaintext, ::testing::Values(JournalMode::kWal, JournalMode::kRollback),
                         mode_name);

void insert_markers(Database& db, int rows) {
  auto contact = db.prepare("INSERT INTO contacts(name, address) VALUES (?, ?)");
  auto blob = db.prepare("INSERT INTO attachments(data) VALUES (?)");
  auto note = db.prepare("INSERT INTO notes(body) VALUES (?)");
  ASSERT_TRUE(contact && blob && note);
  for (int i = 0; i < rows; ++i) {
    const std::string n = std::to_string(i);
    TUMAR_ASSERT_OK(contact->bind(1, std::string_view(kMarkers[0] + n)));
    TUMAR_ASSERT_OK(contact->bind(2, std::string_view(kMarkers[1] + n)));
    ASSERT_TRUE(contact->step());
    contact->reset();
    std::string big;
    while (big.size() < 9000) big += kMarkers[2] + n;  // > 2 pages: overflow chain
    TUMAR_ASSERT_OK(blob->bind(1, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(big.data()),
                                                                big.size())));
    ASSERT_TRUE(blob->step());
    blob->reset();
    TUMAR_ASSERT_OK(note->bind(1, std::string_view("meet at " + kMarkers[3] + " number " + n)));
    ASSERT_TRUE(note->step());
    note->reset();
  }
}

TEST_P(StorePlaintext, NoMarkerInAnyFileBeforeDuringAndAfterCommit) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(db->exec(
      "CREATE TABLE contacts(id INTEGER PRIMARY KEY, name TEXT, address TEXT);"
      "CREATE INDEX contacts_address ON contacts(address);"
      "CREATE TABLE attachments(id INTEGER PRIMARY KEY, data BLOB);"
      "CREATE VIRTUAL TABLE notes USING fts5(body);"));
  insert_markers(*db, 20);
  expect_no_plaintext_on_disk("after committed inserts");

  // A big transaction with a 16-page cache: SQLite must spill.
  TUMAR_ASSERT_OK(db->exec("PRAGMA cache_size=16"));
  const auto db_size_before = fs::file_size(path);
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    auto st = db->prepare("INSERT INTO contacts(name, address) VALUES (?, ?)");
    ASSERT_TRUE(st);
    for (int i = 0; i < 400; ++i) {
      TUMAR_ASSERT_OK(st->bind(1, std::string_view(kMarkers[4] + std::to_string(i) + std::string(500, 'x'))));
      TUMAR_ASSERT_OK(st->bind(2, std::string_view(kMarkers[1] + "u" + std::to_string(i))));
      ASSERT_TRUE(st->step());
      st->reset();
    }
    insert_markers(*db, 30);
    // The spill really reached the disk (else this proves nothing): into
    // the WAL, or (rollback mode) into the database file itself, with the
    // original pages saved in the journal.
    if (GetParam() == JournalMode::kWal) {
      EXPECT_GT(fs::file_size(path.string() + "-wal"), 64 * kPageSize);
    } else {
      EXPECT_TRUE(fs::exists(path.string() + "-journal"));
      EXPECT_GT(fs::file_size(path), db_size_before + 64 * kPageSize);
    }
    expect_no_plaintext_on_disk("inside an uncommitted transaction");
    // Rolled back: the uncommitted marker never becomes durable.
  }
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM contacts"), 20);
  insert_markers(*db, 5);
  expect_no_plaintext_on_disk("after rollback and more commits");

  // FTS5 finds the token inside the encrypted database.
  auto st = db->prepare("SELECT count(*) FROM notes WHERE notes MATCH 'zqxftstokenmarker'");
  ASSERT_TRUE(st);
  auto row = st->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(st->column_int64(0), 25);
  st = core::Result<Statement>();  // finalize before close
  TUMAR_ASSERT_OK(db->checkpoint());
  expect_no_plaintext_on_disk("after checkpoint");
  TUMAR_ASSERT_OK(db->close());
  expect_no_plaintext_on_disk("after close");
}

// The scan can see plaintext when it is there: the same rows in a plain
// SQLite database show every marker (else the proofs above prove nothing).
TEST(StorePlaintextControl, ScannerFindsMarkersInAPlainDatabase) {
  tumar::test::TempDir dir;
  auto db = Database::open_plain(dir / "plain.db");
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec(
      "CREATE TABLE contacts(id INTEGER PRIMARY KEY, name TEXT, address TEXT);"
      "CREATE TABLE attachments(id INTEGER PRIMARY KEY, data BLOB);"
      "CREATE VIRTUAL TABLE notes USING fts5(body);"));
  insert_markers(*db, 3);
  TUMAR_ASSERT_OK(db->close());
  const Bytes bytes = read_bytes(dir / "plain.db");
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(contains(bytes, kMarkers[i])) << kMarkers[i];
}

// Temporary files (sorts that do not fit the cache, temp tables) are served
// from memory by the VFS; with temp_store=FILE forced, a big sort still
// writes nothing but the database files.
TEST_P(StorePlaintext, SortsAndTempTablesStayOffDisk) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(k TEXT)"));
  TUMAR_ASSERT_OK(db->exec("PRAGMA temp_store=FILE; PRAGMA cache_size=10"));
  auto tx = Transaction::begin(*db);
  ASSERT_TRUE(tx);
  auto ins = db->prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(ins);
  for (int i = 0; i < 3000; ++i) {
    TUMAR_ASSERT_OK(ins->bind(1, std::string_view(kMarkers[0] + std::to_string(i * 7919 % 3001) + std::string(200, 'y'))));
    ASSERT_TRUE(ins->step());
    ins->reset();
  }
  TUMAR_ASSERT_OK(tx->commit());
  TUMAR_ASSERT_OK(db->exec("CREATE TEMP TABLE scratch AS SELECT k FROM t ORDER BY k DESC"));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM (SELECT k FROM t ORDER BY k)"), 3000);
  EXPECT_EQ(query_int(*db, "SELECT count(DISTINCT k) FROM scratch"), 3000);
  std::vector<std::string> names;
  for (const auto& f : files_in(dir.path())) names.push_back(f.filename().string());
  for (const std::string& n : names) EXPECT_TRUE(n.rfind("profile.db", 0) == 0) << n;
  expect_no_plaintext_on_disk("after sorting");
}

}  // namespace
}  // namespace tumar::store::test
