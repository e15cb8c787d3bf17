// Issue 16, point 4: SQLite's page cache holds every row tumar reads in the
// clear (identity keys, epoch keys, ratchet states, prekeys). It must live
// in locked memory: checked by the amount the kernel says is locked (VmLck
// in /proc/self/status), not by which allocator is installed. How much can
// be locked depends on who runs the tests: with CAP_IPC_LOCK (root) or no
// limit, the whole process; otherwise a page-cache region under the limit
// (tests/cli/memory_lock_cli_test.cpp runs tumar that way).

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "core/store/memory_lock.hpp"
#include "core/store/sqlite_memory.hpp"
#include "store_test_helper.hpp"
#include "support/proc_status.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

const char* scope_name(LockScope s) {
  switch (s) {
    case LockScope::kWholeProcess: return "whole process";
    case LockScope::kPageCache: return "page cache";
    case LockScope::kNone: return "nothing";
  }
  return "?";
}

TEST(StoreMemoryLock, WhatSqliteDecryptsLivesInLockedMemory) {
  ASSERT_TRUE(install_wiping_allocator());
  const MemoryLock& lock = memory_lock();
  ASSERT_NE(lock.scope, LockScope::kNone) << "this machine let tumar lock no memory at all";

  const std::string marker = "ZQX-IDENTITY-KEY-STAND-IN";
  int spilled_before = 0, highwater = 0;  // earlier tests in this process may have spilled
  sqlite3_status(SQLITE_STATUS_PAGECACHE_OVERFLOW, &spilled_before, &highwater, 1);
  tumar::test::TempDir dir;
  {
    auto db = open_test_db(dir / "tumar.db", JournalMode::kWal);
    ASSERT_TRUE(db) << db.error().describe();
    TUMAR_ASSERT_OK(db->exec("CREATE TABLE identity(secret TEXT); INSERT INTO identity VALUES ('" + marker + "')"));
  }
  auto db = open_test_db(dir / "tumar.db", JournalMode::kWal);
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM identity WHERE secret = '" + marker + "'"), 1);

  const pid_t me = ::getpid();
  const std::uint64_t locked_kib = tumar::test::proc_status_kib(me, "VmLck");
  const std::uint64_t rss_kib = tumar::test::proc_status_kib(me, "VmRSS");
  std::printf("[ memory ] locked: %s; VmLck %llu KiB, VmRSS %llu KiB, page cache region %zu KiB\n",
              scope_name(lock.scope), static_cast<unsigned long long>(locked_kib),
              static_cast<unsigned long long>(rss_kib), lock.page_cache_bytes / 1024);
  if (lock.scope == LockScope::kWholeProcess) {
    EXPECT_GE(locked_kib, rss_kib) << "mlockall locks every mapping, so all that is resident";
    EXPECT_TRUE(locked_page_cache().empty());
  } else {
    EXPECT_GE(locked_kib * 1024, lock.page_cache_bytes);
    // The row's page is in the locked region, and no page spilled out of it.
    EXPECT_TRUE(contains(locked_page_cache(), marker));
    int current = 0;
    sqlite3_status(SQLITE_STATUS_PAGECACHE_OVERFLOW, &current, &highwater, 0);
    EXPECT_LE(highwater, spilled_before) << "bytes of page cache that did not fit the locked region";
  }
}

// What a normal user gets: RLIMIT_MEMLOCK at Debian 12's 8 MiB and no
// CAP_IPC_LOCK. Run in a child process, which must start SQLite itself:
// ctest runs every test in a process of its own, so it does; a run of the
// whole binary has started SQLite already, and the test is skipped.
enum ChildResult : int {
  kPassed = 0,
  kSqliteAlreadyStarted = 77,
  kNotPageCache = 10,
  kDatabaseFailed = 11,
  kVmLckBelowRegion = 12,
  kRowNotInRegion = 13,
  kSpilledOutOfRegion = 14,
};

int as_a_normal_user(const std::filesystem::path& dir) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct caps[2]{};
  if (::syscall(SYS_capget, &header, caps) == 0) {
    caps[0].effective &= ~(1u << CAP_IPC_LOCK);
    caps[0].permitted &= ~(1u << CAP_IPC_LOCK);
    (void)::syscall(SYS_capset, &header, caps);
  }
  const rlimit limit{8u << 20, 8u << 20};
  (void)::setrlimit(RLIMIT_MEMLOCK, &limit);
  int header_bytes = 0;  // accepted only before SQLite starts
  if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header_bytes) != SQLITE_OK) return kSqliteAlreadyStarted;
  if (!install_wiping_allocator()) return kDatabaseFailed;
  if (memory_lock().scope != LockScope::kPageCache) return kNotPageCache;
  const std::string marker = "ZQX-EPOCH-KEY-STAND-IN";
  {
    auto db = open_test_db(dir / "tumar.db", JournalMode::kWal);
    if (!db || !db->exec("CREATE TABLE k(secret TEXT); INSERT INTO k VALUES ('" + marker + "')")) return kDatabaseFailed;
  }
  auto db = open_test_db(dir / "tumar.db", JournalMode::kWal);
  if (!db) return kDatabaseFailed;
  auto st = db->prepare("SELECT secret FROM k");
  if (!st) return kDatabaseFailed;
  auto row = st->step();
  if (!row || !*row || st->column_text(0) != marker) return kDatabaseFailed;
  const std::uint64_t locked_kib = tumar::test::proc_status_kib(::getpid(), "VmLck");
  std::printf("[ memory ] 8 MiB limit, no CAP_IPC_LOCK: page cache region %zu KiB (%zu pages), VmLck %llu KiB\n",
              memory_lock().page_cache_bytes / 1024, memory_lock().page_cache_pages,
              static_cast<unsigned long long>(locked_kib));
  std::fflush(stdout);
  if (locked_kib * 1024 < memory_lock().page_cache_bytes) return kVmLckBelowRegion;
  if (!contains(locked_page_cache(), marker)) return kRowNotInRegion;
  int current = 0, highwater = 0;
  sqlite3_status(SQLITE_STATUS_PAGECACHE_OVERFLOW, &current, &highwater, 0);
  if (highwater != 0) return kSpilledOutOfRegion;
  return kPassed;
}

TEST(StoreMemoryLock, UnderANormalUsersLimitThePageCacheIsLockedAndHoldsTheRows) {
  tumar::test::TempDir dir;
  std::fflush(stdout);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(as_a_normal_user(dir.path()));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  const int result = WEXITSTATUS(status);
  if (result == kSqliteAlreadyStarted) GTEST_SKIP() << "SQLite was started by an earlier test in this process";
  EXPECT_NE(result, kNotPageCache) << "no locked page cache under an 8 MiB limit";
  EXPECT_NE(result, kDatabaseFailed);
  EXPECT_NE(result, kVmLckBelowRegion) << "VmLck says less is locked than the region";
  EXPECT_NE(result, kRowNotInRegion) << "the row read is not in the locked region";
  EXPECT_NE(result, kSpilledOutOfRegion) << "page cache spilled into unlocked memory";
  EXPECT_EQ(result, kPassed);
}

}  // namespace
}  // namespace tumar::store::test
