// The supervisor with a fake tor binary (a shell script that exits, hangs or
// never opens a control socket): restarts with backoff on a real clock,
// gives up, stops a stalled tor, kills what it started, and refuses a bad
// torrc line before anything runs. tests/tor/tor_driver_test.cpp runs the
// same with the real tor on the private network.

#include "net/tor/tor_supervisor.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error_ids.hpp"
#include "net/tor_test_io.hpp"
#include "support/temp_dir.hpp"

namespace tumar::net {
namespace {

using core::ErrorId;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

class TorSupervisorTest : public ::testing::Test {
 protected:
  // A "tor" that runs `body` (sh), ignoring its arguments.
  std::string fake_tor(const std::string& body) {
    const fs::path p = dir_ / "fake-tor";
    std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(p, fs::perms::owner_all);
    return p.string();
  }

  TorSupervisorOptions options(const std::string& binary) {
    TorSupervisorOptions o;
    o.tor_binary = binary;
    o.data_directory = dir_ / "tor";
    o.policy.initial_backoff = milliseconds(50);
    o.policy.max_backoff = milliseconds(200);
    o.policy.stall_after = milliseconds(60'000);
    o.control_timeout = milliseconds(1000);
    o.socket_wait = milliseconds(60'000);
    o.stop_grace = milliseconds(500);
    return o;
  }

  TorSupervisorEvents events() {
    TorSupervisorEvents e;
    e.on_restart = [this](const tor::SupervisionStep::Restart& r) { restarts_.push_back(r); };
    e.on_error = [this](const core::Error& err) { errors_.push_back(err); };
    e.on_gave_up = [this](const core::Error& err) { gave_up_ = err; };
    e.on_stalled = [this] { ++stalls_; };
    return e;
  }

  ::tumar::test::TempDir dir_;
  asio::io_context io_;
  crypto::DeterministicRandom random_{5};
  std::vector<tor::SupervisionStep::Restart> restarts_;
  std::vector<core::Error> errors_;
  std::optional<core::Error> gave_up_;
  int stalls_ = 0;
};

bool process_exists(pid_t pid) { return pid > 0 && fs::exists("/proc/" + std::to_string(pid)); }

TEST_F(TorSupervisorTest, ATorThatKeepsExitingIsRestartedWithDoublingDelaysThenGivenUp) {
  auto o = options(fake_tor("exit 3"));
  o.policy.max_failures = 4;
  TorSupervisor s(io_, o, events(), random_);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(test::run_until(io_, [&] { return gave_up_.has_value(); }, milliseconds(10'000)));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(restarts_.size(), 3U);
  EXPECT_EQ(restarts_[0].delay, milliseconds(50));
  EXPECT_EQ(restarts_[1].delay, milliseconds(100));
  EXPECT_EQ(restarts_[2].delay, milliseconds(200));
  EXPECT_EQ(restarts_[2].attempt, 3U);
  EXPECT_EQ(restarts_[0].reason, tor::RestartReason::kExited);
  EXPECT_EQ(gave_up_->id(), ErrorId::kTorGaveUp);
  EXPECT_EQ(gave_up_->field("attempts"), "4");
  EXPECT_GE(took, milliseconds(350));  // the delays were waited out
  EXPECT_FALSE(process_exists(s.tor_pid()));
}

TEST_F(TorSupervisorTest, AMissingBinaryIsReportedAndRetried) {
  auto o = options((dir_ / "no-such-tor").string());
  o.policy.max_failures = 2;
  TorSupervisor s(io_, o, events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(test::run_until(io_, [&] { return gave_up_.has_value(); }, milliseconds(5000)));
  ASSERT_FALSE(errors_.empty());
  EXPECT_EQ(errors_[0].id(), ErrorId::kTorSpawnFailed);
  EXPECT_EQ(errors_[0].field("binary"), o.tor_binary);
  EXPECT_EQ(restarts_.size(), 1U);
}

TEST_F(TorSupervisorTest, NoControlSocketInTimeIsALostConnectionAndTorIsRestarted) {
  auto o = options(fake_tor("exec sleep 60"));
  o.socket_wait = milliseconds(300);
  TorSupervisor s(io_, o, events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(test::run_until(io_, [&] { return s.tor_pid() > 0; }, milliseconds(2000)));
  const pid_t first = s.tor_pid();
  ASSERT_TRUE(test::run_until(io_, [&] { return !restarts_.empty(); }, milliseconds(5000)));
  EXPECT_EQ(restarts_[0].reason, tor::RestartReason::kControlLost);
  ASSERT_FALSE(errors_.empty());
  EXPECT_EQ(errors_[0].id(), ErrorId::kTorControlConnectFailed);
  EXPECT_FALSE(process_exists(first));  // stopped before the restart
  ASSERT_TRUE(test::run_until(io_, [&] { return s.tor_pid() > 0 && s.tor_pid() != first; }, milliseconds(5000)));
  const pid_t second = s.tor_pid();
  test::run_coroutine(io_, s.stop());
  EXPECT_FALSE(process_exists(second));
  EXPECT_FALSE(s.ready());
}

TEST_F(TorSupervisorTest, NoBootstrapProgressIsAStallAndTorIsRestarted) {
  auto o = options(fake_tor("exec sleep 60"));
  o.policy.stall_after = milliseconds(300);
  TorSupervisor s(io_, o, events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(test::run_until(io_, [&] { return !restarts_.empty(); }, milliseconds(5000)));
  EXPECT_EQ(stalls_, 1);
  EXPECT_EQ(restarts_[0].reason, tor::RestartReason::kStalled);
  test::run_coroutine(io_, s.stop());
}

TEST_F(TorSupervisorTest, ATorThatIgnoresSigtermIsKilled) {
  auto o = options(fake_tor("trap '' TERM\nwhile :; do sleep 1; done"));
  TorSupervisor s(io_, o, events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(test::run_until(io_, [&] { return s.tor_pid() > 0; }, milliseconds(2000)));
  const pid_t pid = s.tor_pid();
  const auto started = std::chrono::steady_clock::now();
  test::run_coroutine(io_, s.stop());
  EXPECT_FALSE(process_exists(pid));
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(400));  // the grace, then SIGKILL
}

TEST_F(TorSupervisorTest, DestroyingTheSupervisorLeavesNoChild) {
  pid_t pid = -1;
  {
    TorSupervisor s(io_, options(fake_tor("exec sleep 60")), events(), random_);
    ASSERT_TRUE(s.start());
    ASSERT_TRUE(test::run_until(io_, [&] { return s.tor_pid() > 0; }, milliseconds(2000)));
    pid = s.tor_pid();
    EXPECT_TRUE(process_exists(pid));
  }
  EXPECT_FALSE(process_exists(pid));
}

TEST_F(TorSupervisorTest, ABadTorrcLineIsRefusedBeforeTorStarts) {
  const fs::path marker = dir_ / "tor-ran";
  auto o = options(fake_tor("touch " + marker.string() + "\nexec sleep 60"));
  o.extra_torrc = "UseBridges 1\nControlPort 127.0.0.1:9051\n";
  TorSupervisor s(io_, o, events(), random_);
  auto r = s.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), ErrorId::kTorTorrcOptionReserved);
  EXPECT_EQ(r.error().field("line"), "2");
  EXPECT_EQ(r.error().field("option"), "ControlPort");
  EXPECT_FALSE(s.tor_pid() > 0);
  test::run_until(io_, [] { return false; }, milliseconds(200));
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_FALSE(fs::exists(dir_ / "tor" / "torrc"));
}

TEST_F(TorSupervisorTest, TheTorrcAndDataDirectoryArePrivate) {
  TorSupervisor s(io_, options(fake_tor("exec sleep 60")), events(), random_);
  ASSERT_TRUE(s.start());
  struct stat st{};
  ASSERT_EQ(::stat((dir_ / "tor").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  ASSERT_EQ(::stat((dir_ / "tor" / "torrc").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  std::ifstream in(dir_ / "tor" / "torrc");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("SocksPort unix:" + (dir_ / "tor" / "socks").string() + " ExtendedErrors"), std::string::npos);
  EXPECT_NE(text.find("__OwningControllerProcess " + std::to_string(::getpid())), std::string::npos);
  test::run_coroutine(io_, s.stop());
}

}  // namespace
}  // namespace tumar::net
