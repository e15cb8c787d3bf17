// A new member's initial sync, end to end, on one core: a founder's replica
// holding N resource notes and a newcomer's empty replica (both encrypted
// databases, as in a real profile) run a pair of sync::SyncSessions wired
// back to back in memory — Negentropy reconciliation, WantObjects batches,
// and every envelope verified (Ed25519), decrypted, validated, stored and
// indexed (FTS5) by the newcomer. Reported as objects per second next to
// Ed25519 verifications per second measured in the same run (the floor any
// verify-everything sync sits on). Goal: >= 0.5 of it.
//
//   tumar_initial_sync_bench [--quick] [--objects N] [--ingest-batch N]
//
// 100,000 notes by default (the figure), 20,000 with --quick.
// --ingest-batch sets the newcomer's envelopes per transaction (the
// default SyncLimits value otherwise; 64 was the old behaviour).
// Prints a Markdown table and `initial_sync_vs_verify=<ratio>` (wall time),
// and the same ratio in CPU time, which a loaded machine disturbs less; the
// same two for the newcomer's side alone (both sides share this one thread,
// where on a network the founder's node reads while the newcomer's
// stores); and the bytes written during the sync, which show what the
// page-level work is.

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/network/envelope.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "core/sync/joining_replica.hpp"
#include "core/sync/sync_session.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of this process: on a loaded machine it is the steadier measure
// (wall time also counts waiting for fsync, and for other processes).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void die(const char* what, const core::Error& e) {
  std::fprintf(stderr, "%s: %s\n", what, e.message().c_str());
  std::exit(1);
}

struct Person {
  Person(const std::filesystem::path& path, std::uint64_t seed)
      : rng(seed), me(identity::LocalIdentity::generate(rng)) {
    store::DbId id{};
    id[0] = static_cast<std::uint8_t>(seed);
    auto opened = store::Database::open(path, crypto::Secret<32>::random(), id);
    if (!opened) die("open", opened.error());
    db.emplace(std::move(*opened));
    if (auto m = profile::migrate(*db); !m) die("migrate", m.error());
    replica.emplace(*db, me);
  }
  crypto::DeterministicRandom rng;
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
};

// Bytes this process passed to write(2)/pwrite(2) so far (Linux; 0 elsewhere):
// the pages SQLite wrote, each sealed by the VFS — WAL frames and
// checkpoint copies.
std::uint64_t bytes_written() {
  std::FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return 0;
  char line[128];
  unsigned long long n = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "wchar: %llu", &n) == 1) break;
  }
  std::fclose(f);
  return n;
}

struct Rate {
  double wall;  // per second of wall time
  double cpu;   // per second of CPU time
};

Rate verifications_per_second() {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  std::vector<unsigned char> msg(400, 0x42);
  crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), sk);
  sodium_memzero(sk, sizeof sk);
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  const double c0 = cpu_seconds();
  while (seconds_since(t0) < 2.0) {
    for (int i = 0; i < 100; ++i) {
      if (crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk) != 0) std::abort();
    }
    n += 100;
  }
  return {static_cast<double>(n) / seconds_since(t0), static_cast<double>(n) / (cpu_seconds() - c0)};
}

}  // namespace

