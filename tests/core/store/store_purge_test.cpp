// Issue 16, point 3: deleted data must not survive in any file of the
// profile. secure_delete zeroes it in the database file; these tests look
// at the other places SQLite keeps earlier page images (WAL frames, the
// rollback journal) by decrypting every page, frame and journal image with
// the page key and searching them (tests/support/profile_scan.hpp).

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/direct/message_store.hpp"
#include "core/error_ids.hpp"
#include "core/profile/schema.hpp"
#include "store_test_helper.hpp"
#include "support/profile_scan.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

namespace fs = std::filesystem;
using tumar::test::scan_profile;
using tumar::test::ScanReport;

const std::string kSecret = "ZQX-DELETED-MESSAGE-MARKER";

std::string hits(const ScanReport& r) {
  std::string s;
  for (const auto& h : r.hits) s += h + "\n";
  return s;
}

// Messages written one commit at a time, the marked one among them, and
// read receipts on all: the marked row's page goes through many versions.
std::int64_t write_history(direct::MessageStore& store) {
  std::int64_t marked = 0;
  for (int i = 0; i < 40; ++i) {
    direct::DirectMessage m;
    m.message_id[0] = static_cast<std::uint8_t>(i);
    m.sent_ms = 1000 + i;
    m.received_ms = 2000 + i;
    m.text = i == 17 ? kSecret : "an ordinary message number " + std::to_string(i) + std::string(200, '.');
    EXPECT_TRUE(store.insert(m));
  }
  auto all = store.list(std::nullopt, std::nullopt);
  EXPECT_TRUE(all);
  for (const auto& m : *all) {
    EXPECT_TRUE(store.mark_read(m.row, 5000));
    if (m.text == kSecret) marked = m.row;
  }
  return marked;
}

class StorePurge : public ::testing::TestWithParam<JournalMode> {
 protected:
  tumar::test::TempDir dir;
  fs::path path = dir / "tumar.db";
  PageCipher cipher{key_from(1), id_from(1)};

  ScanReport scan() {
    auto r = scan_profile(dir.path(), cipher, kSecret);
    EXPECT_EQ(r.pages_unreadable, 0u);
    return r;
  }

};

INSTANTIATE_TEST_SUITE_P(Store, StorePurge, ::testing::Values(JournalMode::kWal, JournalMode::kRollback), mode_name);

TEST_P(StorePurge, ADeletedMessageLeavesNoCopyInAnyFile) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(profile::migrate(*db));
  direct::MessageStore store(*db);
  const std::int64_t row = write_history(store);
  ASSERT_GT(row, 0);
  ASSERT_TRUE(scan().found()) << "the scan must see the message before it is deleted";

  auto removed = store.remove(row);
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_TRUE(*removed);
  const ScanReport after = scan();
  EXPECT_FALSE(after.found()) << hits(after);
  if (GetParam() == JournalMode::kWal) {
    EXPECT_EQ(after.wal_bytes, 0u);
  }

  TUMAR_ASSERT_OK(db->close());
  EXPECT_FALSE(scan().found());
}

// While another connection reads, the log cannot be emptied: remove() says
// so, and the copy goes after this connection's next commit.
TEST(StorePurgeBusy, AReaderDelaysThePurgeUntilTheNextCommit) {
  tumar::test::TempDir dir;
  const fs::path path = dir / "tumar.db";
  PageCipher cipher{key_from(1), id_from(1)};
  auto db = open_test_db(path, JournalMode::kWal);
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(profile::migrate(*db));
  direct::MessageStore store(*db);
  const std::int64_t row = write_history(store);
  auto reader = open_test_db(path, JournalMode::kWal);
  ASSERT_TRUE(reader) << reader.error().describe();
  TUMAR_ASSERT_OK(reader->exec("BEGIN"));
  EXPECT_GT(query_int(*reader, "SELECT count(*) FROM dm_message"), 0);  // holds a snapshot in the WAL

  TUMAR_ASSERT_OK(db->exec("PRAGMA busy_timeout=20"));
  auto removed = store.remove(row);
  ASSERT_FALSE(removed) << "the purge cannot run while the reader holds its snapshot";
  EXPECT_EQ(removed.error().code(), core::Errc::kStorage);
  EXPECT_EQ(removed.error().id(), core::ErrorId::kStoreLogNotCleared) << removed.error().describe();
  EXPECT_TRUE(db->purge_owed());
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM dm_message WHERE id = " + std::to_string(row)), 0);
  EXPECT_TRUE(scan_profile(dir.path(), cipher, kSecret).found()) << "the bound is the next commit, not now";

  TUMAR_ASSERT_OK(reader->exec("COMMIT"));
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    TUMAR_ASSERT_OK(db->exec("UPDATE dm_message SET read_at = 6000"));
    TUMAR_ASSERT_OK(tx->commit());
  }
  EXPECT_FALSE(db->purge_owed());
  const ScanReport after = scan_profile(dir.path(), cipher, kSecret);
  EXPECT_FALSE(after.found()) << hits(after);
}

