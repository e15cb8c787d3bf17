// The VFS shim at the sqlite3_file level: partial reads of page 1, refused
// writes (unaligned, partial WAL pages, page 1 without the reserve), temp
// files in memory, one database per VFS, no mmap, and abandon().

#include "core/store/encrypted_vfs.hpp"

#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/store/memory_file.hpp"
#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

namespace fs = std::filesystem;

sqlite3_file* main_file(Database& db) {
  sqlite3_file* f = nullptr;
  EXPECT_EQ(sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &f), SQLITE_OK);
  return f;
}

sqlite3_file* journal_file(Database& db) {
  sqlite3_file* f = nullptr;
  EXPECT_EQ(sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &f), SQLITE_OK);
  return f;
}

TEST(VfsShim, PartialReadsOfPage1AreDecryptedSlices) {
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "p.db", JournalMode::kRollback);
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(x)"));
  sqlite3_file* f = main_file(*db);
  ASSERT_NE(f, nullptr);
  std::array<std::uint8_t, kPageSize> page{};
  ASSERT_EQ(f->pMethods->xRead(f, page.data(), kPageSize, 0), SQLITE_OK);
  EXPECT_EQ(std::memcmp(page.data(), "SQLite format 3", 16), 0);
  EXPECT_EQ(page[20], kReserveBytes);
  for (auto [off, len] : {std::pair<int, int>{0, 100}, {24, 16}, {4000, 96}, {1, 4095}}) {
    std::vector<std::uint8_t> part(static_cast<std::size_t>(len), 0xAA);
    ASSERT_EQ(f->pMethods->xRead(f, part.data(), len, off), SQLITE_OK) << off;
    EXPECT_EQ(0, std::memcmp(part.data(), page.data() + off, static_cast<std::size_t>(len))) << off;
  }
  // Spanning two pages, and reading past the end of the file.
  std::vector<std::uint8_t> span(kPageSize + 200);
  ASSERT_EQ(f->pMethods->xRead(f, span.data(), static_cast<int>(span.size()), 100), SQLITE_OK);
  EXPECT_EQ(0, std::memcmp(span.data(), page.data() + 100, kPageSize - 100));
  sqlite3_int64 size = 0;
  ASSERT_EQ(f->pMethods->xFileSize(f, &size), SQLITE_OK);
  std::vector<std::uint8_t> past(300, 0xAA);
  EXPECT_EQ(f->pMethods->xRead(f, past.data(), 300, size + 10), SQLITE_IOERR_SHORT_READ);
  EXPECT_TRUE(std::all_of(past.begin(), past.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST(VfsShim, UnalignedAndPartialWritesAreRefused) {
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "p.db", JournalMode::kWal);
  ASSERT_TRUE(db);
  TUMAR_ASSERT_OK(db->exec("PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x); INSERT INTO t VALUES (1)"));
  sqlite3_file* f = main_file(*db);
  std::array<std::uint8_t, kPageSize> buf{};
  EXPECT_EQ(f->pMethods->xWrite(f, buf.data(), 100, 0), SQLITE_IOERR_WRITE);
  EXPECT_EQ(f->pMethods->xWrite(f, buf.data(), kPageSize, 512), SQLITE_IOERR_WRITE);
  // Page 1 that does not declare the 40-byte reserve.
  EXPECT_EQ(f->pMethods->xWrite(f, buf.data(), kPageSize, 0), SQLITE_IOERR_WRITE);
  sqlite3_file* wal = journal_file(*db);
  ASSERT_NE(wal, nullptr);
  ASSERT_NE(wal->pMethods, nullptr);
  EXPECT_EQ(wal->pMethods->xWrite(wal, buf.data(), 100, 32 + 24), SQLITE_IOERR_WRITE);     // part of a page
  EXPECT_EQ(wal->pMethods->xWrite(wal, buf.data(), 200, 32 + 4000), SQLITE_IOERR_WRITE);   // header + page
  EXPECT_EQ(wal->pMethods->xRead(wal, buf.data(), 100, 32 + 24), SQLITE_IOERR_READ);       // never a slice
  buf[kPageSize - 1] = 1;  // non-zero reserve would break SQLite's WAL checksum on recovery
  EXPECT_EQ(wal->pMethods->xWrite(wal, buf.data(), kPageSize, 32 + 24), SQLITE_IOERR_WRITE);
  EXPECT_EQ(integrity(*db), "ok");
}

TEST(VfsShim, DatabaseWithoutReserveIsNeverWritten) {
  tumar::test::TempDir dir;
  auto vfs = EncryptedVfs::create(key_from(1), id_from(1));
  ASSERT_TRUE(vfs);
  sqlite3* db = nullptr;
  const auto path = (dir / "raw.db").string();
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, (*vfs)->name()),
            SQLITE_OK);
  sqlite3_extended_result_codes(db, 1);
  // No SQLITE_FCNTL_RESERVE_BYTES: SQLite would write page 1 with reserve 0.
  EXPECT_NE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_extended_errcode(db), SQLITE_IOERR_WRITE);
  sqlite3_close(db);
  EXPECT_FALSE(contains(read_bytes(path), "SQLite format 3"));
  EXPECT_FALSE(contains(read_bytes(path), "CREATE TABLE"));
}

