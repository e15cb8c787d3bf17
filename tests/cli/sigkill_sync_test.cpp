// Issue 7, faults on real processes: the receiving node of a sync is killed
// with SIGKILL in the middle of it, 50 times in a row. Killing the receiver
// is the crash that can lose data: it has acknowledged HAVE batches it says
// are committed. After each kill its store must pass PRAGMA integrity_check
// (through the encrypted VFS, as the node reads it), hold every object the
// sender saw acknowledged, and hold nothing but a (timestamp, id) prefix of
// what it lacked: the sender sends in that order and the receiver commits
// batch by batch. After the 50 kills one more sync must finish and leave
// both sides with the same objects.

#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "cli/two_node_fixture.hpp"

namespace tumar::test {
namespace {
using namespace std::chrono_literals;

constexpr int kKills = 50;
// Notes S writes whenever R has caught up on most of its objects, and
// their size: enough that one sync moves several HAVE batches (512 KiB
// each) and lasts long enough to be cut at a random point, yet 50 rounds
// take about a minute.
constexpr int kNotesPerRound = 40;
constexpr std::size_t kNoteBytes = 30000;

class SigkillSync : public TwoNodes {};

// What R lacked, in S's order, and how much of it R holds now.
struct Delivery {
  std::vector<reconcile::Item> lacked;
  std::size_t held_prefix = 0;  // the longest prefix of `lacked` R holds
  std::size_t held = 0;         // how many of `lacked` R holds at all
};

Delivery delivery(const std::vector<reconcile::Item>& sender, const std::vector<reconcile::Item>& before,
                  const std::vector<reconcile::Item>& after) {
  const std::set<reconcile::Item> had(before.begin(), before.end());
  const std::set<reconcile::Item> has(after.begin(), after.end());
  Delivery d;
  for (const auto& item : sender) {
    if (!had.contains(item)) d.lacked.push_back(item);
  }
  bool prefix = true;
  for (const auto& item : d.lacked) {
    const bool held = has.contains(item);
    if (held) ++d.held;
    prefix = prefix && held;
    if (prefix) ++d.held_prefix;
  }
  return d;
}

TEST_F(SigkillSync, KillingTheReceiverMidSyncLosesNothingItAcknowledged) {
  ASSERT_EQ(tumar(s_, {"peer", "add", r_where_, "--key", r_key_}).exit_code, 0);
  const auto seed = static_cast<std::uint32_t>(std::random_device{}());
  std::printf("[ sigkill ] seed %u\n", seed);
  std::mt19937 random(seed);

  // When a sync of one round's notes starts moving objects (the sender has
  // unlocked its profile and reconciled, as in a sync with nothing to move)
  // and when it ends: the kills are aimed between the two.
  add_notes(s_, kPass, kNet, kNotesPerRound, kNoteBytes, 0);
  std::optional<BackgroundProcess> node;
  ASSERT_EQ(serve(r_, node, r_where_), r_where_);
  auto timed_sync = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = tumar(s_, {"sync", r_where_, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  };
  const long long full = timed_sync();
  const long long idle = timed_sync();
  std::printf("[ sigkill ] a sync of %d notes: %lld ms; with nothing to move: %lld ms\n", kNotesPerRound, full, idle);
  node.reset();  // a SIGKILL too, at rest

  // A kill is judged once S's objects after that sync are known, which the
  // next round reads anyway (S's sync may add its prekeys before it sends).
  struct Killed {
    std::vector<reconcile::Item> r_before, r_after;
    std::uint64_t acknowledged = 0;
    bool sync_failed = false;
    std::string sync_out;
  };
  std::optional<Killed> last_kill;
  int cut_mid_transfer = 0;
  int cut_after_an_ack = 0;
  std::size_t backlog = 0;  // objects of S that R lacks
  auto judge = [&](const std::vector<reconcile::Item>& s_items) {
    if (!last_kill) return;
    const Delivery d = delivery(s_items, last_kill->r_before, last_kill->r_after);
    EXPECT_GE(d.held_prefix, last_kill->acknowledged) << last_kill->sync_out;
    EXPECT_EQ(d.held, d.held_prefix) << "R holds objects past a gap in S's order";
    // The sync was cut (not finished before the kill) after R had stored
    // some of what it lacked, or after S had seen an acknowledgement.
    if (last_kill->sync_failed && (d.held > 0 || last_kill->acknowledged > 0)) ++cut_mid_transfer;
    if (last_kill->sync_failed && last_kill->acknowledged > 0) ++cut_after_an_ack;
    backlog = d.lacked.size() - d.held;
  };

  std::vector<reconcile::Item> r_items = look(r_).items;
  long long aim = (idle + full) / 2;  // ms after S starts; kills land within ±50% of it
  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE("kill " + std::to_string(round));
    start_serving(r_, node, r_where_);
    // While R unlocks its profile: judge the last kill, and give S more
    // notes once R has nearly caught up.
    if (last_kill) judge(look(s_).items);
    if (backlog < kNotesPerRound) add_notes(s_, kPass, kNet, kNotesPerRound, kNoteBytes, (round + 1) * kNotesPerRound);
    ASSERT_EQ(listening(*node), r_where_);

    BackgroundProcess sync(argv(s_, {"sync", r_where_, "--json"}), (dir_ / "sync").string());
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<long long>(aim / 2, aim * 3 / 2)(random)));
    ASSERT_EQ(::kill(node->pid(), SIGKILL), 0);
    ASSERT_TRUE(node->wait_exit(10s));
    ASSERT_TRUE(sync.wait_exit(30s)) << "the sender hung after the receiver died";