int main(int argc, char** argv) {
  crypto::ensure_sodium();
  std::size_t objects = 100'000;
  std::size_t ingest_batch = sync::SyncLimits{}.ingest_batch;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) objects = 20'000;
    else if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) objects = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--ingest-batch") == 0 && i + 1 < argc) ingest_batch = std::stoul(argv[++i]);
  }
  // mkdtemp, not a pid-derived name: unpredictable and private (0700) on a shared /tmp.
  const test::TempDir scratch;
  const std::filesystem::path& dir = scratch.path();

  const std::uint64_t t0_ms = 1'700'000'000'000;
  Person founder(dir / "founder.db", 1);
  Person newcomer(dir / "newcomer.db", 2);
  network::LocalAuthor author(*founder.replica, founder.me, founder.rng);
  auto net = author.create_network("Benchmark network", false, t0_ms);
  if (!net) die("create", net.error());
  if (auto a = author.admit(*net, newcomer.me.public_identity(), network::Role::kMember, t0_ms + 1); !a) {
    die("admit", a.error());
  }

  // The founder's library: N notes of a realistic size, sealed and signed
  // here and stored in batches (one transaction each).
  std::fprintf(stderr, "preparing %zu notes...\n", objects);
  auto key = founder.replica->store().current_epoch_key(*net);
  if (!key || !*key) std::abort();
  const std::string body(300, 'x');
  std::vector<std::vector<std::uint8_t>> batch;
  for (std::size_t i = 0; i < objects; ++i) {
    proto::ResourceNote n;
    n.set_title("Shelter " + std::to_string(i) + " hotline and opening hours");
    n.set_body(body);
    n.add_tags("shelter");
    n.set_region("Almaty");
    n.set_verified_on(19'000);
    const std::string payload = n.SerializeAsString();
    network::Header h;
    h.network_id = *net;
    h.author = founder.me.public_identity().identity_key;
    h.kind = network::Kind::kNote;
    h.epoch = (*key)->first;
    h.timestamp_ms = t0_ms + 10 + i;
    batch.push_back(network::seal_envelope(
        h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
        (*key)->second, founder.me, founder.rng));
    if (batch.size() == 2000 || i + 1 == objects) {
      auto r = founder.replica->ingest_batch(batch, t0_ms + objects + 100);
      if (!r) die("store", r.error());
      batch.clear();
    }
  }
  auto total = founder.replica->store().object_count(*net);
  if (!total) std::abort();

  network::NetworkRecord rec;
  rec.id = *net;
  if (auto r = newcomer.replica->store().add_network(rec); !r) die("join", r.error());
  sync::JoiningReplica view(*newcomer.replica, *net);
  sync::SyncLimits limits;
  limits.ingest_batch = ingest_batch;
  sync::SyncSession client(view, founder.me.public_identity().identity_key, sync::Role::kInitiator, limits);
  sync::SyncSession server(*founder.replica, newcomer.me.public_identity().identity_key, sync::Role::kResponder,
                           limits);

  std::fprintf(stderr, "syncing...\n");
  const auto now_ms = t0_ms + objects + 1000;
  const auto t0 = Clock::now();
  const double c0 = cpu_seconds();
  const std::uint64_t w0 = bytes_written();
  std::deque<proto::WireMessage> to_server, to_client;
  if (auto s = server.start(session::Clock::now()); !s) die("server start", s.error());
  auto out = client.start(session::Clock::now());
  if (!out) die("start", out.error());
  for (auto& m : out->send) to_server.push_back(std::move(m));
  std::uint64_t messages = 0;
  // The newcomer's own share: what its node spends receiving, verifying
  // and storing (on a real network the founder's reads run on the
  // founder's machine meanwhile).
  double newcomer_wall = 0, newcomer_cpu = 0;
  while (!to_server.empty() || !to_client.empty()) {
    if (!to_server.empty()) {
      auto m = std::move(to_server.front());
      to_server.pop_front();
      ++messages;
      auto r = server.on_message(m, session::Clock::now(), now_ms);
      if (!r) die("server", r.error());
      for (auto& x : r->send) to_client.push_back(std::move(x));
    }
    if (!to_client.empty()) {
      auto m = std::move(to_client.front());
      to_client.pop_front();
      ++messages;
      const auto cw0 = Clock::now();
      const double cc0 = cpu_seconds();
      auto r = client.on_message(m, session::Clock::now(), now_ms);
      newcomer_cpu += cpu_seconds() - cc0;
      newcomer_wall += seconds_since(cw0);
      if (!r) die("client", r.error());
      for (auto& x : r->send) to_server.push_back(std::move(x));
    }
  }
  const double secs = seconds_since(t0);
  const double cpu = cpu_seconds() - c0;
  const std::uint64_t written = bytes_written() - w0;
  auto got = newcomer.replica->store().object_count(*net);
  auto notes = newcomer.replica->library().notes(*net);
  if (!got || !notes) std::abort();
  if (*got != *total || notes->size() != objects || !client.round_complete()) {
    std::fprintf(stderr, "incomplete: %llu of %llu objects, %zu notes\n", static_cast<unsigned long long>(*got),
                 static_cast<unsigned long long>(*total), notes->size());
    return 1;
  }
  const double rate = static_cast<double>(*got) / secs;
  const double cpu_rate = static_cast<double>(*got) / cpu;
  const Rate verify = verifications_per_second();
  const double ratio = rate / verify.wall;
  const double cpu_ratio = cpu_rate / verify.cpu;
  const auto& p = client.progress();
  std::printf("| measurement | figure |\n|---|---|\n");
  std::printf("| objects synced (notes + genesis, admission, grant) | %llu |\n", static_cast<unsigned long long>(*got));
  std::printf("| envelope bytes received | %.1f MB |\n", static_cast<double>(p.bytes_received) / 1e6);
  std::printf("| session messages exchanged | %llu |\n", static_cast<unsigned long long>(messages));
  std::printf("| bytes written to disk during the sync (WAL frames, checkpoints) | %.1f MB = %.1f KB per object |\n",
              static_cast<double>(written) / 1e6, static_cast<double>(written) / 1e3 / static_cast<double>(*got));
  std::printf("| initial sync, end to end (verify, decrypt, validate, store, index) | %.2f s = %.0f objects/s |\n",
              secs, rate);
  std::printf("| Ed25519 verifications, one core, same run | %.0f /s |\n", verify.wall);
  std::printf("| ratio (goal >= 0.5) | %.2f |\n", ratio);
  std::printf("| the same in CPU time: %.2f CPU s = %.0f objects/CPU s; %.0f verifications/CPU s | ratio %.2f |\n", cpu,
              cpu_rate, verify.cpu, cpu_ratio);
  const double newcomer_ratio = static_cast<double>(*got) / newcomer_wall / verify.wall;
  const double newcomer_cpu_ratio = static_cast<double>(*got) / newcomer_cpu / verify.cpu;
  std::printf("| the newcomer's side alone (its node's time; the founder's reads excluded): %.2f s, %.2f CPU s | "
              "ratio %.2f, in CPU time %.2f |\n",
              newcomer_wall, newcomer_cpu, newcomer_ratio, newcomer_cpu_ratio);
  std::printf("initial_sync_vs_verify=%.3f\n", ratio);
  std::printf("initial_sync_vs_verify_cpu=%.3f\n", cpu_ratio);
  std::printf("initial_sync_newcomer_vs_verify=%.3f\n", newcomer_ratio);
  std::printf("initial_sync_newcomer_vs_verify_cpu=%.3f\n", newcomer_cpu_ratio);
  std::printf("initial_sync_bytes_written_per_object=%.0f\n", static_cast<double>(written) / static_cast<double>(*got));
  return 0;
}
