// Proof (5): crash safety. A child process commits transactions in a loop
// and acknowledges each commit through a pipe once COMMIT has returned; the
// parent SIGKILLs it at a random moment (usually mid-transaction), then
// reopens the database: integrity_check is "ok", every acknowledged
// transaction is there in full, and no transaction is there in part.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

constexpr int kRowsPerTransaction = 8;

// Runs in the forked child: never returns, never touches gtest.
[[noreturn]] void child_writer(const std::filesystem::path& path, JournalMode mode, int ack_fd, std::int64_t first,
                               unsigned seed) {
  auto db = open_test_db(path, mode);
  if (!db) _exit(2);
  std::mt19937 rng(seed);
  auto ins = db->prepare("INSERT INTO rows(txn, n, v) VALUES (?, ?, randomblob(?))");
  if (!ins) _exit(3);
  for (std::int64_t txn = first;; ++txn) {
    auto tx = Transaction::begin(*db);
    if (!tx) _exit(4);
    for (int n = 0; n < kRowsPerTransaction; ++n) {
      (void)ins->bind(1, txn);
      (void)ins->bind(2, std::int64_t{n});
      (void)ins->bind(3, static_cast<std::int64_t>(rng() % 5 == 0 ? 6000 : 50 + rng() % 400));
      auto r = ins->step();
      ins->reset();
      if (!r) _exit(5);
    }
    if (!tx->commit()) _exit(6);
    if (write(ack_fd, &txn, sizeof txn) != static_cast<ssize_t>(sizeof txn)) _exit(7);
  }
}

class StoreCrash : public ::testing::TestWithParam<JournalMode> {};
INSTANTIATE_TEST_SUITE_P(Store, StoreCrash, ::testing::Values(JournalMode::kWal, JournalMode::kRollback), mode_name);

TEST_P(StoreCrash, KilledWriterLosesNothingAcknowledged) {
  tumar::test::TempDir dir;
  const auto path = dir / "profile.db";
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db) << db.error().describe();
    TUMAR_ASSERT_OK(db->exec("CREATE TABLE rows(txn INTEGER, n INTEGER, v BLOB, PRIMARY KEY(txn, n))"));
  }
  std::mt19937 rng(1234 + static_cast<unsigned>(GetParam()));
  std::set<std::int64_t> acknowledged;
  std::int64_t next = 1;
  for (int round = 0; round < 10; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child_writer(path, GetParam(), fds[1], next, static_cast<unsigned>(rng()));
    }
    close(fds[1]);
    // Wait for the first commit (opening may be slow under sanitizers), then
    // let the child run on for a random while and kill it wherever it is.
    std::int64_t txn = 0;
    const bool first = read(fds[0], &txn, sizeof txn) == static_cast<ssize_t>(sizeof txn);
    if (first) {
      acknowledged.insert(txn);
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
    }
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(first) << "round " << round << ": the child committed nothing (status " << status << ")";
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
    while (read(fds[0], &txn, sizeof txn) == static_cast<ssize_t>(sizeof txn)) acknowledged.insert(txn);
    close(fds[0]);

    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db) << "round " << round << ": " << db.error().describe();
    ASSERT_EQ(integrity(*db), "ok") << "round " << round;
    std::map<std::int64_t, int> rows_per_txn;
    auto st = db->prepare("SELECT txn, count(*) FROM rows GROUP BY txn");
    ASSERT_TRUE(st);
    for (;;) {
      auto row = st->step();
      ASSERT_TRUE(row) << row.error().describe();
      if (!*row) break;
      rows_per_txn[st->column_int64(0)] = static_cast<int>(st->column_int64(1));
    }
    for (auto [t, count] : rows_per_txn) EXPECT_EQ(count, kRowsPerTransaction) << "transaction " << t << " is partial";
    for (std::int64_t t : acknowledged) EXPECT_TRUE(rows_per_txn.count(t)) << "acknowledged " << t << " lost";
    // At most the one transaction in flight can be present unacknowledged.
    EXPECT_LE(rows_per_txn.size(), acknowledged.size() + round + 1);
    next = (rows_per_txn.empty() ? 0 : rows_per_txn.rbegin()->first) + 1;
    if (!acknowledged.empty()) next = std::max(next, *acknowledged.rbegin() + 1);
  }
}

}  // namespace
}  // namespace tumar::store::test
