// Encrypted store vs plain SQLite, same schema, settings and workload, side
// by side in one run. Prints a Markdown table and a machine-readable line
//   store_insert_vs_sqlite=<ratio> store_query_vs_sqlite=<ratio>
//
//   * inserts: ~200-byte rows, 1,000 per transaction (WAL, synchronous=FULL
//     as a profile runs), rows/s.
//   * point queries: random primary-key lookups on a database several times
//     larger than SQLite's page cache (default 2 MiB), so most lookups read
//     pages through the VFS (from the OS cache) and decrypt them. queries/s.
// Each measurement is the best of three runs, plain and encrypted
// alternating, to damp noise from other processes.
//
//   tumar_store_bench [--quick] [--rollback]

#include <sodium.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/store/database.hpp"

namespace {

namespace fs = std::filesystem;
using tumar::store::Database;
using tumar::store::JournalMode;
using Clock = std::chrono::steady_clock;

struct Config {
  int rows = 200000;
  int queries = 200000;
  int batch = 1000;
  int row_bytes = 200;
  JournalMode mode = JournalMode::kWal;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

[[noreturn]] void die(const char* what, const tumar::core::Error& e) {
  std::fprintf(stderr, "store_bench: %s: %s\n", what, e.describe().c_str());
  std::exit(1);
}

// Opens the benchmark database: plain SQLite, or encrypted under a key fixed
// for the whole run (the query run reopens what the insert run wrote).
struct Opener {
  bool encrypted;
  JournalMode mode;
  const tumar::crypto::Secret<32>* key;
  tumar::store::DbId id;

  tumar::core::Result<Database> operator()(const fs::path& path) const {
    if (!encrypted) return Database::open_plain(path, mode);
    return Database::open(path, tumar::crypto::Secret<32>::copy_of(key->span()), id, mode);
  }
};

// Returns rows/s. Leaves the database at `path` filled for the query run.
double insert_run(const fs::path& path, const Opener& open, const Config& cfg) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + suffix, ec);
  auto db = open(path);
  if (!db) die("open", db.error());
  if (auto ok = db->exec("CREATE TABLE msgs(id INTEGER PRIMARY KEY, body BLOB NOT NULL)"); !ok) die("schema", ok.error());
  std::mt19937_64 rng(42);
  std::vector<std::uint8_t> body(static_cast<std::size_t>(cfg.row_bytes));
  const auto t0 = Clock::now();
  {
    auto ins = db->prepare("INSERT INTO msgs(id, body) VALUES (?, ?)");
    if (!ins) die("prepare", ins.error());
    for (int done = 0; done < cfg.rows;) {
      auto tx = tumar::store::Transaction::begin(*db);
      if (!tx) die("begin", tx.error());
      for (int i = 0; i < cfg.batch && done < cfg.rows; ++i, ++done) {
        for (auto& b : body) b = static_cast<std::uint8_t>(rng());
        (void)ins->bind(1, static_cast<std::int64_t>(done + 1));
        (void)ins->bind(2, std::span<const std::uint8_t>(body));
        if (auto r = ins->step(); !r) die("insert", r.error());
        ins->reset();
      }
      if (auto ok = tx->commit(); !ok) die("commit", ok.error());
    }
  }
  const double rate = cfg.rows / seconds_since(t0);
  if (auto ok = db->checkpoint(); !ok) die("checkpoint", ok.error());
  return rate;
}

// Returns queries/s on a fresh connection (cold SQLite cache, warm OS cache).
double query_run(const fs::path& path, const Opener& open, const Config& cfg) {
  auto db = open(path);
  if (!db) die("reopen", db.error());
  auto sel = db->prepare("SELECT body FROM msgs WHERE id = ?");
  if (!sel) die("prepare", sel.error());
  std::mt19937_64 rng(7);
  std::size_t bytes = 0;
  const auto t0 = Clock::now();
  for (int q = 0; q < cfg.queries; ++q) {
    (void)sel->bind(1, static_cast<std::int64_t>(1 + rng() % static_cast<std::uint64_t>(cfg.rows)));
    auto row = sel->step();
    if (!row) die("query", row.error());
    if (!*row) die("query", tumar::cli::sentence_error(tumar::core::Errc::kStorage, "a row is missing"));
    bytes += sel->column_blob(0).size();
    sel->reset();
  }
  const double rate = cfg.queries / seconds_since(t0);
  if (bytes != static_cast<std::size_t>(cfg.queries) * static_cast<std::size_t>(cfg.row_bytes)) {
    std::fprintf(stderr, "store_bench: wrong row sizes\n");
    std::exit(1);
  }
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
      cfg.rows = 40000;
      cfg.queries = 40000;
    } else if (std::strcmp(argv[i], "--rollback") == 0) {
      cfg.mode = JournalMode::kRollback;
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--rollback]\n", argv[0]);
      return 2;
    }
  }
  if (sodium_init() < 0) return 1;
  // A scratch directory under $TMPDIR (or /tmp), removed at the end.
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tumar-store-bench-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    std::perror("store_bench: mkdtemp");
    return 1;
  }
  const fs::path dir = templ;
  const auto key = tumar::crypto::Secret<32>::random();
  tumar::store::DbId id{};
  randombytes_buf(id.data(), id.size());
  const Opener plain{false, cfg.mode, nullptr, id};
  const Opener encrypted{true, cfg.mode, &key, id};
  const fs::path plain_path = dir / "plain.db";
  const fs::path enc_path = dir / "encrypted.db";

  double ins_plain = 0, ins_enc = 0, q_plain = 0, q_enc = 0;
  for (int rep = 0; rep < 3; ++rep) {
    ins_plain = std::max(ins_plain, insert_run(plain_path, plain, cfg));
    ins_enc = std::max(ins_enc, insert_run(enc_path, encrypted, cfg));
    q_plain = std::max(q_plain, query_run(plain_path, plain, cfg));
    q_enc = std::max(q_enc, query_run(enc_path, encrypted, cfg));
  }
  const double file_mib = static_cast<double>(fs::file_size(enc_path)) / (1024.0 * 1024.0);
  const double ins_ratio = ins_enc / ins_plain;
  const double q_ratio = q_enc / q_plain;

  std::printf("Store benchmark (%s, %s journal, synchronous=FULL, %d rows of %d bytes, "
              "%d per transaction; database %.1f MiB vs a 2 MiB page cache; best of 3)\n\n",
              quick ? "quick" : "full", cfg.mode == JournalMode::kWal ? "WAL" : "rollback", cfg.rows, cfg.row_bytes,
              cfg.batch, file_mib);
  std::printf("| workload | plain SQLite | encrypted | ratio | goal |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  std::printf("| inserts (rows/s) | %.0f | %.0f | %.2f | >= 0.70 |\n", ins_plain, ins_enc, ins_ratio);
  std::printf("| point queries (queries/s) | %.0f | %.0f | %.2f | >= 0.80 |\n\n", q_plain, q_enc, q_ratio);
  std::printf("store_insert_vs_sqlite=%.2f store_query_vs_sqlite=%.2f\n", ins_ratio, q_ratio);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
