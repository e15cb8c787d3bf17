// SQLite's own habit: fail every allocation from the n-th on, for n = 0, 1,
// 2, ... until the operation gets through untouched. Each time the insert
// must fail cleanly (an error, never a crash), leave the database
// consistent and without the row, and succeed once allocations work again.
// Also checks that the wiping allocator is the one SQLite uses.

#include <gtest/gtest.h>

#include "core/store/sqlite_memory.hpp"
#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

struct FaultsOff {
  ~FaultsOff() { set_allocation_failure_after(-1); }
};

class StoreAllocation : public ::testing::TestWithParam<JournalMode> {};
INSTANTIATE_TEST_SUITE_P(Store, StoreAllocation, ::testing::Values(JournalMode::kWal, JournalMode::kRollback),
                         mode_name);

core::Result<void> insert_row(Database& db, std::int64_t id) {
  auto tx = Transaction::begin(db);
  if (!tx) return tl::unexpected(tx.error());
  auto st = db.prepare("INSERT INTO t(id, v, note) VALUES (?, randomblob(9000), ?)");
  if (!st) return tl::unexpected(st.error());
  if (auto ok = st->bind(1, id); !ok) return ok;
  if (auto ok = st->bind(2, std::string_view("a note long enough to need its own allocation")); !ok) return ok;
  if (auto r = st->step(); !r) return tl::unexpected(r.error());
  st = core::Result<Statement>();
  return tx->commit();
}

TEST_P(StoreAllocation, InsertUnderAllocationFailureIsCleanAndRecoverable) {
  FaultsOff guard;
  tumar::test::TempDir dir;
  auto db = open_test_db(dir / "profile.db", GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  TUMAR_ASSERT_OK(db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB, note TEXT); CREATE INDEX t_note ON t(note)"));
  TUMAR_ASSERT_OK(insert_row(*db, 1));

  int failures_seen = 0;
  std::int64_t id = 100;
  for (std::int64_t n = 0; n < 2000; ++n, ++id) {
    db->forget_prepared();  // preparing the statements is part of what may fail
    set_allocation_failure_after(n);
    auto result = insert_row(*db, id);
    const std::int64_t injected = injected_allocation_failures();
    set_allocation_failure_after(-1);
    if (injected == 0) {
      TUMAR_ASSERT_OK(result);  // got through before the fault point
      break;
    }
    ++failures_seen;
    // Consistent, and the failed insert left no trace.
    ASSERT_EQ(integrity(*db), "ok") << "after failing allocation " << n;
    if (!result) {
      EXPECT_EQ(result.error().code(), core::Errc::kStorage) << result.error().describe();
      EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t WHERE id = " + std::to_string(id)), 0) << "n=" << n;
    }
    // And it works once memory is back.
    TUMAR_ASSERT_OK(insert_row(*db, id + 100000));
  }
  EXPECT_GT(failures_seen, 20);
  EXPECT_EQ(integrity(*db), "ok");
  // Reopen: everything committed is readable.
  const std::int64_t rows = query_int(*db, "SELECT count(*) FROM t");
  db = open_test_db(dir / "profile.db", GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), rows);
  EXPECT_EQ(integrity(*db), "ok");
}

TEST(StoreAllocationSetup, SqliteUsesTheWipingAllocator) {
  ASSERT_TRUE(install_wiping_allocator());
  FaultsOff guard;
  set_allocation_failure_after(0);
  void* p = sqlite3_malloc(100);
  EXPECT_EQ(p, nullptr);  // our allocator answered, not SQLite's default
  EXPECT_EQ(injected_allocation_failures(), 1);
  set_allocation_failure_after(-1);
  p = sqlite3_malloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(sqlite3_msize(p), 100u);
  p = sqlite3_realloc(p, 5000);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(sqlite3_msize(p), 5000u);
  sqlite3_free(p);
}

}  // namespace
}  // namespace tumar::store::test
