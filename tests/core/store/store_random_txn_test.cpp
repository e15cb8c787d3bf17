// Proof (4): 1,000 seeded random transactions (inserts, updates, deletes of
// random sizes, overflow pages included, and random ROLLBACKs) in each
// journal mode; PRAGMA integrity_check is "ok" and the rows equal a model of
// what was committed, also after reopening.

#include <map>
#include <random>

#include <gtest/gtest.h>

#include "store_test_helper.hpp"
#include "support/temp_dir.hpp"

namespace tumar::store::test {
namespace {

using Model = std::map<std::int64_t, Bytes>;

Bytes random_value(std::mt19937_64& rng) {
  // Mostly small rows; one in five spills into overflow pages (> 4056 bytes).
  const std::size_t size = rng() % 5 == 0 ? 4000 + rng() % 16000 : rng() % 300;
  Bytes v(size);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

std::int64_t pick_existing(const Model& m, std::mt19937_64& rng) {
  auto it = m.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(rng() % m.size()));
  return it->first;
}

core::Result<void> run(Statement& st) {
  auto r = st.step();
  st.reset();
  if (!r) return tl::unexpected(r.error());
  return {};
}

Model read_all(Database& db) {
  Model out;
  auto st = db.prepare("SELECT id, v FROM rows ORDER BY id");
  EXPECT_TRUE(st);
  for (;;) {
    auto row = st->step();
    EXPECT_TRUE(row) << row.error().describe();
    if (!row || !*row) break;
    auto blob = st->column_blob(1);
    out[st->column_int64(0)] = Bytes(blob.begin(), blob.end());
  }
  return out;
}

class StoreRandomTransactions : public ::testing::TestWithParam<JournalMode> {};
INSTANTIATE_TEST_SUITE_P(Store, StoreRandomTransactions,
                         ::testing::Values(JournalMode::kWal, JournalMode::kRollback), mode_name);

TEST_P(StoreRandomTransactions, ThousandTransactionsMatchTheModel) {
  tumar::test::TempDir dir;
  const auto path = dir / "profile.db";
  std::mt19937_64 rng(0x7475'6d61'72ULL + static_cast<unsigned>(GetParam()));
  Model model;
  std::int64_t next_id = 1;
  int rollbacks = 0;
  {
    auto db = open_test_db(path, GetParam());
    ASSERT_TRUE(db) << db.error().describe();
    TUMAR_ASSERT_OK(db->exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, v BLOB NOT NULL)"));
    TUMAR_ASSERT_OK(db->exec("PRAGMA cache_size=50"));  // small cache: spills and re-reads
    auto ins = db->prepare("INSERT INTO rows(id, v) VALUES (?, ?)");
    auto upd = db->prepare("UPDATE rows SET v = ? WHERE id = ?");
    auto del = db->prepare("DELETE FROM rows WHERE id = ?");
    ASSERT_TRUE(ins && upd && del);
    for (int t = 0; t < 1000; ++t) {
      Model pending = model;
      auto tx = Transaction::begin(*db);
      ASSERT_TRUE(tx) << tx.error().describe();
      const int ops = 1 + static_cast<int>(rng() % 6);
      for (int o = 0; o < ops; ++o) {
        const auto kind = rng() % 10;
        if (pending.empty() || kind < 5) {
          const std::int64_t id = next_id++;
          Bytes v = random_value(rng);
          TUMAR_ASSERT_OK(ins->bind(1, id));
          TUMAR_ASSERT_OK(ins->bind(2, std::span<const std::uint8_t>(v)));
          TUMAR_ASSERT_OK(run(*ins));
          pending[id] = std::move(v);
        } else if (kind < 8) {
          const std::int64_t id = pick_existing(pending, rng);
          Bytes v = random_value(rng);
          TUMAR_ASSERT_OK(upd->bind(1, std::span<const std::uint8_t>(v)));
          TUMAR_ASSERT_OK(upd->bind(2, id));
          TUMAR_ASSERT_OK(run(*upd));
          pending[id] = std::move(v);
        } else {
          const std::int64_t id = pick_existing(pending, rng);
          TUMAR_ASSERT_OK(del->bind(1, id));
          TUMAR_ASSERT_OK(run(*del));
          pending.erase(id);
        }
      }
      if (rng() % 7 == 0) {
        TUMAR_ASSERT_OK(tx->rollback());
        ++rollbacks;
      } else {
        TUMAR_ASSERT_OK(tx->commit());
        model = std::move(pending);
      }
    }
    EXPECT_GT(rollbacks, 50);
    EXPECT_EQ(integrity(*db), "ok");
    EXPECT_TRUE(read_all(*db) == model);
  }
  auto db = open_test_db(path, GetParam());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(integrity(*db), "ok");
  const Model on_disk = read_all(*db);
  EXPECT_EQ(on_disk.size(), model.size());
  EXPECT_TRUE(on_disk == model);
}

}  // namespace
}  // namespace tumar::store::test