TEST(VfsShim, OneDatabasePerVfsAndNoAttach) {
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "p.db", JournalMode::kWal);
  ASSERT_TRUE(db);
  auto attached = db->exec("ATTACH '" + (dir / "other.db").string() + "' AS o");
  EXPECT_FALSE(attached);
  EXPECT_FALSE(fs::exists(dir / "other.db"));
  // A second connection to the same file through the same VFS is fine.
  sqlite3* second = nullptr;
  sqlite3_vfs* mine = nullptr;
  for (sqlite3_vfs* v = sqlite3_vfs_find(nullptr); v != nullptr; v = v->pNext) {
    if (std::string_view(v->zName).rfind("tumar-", 0) == 0) mine = v;
  }
  ASSERT_NE(mine, nullptr);
  const int rc = sqlite3_open_v2((dir / "elsewhere.db").c_str(), &second,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, mine->zName);
  EXPECT_EQ(rc, SQLITE_CANTOPEN);
  sqlite3_close(second);
  EXPECT_FALSE(fs::exists(dir / "elsewhere.db"));
}

TEST(VfsShim, NoMemoryMappedReads) {
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "p.db", JournalMode::kWal);
  ASSERT_TRUE(db);
  EXPECT_EQ(main_file(*db)->pMethods->iVersion, 2);  // no xFetch/xUnfetch
  EXPECT_EQ(main_file(*db)->pMethods->xFetch, nullptr);
  EXPECT_EQ(query_int(*db, "PRAGMA mmap_size"), 0);
  // Even when asked for, reads stay correct (they cannot bypass xRead).
  TUMAR_ASSERT_OK(db->exec("PRAGMA mmap_size=268435456; CREATE TABLE t(x); INSERT INTO t VALUES (42)"));
  TUMAR_ASSERT_OK(db->checkpoint());
  EXPECT_EQ(query_int(*db, "SELECT x FROM t"), 42);
}

