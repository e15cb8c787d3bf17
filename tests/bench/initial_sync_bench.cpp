// A new member's initial sync, end to end: a founder's replica holding N
// resource notes and a newcomer's empty replica (both encrypted databases,
// as in a real profile) run a pair of sync::SyncSessions, each node on its
// own thread as on a network each is its own machine, linked by in-memory
// queues — Negentropy reconciliation, WantObjects batches, and every
// envelope verified (Ed25519), decrypted, validated, stored and indexed
// (FTS5) by the newcomer. The newcomer is admitted after the library was
// written, as `tumar join` does it. Reported as objects per second next to
// Ed25519 verifications per second on one core measured in the same run
// (the floor any verify-everything sync sits on). Goal: >= 0.5 of it.
//
//   tumar_initial_sync_bench [--quick] [--objects N] [--ingest-batch N] [--wants-in-flight N]
//
// 100,000 notes by default (the figure), 20,000 with --quick. Two
// newcomers sync in turn: one verifying on one core (everything it does on
// one thread), one as the node runs by default (a helper thread verifies
// each batch's signatures ahead of the storing). The other
// options set SyncLimits (the defaults otherwise). Prints a Markdown table,
// `initial_sync_vs_verify=<ratio>` (end to end, wall time, the default
// newcomer), the one-core newcomer's ratio in wall and in CPU time (which
// a loaded machine disturbs less), and the bytes written per object, which
// show what the page-level work is.

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/sync/joining_replica.hpp"
#include "core/sync/sync_session.hpp"
#include "note_library.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tumar;
using bench::die;
using bench::Person;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of this process: on a loaded machine it is the steadier measure
// (wall time also counts waiting for fsync, and for other processes).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

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

// CPU time of the calling thread: each node's own share.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// One node's incoming messages: the link between the two threads.
class Inbox {
 public:
  void push(session::WireMessage m) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(m));
    }
    cv_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_one();
  }
  // The next message; nullopt once closed and drained, or after a minute
  // of silence (a stalled protocol must not hang the bench).
  std::optional<session::WireMessage> pop() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::minutes(1), [this] { return closed_ || !queue_.empty(); })) return {};
    if (queue_.empty()) return {};
    auto m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<session::WireMessage> queue_;
  bool closed_ = false;
};

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
  while (seconds_since(t0) < 1.0) {
    for (int i = 0; i < 100; ++i) {
      if (crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk) != 0) std::abort();
    }
    n += 100;
  }
  return {static_cast<double>(n) / seconds_since(t0), static_cast<double>(n) / (cpu_seconds() - c0)};
}

// What one newcomer's first sync took.
struct SyncRun {
  double secs = 0;            // wall time, first message to the round's end
  double newcomer_cpu = 0;    // CPU time of the newcomer's node (all its threads)
  double newcomer_busy = 0;   // wall time inside its session calls
  double founder_cpu = 0;     // CPU time of the founder's thread
  std::uint64_t written = 0;  // bytes passed to write(2) meanwhile (both nodes)
  std::uint64_t objects = 0;
  std::uint64_t messages = 0;
  std::uint64_t bytes_received = 0;
};

