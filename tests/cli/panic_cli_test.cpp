// Panic as a stressed person meets it (issue 19, item 10), through the real
// tumar executable: the confirmation typed on a terminal in English, Russian
// or Kazakh, in any case; and a running node stopped by the wipe says what
// happened instead of warning about an integrity check.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
namespace fs = std::filesystem;
using test::run_process;

// Runs argv in a new session whose controlling terminal is a fresh pseudo-
// terminal, waits for `prompt` on it, types `answer` and Enter, and returns
// everything the terminal showed and the exit code.
test::ProcessResult run_on_terminal(const std::vector<std::string>& argv, const std::string& prompt,
                                    const std::string& answer) {
  test::ProcessResult r;
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return r;
  const std::string slave = ptsname(master);
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    const int fd = ::open(slave.c_str(), O_RDWR);  // becomes the controlling terminal
    if (fd < 0) _exit(127);
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  bool answered = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buf[4096];
  // Read until the terminal closes (EIO once the child and its session are
  // gone), answering the prompt when it shows.
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    r.out.append(buf, static_cast<std::size_t>(n));
    if (!answered && r.out.find(prompt) != std::string::npos) {
      const std::string line = answer + "\n";
      (void)!write(master, line.data(), line.size());
      answered = true;
    }
  }
  if (std::chrono::steady_clock::now() >= deadline) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class PanicCli : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(pass_) << "correct horse battery staple\n"; }

  void init() {
    auto r = run_process({TUMAR_EXE, "--home", home_, "--passphrase-file", pass_, "init", "--kdf", "interactive"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  bool profile_there() const { return fs::exists(fs::path(home_) / "tumar.key"); }

  test::TempDir dir_;
  std::string home_ = (dir_ / "home").string();
  std::string pass_ = (dir_ / "pass").string();
};

TEST_F(PanicCli, ConfirmationAcceptsYesDaAndIaInAnyCase) {
  for (const std::string answer : {"yes", "YES", "Yes", "да", "Да", "ДА", "иә", "Иә", "ИӘ", " yes "}) {
    init();
    auto r = run_on_terminal({TUMAR_EXE, "--home", home_, "panic"}, "Type yes", answer);
    EXPECT_EQ(r.exit_code, 0) << answer << ": " << r.out;
    EXPECT_NE(r.out.find("key file destroyed"), std::string::npos) << answer << ": " << r.out;
    EXPECT_FALSE(profile_there()) << answer;
    fs::remove_all(home_);
  }
}

TEST_F(PanicCli, AnythingElseAtTheConfirmationWipesNothing) {
  init();
  for (const std::string answer : {"no", "y", "yess", "д", "нет", "", "yes please"}) {
    auto r = run_on_terminal({TUMAR_EXE, "--home", home_, "panic"}, "Type yes", answer);
    EXPECT_EQ(r.exit_code, 1) << answer << ": " << r.out;
    EXPECT_NE(r.out.find("Not confirmed; nothing was wiped"), std::string::npos) << answer << ": " << r.out;
    EXPECT_TRUE(profile_there()) << answer;
  }
}

TEST_F(PanicCli, ANodeStoppedByPanicSaysSoWithoutAnIntegrityWarning) {
  // Several rounds: whether the node reads the wiped files before its wipe
  // poll notices is a matter of timing.
  for (int round = 0; round < 4; ++round) {
    init();
    test::BackgroundProcess serve(
        {TUMAR_EXE, "--home", home_, "--passphrase-file", pass_, "serve", "--listen", "127.0.0.1:0"},
        (dir_ / ("serve" + std::to_string(round))).string());
    ASSERT_TRUE(serve.wait_output("running", std::chrono::seconds(30))) << serve.out();
    // Something for the node to read while the wipe runs.
    for (int i = 0; i < 3; ++i) {
      (void)run_process({TUMAR_EXE, "--home", home_, "--passphrase-file", pass_, "network", "create",
                         "Net " + std::to_string(i)});
    }
    ASSERT_EQ(run_process({TUMAR_EXE, "--home", home_, "panic", "--yes"}).exit_code, 0);
    ASSERT_TRUE(serve.wait_exit(std::chrono::seconds(5)));
    EXPECT_EQ(serve.exit_code(), 5);
    std::ifstream err(dir_ / ("serve" + std::to_string(round) + ".err"));
    const std::string said((std::istreambuf_iterator<char>(err)), {});
    EXPECT_EQ(said.find("integrity"), std::string::npos) << said;
    EXPECT_EQ(said.find("altered"), std::string::npos) << said;
    EXPECT_NE(said.find("The profile was wiped: the node erased its keys from memory and stopped."), std::string::npos)
        << said;
    fs::remove_all(home_);
  }
}

}  // namespace
}  // namespace tumar