// ... or, if this connection writes nothing more, when it closes.
TEST(StorePurgeBusy, AnOwedPurgeRunsWhenTheConnectionCloses) {
  tumar::test::TempDir dir;
  const fs::path path = dir / "tumar.db";
  PageCipher cipher{key_from(1), id_from(1)};
  auto db = open_test_db(path, JournalMode::kWal);
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(profile::migrate(*db));
  direct::MessageStore store(*db);
  const std::int64_t row = write_history(store);
  auto reader = open_test_db(path, JournalMode::kWal);
  ASSERT_TRUE(reader);
  TUMAR_ASSERT_OK(reader->exec("BEGIN"));
  EXPECT_GT(query_int(*reader, "SELECT count(*) FROM dm_message"), 0);
  TUMAR_ASSERT_OK(db->exec("PRAGMA busy_timeout=20"));
  EXPECT_FALSE(store.remove(row));
  TUMAR_ASSERT_OK(reader->exec("COMMIT"));

  // The reader's connection stays open, as `tumar serve` would: the WAL is
  // not deleted at close, so only the purge can clear it.
  TUMAR_ASSERT_OK(db->close());
  const ScanReport after = scan_profile(dir.path(), cipher, kSecret);
  EXPECT_FALSE(after.found()) << hits(after);
  EXPECT_TRUE(fs::exists(dir / "tumar.db-wal"));
}

// secure_delete zeroes a deleted row where it lies, but SQLite's page
// rebalancing leaves copies of moved rows in the unused space of the pages
// they left. Rows that grow (a read receipt, an edit) force such moves.
TEST(StorePurgeRebalanced, DeletedMessagesLeaveNoCopyInPagesTheyMovedOutOf) {
  tumar::test::TempDir dir;
  PageCipher cipher{key_from(1), id_from(1)};
  auto db = open_test_db(dir / "tumar.db", JournalMode::kWal);
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(profile::migrate(*db));
  direct::MessageStore store(*db);
  auto marker = [](int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "ZQX-MSG-%04d-", i);
    return std::string(buf);
  };
  constexpr int kMessages = 600;
  for (int i = 0; i < kMessages; ++i) {
    direct::DirectMessage m;
    m.message_id[0] = static_cast<std::uint8_t>(i);
    m.message_id[1] = static_cast<std::uint8_t>(i >> 8);
    m.sent_ms = 1000 + i;
    m.text = marker(i) + std::string(static_cast<std::size_t>(10 + i * 37 % 290), 'y');
    ASSERT_TRUE(store.insert(m));
  }
  TUMAR_ASSERT_OK(db->exec("UPDATE dm_message SET read_at = 5000; "
                           "UPDATE dm_message SET text = text || printf('%.*c', 20 + id * 53 % 300, 'z') "
                           "WHERE id % 3 = 0"));
  TUMAR_ASSERT_OK(db->checkpoint());
  int moved = 0;  // rows with a second copy in the database file: the case this is about
  std::vector<int> gone;
  for (int i = 0; i < kMessages; i += 7) gone.push_back(i);
  for (int i : gone) moved += scan_profile(dir.path(), cipher, marker(i)).copies > 1;
  std::printf("[ purge ] %d of %zu messages to delete have a second copy on disk\n", moved, gone.size());

  for (int i : gone) {
    auto removed = store.remove(i + 1);  // rows are numbered from 1 in insertion order
    ASSERT_TRUE(removed && *removed) << i;
  }
  // Everything in the database file, so what is left is what the pages
  // themselves keep, not the WAL (the tests above cover that).
  TUMAR_ASSERT_OK(db->checkpoint());
  int left = 0;
  for (int i : gone) {
    const ScanReport r = scan_profile(dir.path(), cipher, marker(i));
    if (r.found()) ADD_FAILURE() << marker(i) << " left in\n" << hits(r);
    left += r.found();
  }
  EXPECT_EQ(left, 0);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM dm_message"), kMessages - static_cast<int>(gone.size()));
  EXPECT_EQ(integrity(*db), "ok");
}

// SQLite deletes the WAL when the last connection closes, and the rollback
// journal at each commit: the file's blocks must not keep the sealed pages.
// A hard link keeps the inode readable after the unlink.
TEST_P(StorePurge, ALogOrJournalIsOverwrittenBeforeItIsDeleted) {
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(v TEXT)"));
  const fs::path linked = dir / "kept-by-a-link";
  const std::string log = path.string() + (GetParam() == JournalMode::kWal ? "-wal" : "-journal");
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    for (int i = 0; i < 50; ++i) TUMAR_ASSERT_OK(db->exec("INSERT INTO t VALUES ('" + kSecret + std::string(300, 'x') + "')"));
    if (GetParam() == JournalMode::kRollback) {
      // The journal holds the pages as they were before this transaction.
      ASSERT_TRUE(fs::exists(log));
      ASSERT_EQ(::link(log.c_str(), linked.c_str()), 0);
    }
    TUMAR_ASSERT_OK(tx->commit());
  }
  if (GetParam() == JournalMode::kWal) {
    ASSERT_TRUE(fs::exists(log));
    ASSERT_EQ(::link(log.c_str(), linked.c_str()), 0);
    ASSERT_GT(fs::file_size(linked), 4 * kPageSize);  // frames with the rows
  }
  TUMAR_ASSERT_OK(db->close());
  EXPECT_FALSE(fs::exists(log));
  const Bytes left = read_bytes(linked);
  std::size_t nonzero = 0;
  for (std::uint8_t b : left) nonzero += b != 0;
  EXPECT_EQ(nonzero, 0u) << left.size() << " bytes left in the deleted file";
}

}  // namespace
}  // namespace tumar::store::test