// A newcomer, admitted after the library was written (as `tumar join` does
// it: its admission and key grant are the network's newest objects), syncs
// the whole network from the founder. The founder's node runs on its own
// thread, as on a network it runs on its own machine, and reads the next
// answers while the newcomer verifies and stores the last
// (SyncLimits::wants_in_flight).
SyncRun sync_newcomer(Person& founder, network::LocalAuthor& author, const network::NetworkId& net, Person& newcomer,
                      bool two_cores, const sync::SyncLimits& limits, std::uint64_t now_ms) {
  if (auto a = author.admit(net, newcomer.me.public_identity(), network::Role::kMember, now_ms - 500); !a) {
    die("admit", a.error());
  }
  auto total = founder.replica->store().object_count(net);
  if (!total) std::abort();
  network::NetworkRecord rec;
  rec.id = net;
  if (auto r = newcomer.replica->store().add_network(rec); !r) die("join", r.error());
  newcomer.replica->set_parallel_verify(two_cores);
  sync::JoiningReplica view(*newcomer.replica, net);
  sync::SyncSession client(view, founder.me.public_identity().identity_key, sync::Role::kInitiator, limits);
  sync::SyncSession server(*founder.replica, newcomer.me.public_identity().identity_key, sync::Role::kResponder,
                           limits);

  SyncRun run;
  const std::uint64_t w0 = bytes_written();
  Inbox to_server, to_client;
  std::atomic<std::uint64_t> messages{0};
  std::thread founder_node([&] {
    const double c0 = thread_cpu_seconds();
    while (auto m = to_server.pop()) {
      ++messages;
      auto r = server.on_message(*m, session::Clock::now(), now_ms);
      if (!r) die("server", r.error());
      for (auto& x : r->send) to_client.push(std::move(x));
    }
    run.founder_cpu = thread_cpu_seconds() - c0;
  });
  const auto t0 = Clock::now();
  // Process CPU time less the founder's thread: the newcomer's node, its
  // verification thread included.
  const double c0 = cpu_seconds();
  if (auto st = server.start(session::Clock::now()); !st) die("server start", st.error());
  auto out = client.start(session::Clock::now());
  if (!out) die("start", out.error());
  for (auto& m : out->send) to_server.push(std::move(m));
  while (!client.round_complete()) {
    auto m = to_client.pop();
    if (!m) die("client", cli::sentence_error(core::Errc::kProtocol, "the founder stopped answering"));
    ++messages;
    const auto cw0 = Clock::now();
    auto r = client.on_message(*m, session::Clock::now(), now_ms);
    run.newcomer_busy += seconds_since(cw0);
    if (!r) die("client", r.error());
    for (auto& x : r->send) to_server.push(std::move(x));
  }
  run.secs = seconds_since(t0);
  const double process_cpu = cpu_seconds() - c0;
  to_server.close();
  founder_node.join();
  run.newcomer_cpu = process_cpu - run.founder_cpu;
  run.written = bytes_written() - w0;
  run.messages = messages.load();
  run.bytes_received = client.progress().bytes_received;
  auto got = newcomer.replica->store().object_count(net);
  auto notes = newcomer.replica->library().notes(net);
  if (!got || !notes) std::abort();
  if (*got != *total) {
    std::fprintf(stderr, "incomplete: %llu of %llu objects\n", static_cast<unsigned long long>(*got),
                 static_cast<unsigned long long>(*total));
    std::exit(1);
  }
  run.objects = *got;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  crypto::ensure_sodium();
  std::size_t objects = 100'000;
  sync::SyncLimits limits;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) objects = 20'000;
    else if (std::strcmp(argv[i], "--objects") == 0 && i + 1 < argc) objects = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--ingest-batch") == 0 && i + 1 < argc) limits.ingest_batch = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--wants-in-flight") == 0 && i + 1 < argc) {
      limits.wants_in_flight = std::stoul(argv[++i]);
    }
  }
  // mkdtemp, not a pid-derived name: unpredictable and private (0700) on a shared /tmp.
  const test::TempDir scratch;
  const std::filesystem::path& dir = scratch.path();

  const std::uint64_t t0_ms = 1'700'000'000'000;
  Person founder(dir / "founder.db", 1);
  Person one_core(dir / "newcomer1.db", 2);
  Person two_cores(dir / "newcomer2.db", 3);
  network::LocalAuthor author(*founder.replica, founder.me, founder.rng);
  auto net = author.create_network("Benchmark network", false, t0_ms);
  if (!net) die("create", net.error());

  // The founder's library: N notes of a realistic size, sealed and signed
  // here and stored in batches (one transaction each).
  std::fprintf(stderr, "preparing %zu notes...\n", objects);
  if (!bench::write_notes(founder, *net, objects, t0_ms, t0_ms + objects + 100)) return 1;

  // This machine's speed drifts over a run (a shared VM): the verification
  // rate is measured before, between and after the syncs, and the ratios
  // use its mean; the spread is printed.
  const std::uint64_t now_ms = t0_ms + objects + 1000;
  const Rate v0 = verifications_per_second();
  std::fprintf(stderr, "syncing a newcomer verifying on one core...\n");
  const SyncRun a = sync_newcomer(founder, author, *net, one_core, false, limits, now_ms);
  const Rate v1 = verifications_per_second();
  std::fprintf(stderr, "syncing a newcomer verifying ahead on a second core (the default)...\n");
  const SyncRun b = sync_newcomer(founder, author, *net, two_cores, true, limits, now_ms + 1000);
  const Rate v2 = verifications_per_second();
  const Rate verify{(v0.wall + v1.wall + v2.wall) / 3, (v0.cpu + v1.cpu + v2.cpu) / 3};
  const double slowest = std::min({v0.wall, v1.wall, v2.wall}), fastest = std::max({v0.wall, v1.wall, v2.wall});

  const double n = static_cast<double>(a.objects);
  auto wall_ratio = [&](const SyncRun& r) { return n / r.secs / verify.wall; };
  auto cpu_ratio = [&](const SyncRun& r) { return n / r.newcomer_cpu / verify.cpu; };
  std::printf("| measurement | newcomer doing everything on one core | default newcomer (verifies ahead on a second core) |\n|---|---|---|\n");
  std::printf("| objects synced (notes + genesis, admissions, grants) | %llu | %llu |\n",
              static_cast<unsigned long long>(a.objects), static_cast<unsigned long long>(b.objects));
  std::printf("| envelope bytes received | %.1f MB | %.1f MB |\n", static_cast<double>(a.bytes_received) / 1e6,
              static_cast<double>(b.bytes_received) / 1e6);
  std::printf("| session messages exchanged | %llu | %llu |\n", static_cast<unsigned long long>(a.messages),
              static_cast<unsigned long long>(b.messages));
  std::printf("| bytes written during the sync (WAL frames, checkpoints) per object | %.1f KB | %.1f KB |\n",
              static_cast<double>(a.written) / 1e3 / n, static_cast<double>(b.written) / 1e3 / n);
  std::printf("| **initial sync, end to end** (verify, decrypt, validate, store, index) | %.2f s = %.0f objects/s "
              "| %.2f s = %.0f objects/s |\n",
              a.secs, n / a.secs, b.secs, n / b.secs);
  std::printf("| Ed25519 verifications, one core, same run (mean of before, between, after: %.0f..%.0f) | %.0f /s | "
              "%.0f /s |\n",
              slowest, fastest, verify.wall, verify.wall);
  std::printf("| **ratio** (goal >= 0.5) | **%.2f** | **%.2f** |\n", wall_ratio(a), wall_ratio(b));
  std::printf("| the newcomer's node in CPU time (all its threads) | %.2f CPU s, ratio %.2f | %.2f CPU s, ratio %.2f |\n",
              a.newcomer_cpu, cpu_ratio(a), b.newcomer_cpu, cpu_ratio(b));
  std::printf("| the newcomer's time inside its session (not waiting for the founder) | %.2f s | %.2f s |\n",
              a.newcomer_busy, b.newcomer_busy);
  std::printf("| the founder's node, its own thread, CPU time | %.2f s | %.2f s |\n", a.founder_cpu, b.founder_cpu);
  std::printf("initial_sync_vs_verify=%.3f\n", wall_ratio(b));
  std::printf("initial_sync_one_core_vs_verify=%.3f\n", wall_ratio(a));
  std::printf("initial_sync_one_core_vs_verify_cpu=%.3f\n", cpu_ratio(a));
  std::printf("initial_sync_two_cores_cpu_vs_verify_cpu=%.3f\n", cpu_ratio(b));
  std::printf("initial_sync_bytes_written_per_object=%.0f\n", static_cast<double>(a.written) / n);
  return 0;
}