TEST(VfsMemoryFile, TemporaryFilesAreServedFromMemory) {
  auto vfs = EncryptedVfs::create(key_from(1), id_from(1));
  ASSERT_TRUE(vfs);
  sqlite3_vfs* v = sqlite3_vfs_find((*vfs)->name());
  ASSERT_NE(v, nullptr);
  for (int kind : {SQLITE_OPEN_TEMP_JOURNAL, SQLITE_OPEN_SUBJOURNAL, SQLITE_OPEN_TEMP_DB, SQLITE_OPEN_TRANSIENT_DB}) {
    std::vector<unsigned char> storage(static_cast<std::size_t>(v->szOsFile));
    auto* f = reinterpret_cast<sqlite3_file*>(storage.data());
    int out = 0;
    ASSERT_EQ(v->xOpen(v, nullptr, f, kind | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_DELETEONCLOSE,
                       &out),
              SQLITE_OK);
    ASSERT_NE(f->pMethods, nullptr);
    EXPECT_EQ(f->pMethods->iVersion, 1);  // the memory file, not the unix one
    const char text[] = "temporary plaintext";
    ASSERT_EQ(f->pMethods->xWrite(f, text, sizeof text, 70000), SQLITE_OK);
    sqlite3_int64 size = 0;
    ASSERT_EQ(f->pMethods->xFileSize(f, &size), SQLITE_OK);
    EXPECT_EQ(size, 70000 + static_cast<sqlite3_int64>(sizeof text));
    char back[sizeof text] = {};
    ASSERT_EQ(f->pMethods->xRead(f, back, sizeof back, 70000), SQLITE_OK);
    EXPECT_STREQ(back, text);
    char hole[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    ASSERT_EQ(f->pMethods->xRead(f, hole, 8, 100), SQLITE_OK);
    EXPECT_EQ(hole[0], 0);
    char past[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    EXPECT_EQ(f->pMethods->xRead(f, past, 8, size - 4), SQLITE_IOERR_SHORT_READ);
    EXPECT_EQ(past[4], 0);
    EXPECT_EQ(past[7], 0);
    ASSERT_EQ(f->pMethods->xTruncate(f, 10), SQLITE_OK);
    ASSERT_EQ(f->pMethods->xFileSize(f, &size), SQLITE_OK);
    EXPECT_EQ(size, 10);
    EXPECT_EQ(f->pMethods->xClose(f), SQLITE_OK);
  }
  // Super journals (multi-database commits) are refused, never stored plain.
  std::vector<unsigned char> storage(static_cast<std::size_t>(v->szOsFile));
  auto* f = reinterpret_cast<sqlite3_file*>(storage.data());
  EXPECT_EQ(v->xOpen(v, "/tmp/tumar-super-journal-test", f, SQLITE_OPEN_SUPER_JOURNAL | SQLITE_OPEN_READWRITE |
                                                            SQLITE_OPEN_CREATE, nullptr),
            SQLITE_CANTOPEN);
  EXPECT_EQ(f->pMethods, nullptr);
}

TEST(VfsShim, EachInstanceHasItsOwnNameAndUnregisters) {
  std::string first_name;
  {
    auto a = EncryptedVfs::create(key_from(1), id_from(1));
    auto b = EncryptedVfs::create(key_from(1), id_from(1));
    ASSERT_TRUE(a && b);
    EXPECT_STRNE((*a)->name(), (*b)->name());
    first_name = (*a)->name();
    EXPECT_NE(sqlite3_vfs_find(first_name.c_str()), nullptr);
  }
  EXPECT_EQ(sqlite3_vfs_find(first_name.c_str()), nullptr);
  EXPECT_NE(sqlite3_vfs_find(nullptr), nullptr);
  EXPECT_STREQ(sqlite3_vfs_find(nullptr)->zName, "unix");  // we never become the default
}

// What Profile relies on after a panic wipe: the files were unlinked and a
// new profile may already stand at the same paths. Abandoning the old
// connection (with a write transaction open, which closing would roll back)
// must not write, truncate or unlink anything at those paths. (Writes that
// SQLite makes through the -shm mapping it already holds go to the old,
// unlinked inode.)
TEST(VfsShim, AbandonTouchesNoFileAtTheOldPaths) {
  for (JournalMode mode : {JournalMode::kWal, JournalMode::kRollback}) {
    tumar::test::TempDir dir;
    auto db = open_test_db(dir / "p.db", mode);
    ASSERT_TRUE(db);
    TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"));
    TUMAR_ASSERT_OK(db->exec("PRAGMA cache_size=10; BEGIN; INSERT INTO t SELECT randomblob(3000) FROM "
                             "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) "
                             "SELECT i FROM c)"));
    // Panic wipe, then a new profile's files at the same paths.
    const std::vector<std::string> names = {"p.db", "p.db-wal", "p.db-shm", "p.db-journal"};
    for (const auto& n : names) fs::remove(dir / n);
    std::vector<std::pair<fs::path, Bytes>> fresh;
    for (const auto& n : names) {
      Bytes content(20000, static_cast<std::uint8_t>(n.size()));
      write_bytes(dir / n, content);
      fresh.emplace_back(dir / n, content);
    }
    db->abandon();
    EXPECT_FALSE(db->is_open());
    for (const auto& [p, content] : fresh) {
      ASSERT_TRUE(fs::exists(p)) << p << (mode == JournalMode::kWal ? " wal" : " rollback");
      EXPECT_TRUE(read_bytes(p) == content) << p << (mode == JournalMode::kWal ? " wal" : " rollback");
    }
  }
}

}  // namespace
}  // namespace tumar::store::test
