// `tumar demo` as a trainer runs it (README, "The trainer's demo"): it goes
// straight through without a terminal, shows all three views of every step,
// never finds a plaintext on the wire or on disk, proves the sandbox, and
// leaves nothing behind — also when interrupted halfway.

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
namespace fs = std::filesystem;
using test::run_process;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool empty_dir(const fs::path& dir) { return fs::is_empty(dir); }

// Processes whose command line mentions `needle`: a node the demo left
// running would still hold its profile (and its keys) in memory.
int processes_mentioning(const std::string& needle) {
  int found = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream f(entry.path() / "cmdline");
    if (!f) continue;
    std::stringstream ss;
    ss << f.rdbuf();
    if (ss.str().find(needle) != std::string::npos) ++found;
  }
  return found;
}

class DemoCli : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(scratch_); }

  // The demo under a TMPDIR of the test's own, so what it leaves is visible.
  std::vector<std::string> demo_argv(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv{"/usr/bin/env", "TMPDIR=" + scratch_.string(), TUMAR_EXE, "demo"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  test::TempDir dir_;
  fs::path scratch_ = dir_ / "tmp";
};

TEST_F(DemoCli, RunsEveryStepAndFindsNoPlaintextOnTheWireOrOnDisk) {
  // --pace without a terminal must not wait for an Enter that never comes.
  auto r = run_process(demo_argv({"--pace"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (int step = 1; step <= 8; ++step) {
    EXPECT_NE(r.out.find("Step " + std::to_string(step) + " of 8"), std::string::npos) << "step " << step;
  }
  EXPECT_NE(r.out.find("no terminal on stdin, so running straight through"), std::string::npos);
  // The three views, with real bytes from the sockets and the pages.
  EXPECT_GE(count(r.out, "On the wire: what an eavesdropper"), 4u);
  EXPECT_GE(count(r.out, "On disk: what a thief"), 5u);
  EXPECT_GE(count(r.out, "What the recipient sees"), 4u);
  EXPECT_GE(count(r.out, "  0000  "), 9u);  // hex dumps of captures and pages
  EXPECT_GE(count(r.out, ": not found"), 15u);
  EXPECT_EQ(r.out.find("FOUND"), std::string::npos) << r.out;
  // The recipients see the plaintext.
  EXPECT_NE(r.out.find("Almaty crisis centre hotline\n        Shelters KZ (training)"), std::string::npos);
  EXPECT_NE(r.out.find("URGENT"), std::string::npos);
  EXPECT_NE(r.out.find("Olga (Kazan crisis line) → you"), std::string::npos);
  // The sandbox held, and panic wipe left nothing.
  EXPECT_NE(r.out.find("a real profile never joins one"), std::string::npos);
  EXPECT_NE(r.out.find("(exit code 4)"), std::string::npos);
  EXPECT_NE(r.out.find("Key file (tumar.key): gone"), std::string::npos);
  // Nothing left behind: no directory, no node.
  EXPECT_TRUE(empty_dir(scratch_));
  EXPECT_EQ(processes_mentioning(scratch_.string()), 0);
}

TEST_F(DemoCli, AnInterruptedDemoStopsItsNodesAndDeletesEverything) {
  test::BackgroundProcess demo(demo_argv(), (dir_ / "demo").string());
  // Step 4: three nodes run and every profile holds keys and notes.
  ASSERT_TRUE(demo.wait_output("Step 4 of 8", std::chrono::seconds(120))) << demo.out();
  ASSERT_FALSE(empty_dir(scratch_));
  ASSERT_EQ(::kill(demo.pid(), SIGINT), 0);
  ASSERT_TRUE(demo.wait_exit(std::chrono::seconds(30)));
  EXPECT_EQ(demo.exit_code(), 128 + SIGINT);
  EXPECT_TRUE(empty_dir(scratch_));
  EXPECT_EQ(processes_mentioning(scratch_.string()), 0);
}

TEST_F(DemoCli, HelpExplainsTheDemoWithAnExample) {
  auto r = run_process({TUMAR_EXE, "demo", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--pace"), std::string::npos);
  EXPECT_NE(r.out.find("Example"), std::string::npos);
  EXPECT_TRUE(empty_dir(scratch_));
}

TEST_F(DemoCli, AnUnknownOptionIsAUsageError) {
  auto r = run_process({TUMAR_EXE, "demo", "--fast"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(empty_dir(scratch_));
}

TEST_F(DemoCli, AnUnwritableTemporaryDirectoryIsAStorageErrorThatSaysWhatToDo) {
  auto r = run_process({"/usr/bin/env", "TMPDIR=" + (dir_ / "missing").string(), TUMAR_EXE, "demo"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("set TMPDIR to a writable directory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tumar
