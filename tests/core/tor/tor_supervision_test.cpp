// The restart policy on a virtual clock: backoff doubling to its cap, the
// count reset by a healthy run, giving up, and a stalled bootstrap stopped.

#include "core/tor/tor_supervision.hpp"

#include <gtest/gtest.h>

namespace tumar::tor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class TorSupervisionTest : public ::testing::Test {
 protected:
  SupervisionPolicy policy() const {
    SupervisionPolicy p;
    p.initial_backoff = seconds(1);
    p.max_backoff = seconds(8);
    p.stall_after = seconds(30);
    p.healthy_after = seconds(60);
    return p;
  }
  SupervisionInstant now_{};
  void advance(SupervisionDuration d) { now_ += d; }
};

TEST_F(TorSupervisionTest, StartsThenIsReadyAtOneHundredPercent) {
  TorSupervision s(policy());
  EXPECT_EQ(s.start(now_).action, SupervisionAction::kStart);
  s.on_started(now_);
  EXPECT_FALSE(s.ready());
  s.on_progress(now_, 50);
  EXPECT_EQ(s.progress(), 50);
  auto step = s.on_progress(now_, 100);
  EXPECT_TRUE(s.ready());
  EXPECT_FALSE(step.deadline);  // no stall watch once ready
}

TEST_F(TorSupervisionTest, EachFailureDoublesTheDelayUpToTheCap) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  const milliseconds expected[] = {seconds(1), seconds(2), seconds(4), seconds(8), seconds(8), seconds(8)};
  std::uint32_t attempt = 0;
  for (milliseconds want : expected) {
    auto step = s.on_exited(now_, 256);
    ASSERT_TRUE(step.restart);
    EXPECT_EQ(step.restart->attempt, ++attempt);
    EXPECT_EQ(step.restart->delay, want);
    EXPECT_EQ(step.restart->reason, RestartReason::kExited);
    ASSERT_TRUE(step.deadline);
    EXPECT_EQ(*step.deadline, now_ + want);
    // Not a moment early.
    advance(want - milliseconds(1));
    EXPECT_EQ(s.on_timer(now_).action, SupervisionAction::kNone);
    advance(milliseconds(1));
    EXPECT_EQ(s.on_timer(now_).action, SupervisionAction::kStart);
    s.on_started(now_);
  }
}

TEST_F(TorSupervisionTest, AHealthyRunResetsTheBackoff) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  for (int i = 0; i < 3; ++i) {
    auto step = s.on_exited(now_, 9);
    advance(step.restart->delay);
    s.on_timer(now_);
    s.on_started(now_);
  }
  EXPECT_EQ(s.failures(), 3U);
  s.on_progress(now_, 100);
  advance(seconds(61));
  auto step = s.on_exited(now_, 9);
  ASSERT_TRUE(step.restart);
  EXPECT_EQ(step.restart->attempt, 1U);
  EXPECT_EQ(step.restart->delay, seconds(1));
}

TEST_F(TorSupervisionTest, ReadyButShortLivedStillCountsAsAFailureInARow) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  s.on_exited(now_, 9);
  advance(seconds(1));
  s.on_timer(now_);
  s.on_started(now_);
  s.on_progress(now_, 100);
  advance(seconds(5));
  auto step = s.on_exited(now_, 9);
  EXPECT_EQ(step.restart->attempt, 2U);
}

TEST_F(TorSupervisionTest, GivesUpAfterMaxFailuresInARow) {
  SupervisionPolicy p = policy();
  p.max_failures = 3;
  TorSupervision s(p);
  s.start(now_);
  s.on_started(now_);
  for (int i = 0; i < 2; ++i) {
    auto step = s.on_exited(now_, 1);
    ASSERT_TRUE(step.restart);
    advance(step.restart->delay);
    EXPECT_EQ(s.on_timer(now_).action, SupervisionAction::kStart);
    s.on_started(now_);
  }
  auto step = s.on_exited(now_, 1);
  EXPECT_EQ(step.action, SupervisionAction::kGiveUp);
  EXPECT_TRUE(s.gave_up());
  advance(seconds(100));
  EXPECT_EQ(s.on_timer(now_).action, SupervisionAction::kNone);
}

TEST_F(TorSupervisionTest, NoProgressForStallAfterStopsTorAndRestartsIt) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  advance(seconds(20));
  s.on_progress(now_, 10);  // progress moves the watch
  advance(seconds(29));
  s.on_progress(now_, 10);  // the same percentage does not
  EXPECT_EQ(s.on_timer(now_).action, SupervisionAction::kNone);
  advance(seconds(1));
  auto step = s.on_timer(now_);
  EXPECT_EQ(step.action, SupervisionAction::kStop);
  EXPECT_TRUE(step.stalled);
  step = s.on_exited(now_, 15);
  ASSERT_TRUE(step.restart);
  EXPECT_EQ(step.restart->reason, RestartReason::kStalled);
}

TEST_F(TorSupervisionTest, ALostControlConnectionStopsTorThenRestartsIt) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  s.on_progress(now_, 100);
  EXPECT_EQ(s.on_control_lost(now_).action, SupervisionAction::kStop);
  EXPECT_EQ(s.on_control_lost(now_).action, SupervisionAction::kNone);  // once
  auto step = s.on_exited(now_, 9);
  ASSERT_TRUE(step.restart);
  EXPECT_EQ(step.restart->reason, RestartReason::kControlLost);
}

TEST_F(TorSupervisionTest, StopOnRequestEndsWithoutRestart) {
  TorSupervision s(policy());
  s.start(now_);
  s.on_started(now_);
  EXPECT_EQ(s.stop(now_).action, SupervisionAction::kStop);
  auto step = s.on_exited(now_, 0);
  EXPECT_FALSE(step.restart);
  EXPECT_TRUE(s.stopped());
  // Stopping while waiting to restart stops at once.
  TorSupervision w(policy());
  w.start(now_);
  w.on_started(now_);
  w.on_exited(now_, 9);
  EXPECT_EQ(w.stop(now_).action, SupervisionAction::kNone);
  EXPECT_TRUE(w.stopped());
  advance(seconds(10));
  EXPECT_EQ(w.on_timer(now_).action, SupervisionAction::kNone);
}

}  // namespace
}  // namespace tumar::tor