    if (sync.exit_code() != 0 && json_number(sync.out(), "objects_acknowledged") > 0) {
      // R had let S in: a lost connection (exit 3), not a refusal.
      EXPECT_EQ(sync.exit_code(), 3) << sync.out();
      EXPECT_NE(sync.out().find("was lost during the sync"), std::string::npos) << sync.out();
    }
    // The machine's load changes how long a sync takes: aim later after a
    // kill that came before anything was acknowledged, sooner after one
    // that came once the sync had finished.
    if (sync.exit_code() == 0) aim = aim * 4 / 5;
    if (sync.exit_code() != 0 && json_number(sync.out(), "objects_acknowledged") == 0) aim = aim * 6 / 5;
    const ProfileLook r = look(r_);
    ASSERT_EQ(r.integrity, "ok");
    last_kill = Killed{r_items, r.items, json_number(sync.out(), "objects_acknowledged"), sync.exit_code() != 0,
                       sync.out()};
    r_items = r.items;
  }
  judge(look(s_).items);
  std::printf("[ sigkill ] of %d kills, %d cut a transfer after R stored some of it, %d of them after S saw an ack\n", kKills,
              cut_mid_transfer, cut_after_an_ack);
  // Kills aimed at random over a sync: enough of them must land inside a
  // transfer, or the test does not test what it says. Measured 10 to 28 of
  // 50 on a loaded 2-core machine; the bounds leave room for more load.
  EXPECT_GE(cut_mid_transfer, kKills / 10);
  EXPECT_GE(cut_after_an_ack, kKills / 25);

  ASSERT_EQ(serve(r_, node, r_where_), r_where_);
  auto last = tumar(s_, {"sync", r_where_, "--json"});
  EXPECT_EQ(last.exit_code, 0) << last.out << last.err;
  ::kill(node->pid(), SIGTERM);
  ASSERT_TRUE(node->wait_exit(10s));
  const ProfileLook s = look(s_);
  const ProfileLook r = look(r_);
  EXPECT_EQ(r.integrity, "ok");
  EXPECT_EQ(s.items, r.items) << "S holds " << s.items.size() << " objects, R " << r.items.size();
}

}  // namespace
}  // namespace tumar::test
