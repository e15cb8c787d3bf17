// Issue 7, faults on real processes: a connection cut at a frame boundary
// of a sync. A relay that parses tumar's framing sits between S's `tumar
// sync` and R's `tumar serve` and closes both sockets right after frame k.

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "cli/two_node_fixture.hpp"
#include "support/frame_cut_proxy.hpp"

namespace tumar::test {
namespace {
using namespace std::chrono_literals;

// Notes S writes before each cut sync, so that every sync has objects to
// move, and their size: a few frames of HAVE batch besides the handshake,
// reconciliation and acknowledgements, without making the test slow.
constexpr int kNotesPerCut = 4;
constexpr std::size_t kNoteBytes = 30000;

class FrameCutSync : public TwoNodes {
 protected:
  void SetUp() override {
    TwoNodes::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(serve(r_, node_, r_where_), r_where_);
    proxy_.emplace(r_port_);
    via_ = "127.0.0.1:" + std::to_string(proxy_->port());
    ASSERT_EQ(tumar(s_, {"peer", "add", via_, "--key", r_key_}).exit_code, 0);
  }

  void TearDown() override {
    if (node_) ::kill(node_->pid(), SIGTERM);
  }

  // One `tumar sync --json` through the relay; waits for the relay too.
  ProcessResult sync_through_proxy() {
    auto r = tumar(s_, {"sync", via_, "--json", "--timeout", "10"});
    EXPECT_TRUE(proxy_->wait_idle(10s)) << "the relay is still relaying after the sync exited";
    return r;
  }

  void expect_converged() {
    const ProfileLook s = look(s_);
    const ProfileLook r = look(r_);
    EXPECT_EQ(r.integrity, "ok");
    EXPECT_EQ(s.items, r.items) << "S holds " << s.items.size() << " objects, R " << r.items.size();
  }

  std::optional<BackgroundProcess> node_;
  std::optional<FrameCutProxy> proxy_;
  std::string via_;
  int notes_ = 0;
};

// The bug this issue found: a connection lost mid-sync, after R let S in,
// was reported as "not a member of any network it is in" with exit code 4,
// sending the user after the allow list instead of simply syncing again.
TEST_F(FrameCutSync, AConnectionLostAfterAdmissionIsExitThreeAndSaysToSyncAgain) {
  add_notes(s_, kPass, kNet, 20, kNoteBytes, 0);
  auto whole = sync_through_proxy();
  ASSERT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  const std::uint64_t total = proxy_->frames();

  add_notes(s_, kPass, kNet, 20, kNoteBytes, 20);
  proxy_->cut_after(total / 2);  // well inside the HAVE batches
  auto cut = sync_through_proxy();
  ASSERT_TRUE(proxy_->cut());
  ASSERT_GE(proxy_->frames_from_node(), 2u);
  EXPECT_EQ(cut.exit_code, 3) << cut.out;
  EXPECT_NE(cut.out.find("\"ok\":false"), std::string::npos) << cut.out;
  EXPECT_NE(cut.out.find("was lost during the sync"), std::string::npos) << cut.out;
  EXPECT_EQ(cut.out.find("not a member"), std::string::npos) << cut.out;

  // In words too, as a user reads it.
  proxy_->cut_after(total / 2);
  add_notes(s_, kPass, kNet, 20, kNoteBytes, 40);
  auto text = tumar(s_, {"sync", via_});
  ASSERT_TRUE(proxy_->wait_idle(10s));
  EXPECT_EQ(text.exit_code, 3) << text.out;
  EXPECT_NE(text.out.find("run `tumar sync` again"), std::string::npos) << text.out;

  proxy_->cut_after(0);
  EXPECT_EQ(sync_through_proxy().exit_code, 0);
  expect_converged();
}

}  // namespace
}  // namespace tumar::test
