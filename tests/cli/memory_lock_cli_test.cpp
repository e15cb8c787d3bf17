// Issue 16, point 4: what SQLite decrypts stays out of swap. A normal user
// on Debian 12 may lock 8 MiB (RLIMIT_MEMLOCK); root and services with
// CAP_IPC_LOCK may lock everything. tumar is run here as each would be (as
// root, the capability is dropped from the bounding set before exec, so the
// limit applies as it does to a normal user), and the locked amount is read
// from /proc/PID/status (VmLck) of the running node.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "network_cli_fixture.hpp"
#include "support/proc_status.hpp"

namespace tumar::test {
namespace {

constexpr rlim_t kNormalUserLimit = 8u << 20;  // Debian 12's default RLIMIT_MEMLOCK

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A tumar process run with RLIMIT_MEMLOCK = `limit` and without
// CAP_IPC_LOCK, output to files. Killed (SIGTERM, then SIGKILL) when gone.
class LimitedTumar {
 public:
  LimitedTumar(const std::vector<std::string>& argv, rlim_t limit, const std::string& prefix)
      : out_(prefix + ".out"), err_(prefix + ".err") {
    std::vector<char*> args;  // built before fork: the child only makes system calls
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ != 0) return;
    if (::prctl(PR_CAPBSET_DROP, CAP_IPC_LOCK, 0, 0, 0) != 0 && ::geteuid() == 0) ::_exit(120);
    const rlimit rl{limit, limit};
    if (::setrlimit(RLIMIT_MEMLOCK, &rl) != 0) ::_exit(121);
    const int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(122);
    ::execv(args[0], args.data());
    ::_exit(123);
  }
  ~LimitedTumar() {
    if (!exited_ && pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  LimitedTumar(const LimitedTumar&) = delete;
  LimitedTumar& operator=(const LimitedTumar&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

  bool wait_output(const std::string& text, std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (out().find(text) != std::string::npos) return true;
      if (exited()) return out().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  int wait_exit() {
    int status = 0;
    if (!exited_) ::waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  bool exited() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string out_, err_;
};

class MemoryLockCli : public NetworkCli {
 protected:
  std::vector<std::string> argv(const std::vector<std::string>& args) {
    std::vector<std::string> v{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_};
    v.insert(v.end(), args.begin(), args.end());
    return v;
  }
};

TEST_F(MemoryLockCli, WithANormalUsersLimitTheNodeLocksItsPageCacheAndSaysNothing) {
  LimitedTumar node(argv({"serve", "--listen", "127.0.0.1:0"}), kNormalUserLimit, (dir_ / "limited").string());
  ASSERT_TRUE(node.wait_output("listening on", std::chrono::seconds(30))) << node.out() << node.err();
  const std::uint64_t locked_kib = proc_status_kib(node.pid(), "VmLck");
  const std::uint64_t rss_kib = proc_status_kib(node.pid(), "VmRSS");
  std::printf("[ memory ] limit 8 MiB, no CAP_IPC_LOCK: serve VmLck %llu KiB, VmRSS %llu KiB\n",
              static_cast<unsigned long long>(locked_kib), static_cast<unsigned long long>(rss_kib));
  // A locked page cache (at least 4 MiB: the default 2 MB cache fits twice),
  // within the limit.
  EXPECT_GE(locked_kib, 4u * 1024);
  EXPECT_LE(locked_kib, kNormalUserLimit / 1024);
  EXPECT_EQ(node.err().find("lock memory"), std::string::npos) << node.err();
  ::kill(node.pid(), SIGTERM);
  EXPECT_EQ(node.wait_exit(), 0) << node.err();
}

TEST_F(MemoryLockCli, WhenNothingCanBeLockedEveryCommandWarnsAndStillWorks) {
  LimitedTumar whoami(argv({"whoami"}), 0, (dir_ / "nolock").string());
  EXPECT_EQ(whoami.wait_exit(), 0) << whoami.err();
  EXPECT_NE(whoami.err().find("tumar: warning: this system did not let tumar lock memory"), std::string::npos)
      << whoami.err();
  EXPECT_NE(whoami.out().find("Aigerim"), std::string::npos) << whoami.out();
}

TEST_F(MemoryLockCli, WithoutALimitTheWholeNodeIsLocked) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs CAP_IPC_LOCK (root) or an unlimited RLIMIT_MEMLOCK";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds lock the page cache only (memory_lock.cpp)";
#endif
  BackgroundProcess node(argv({"serve", "--listen", "127.0.0.1:0"}), (dir_ / "root").string());
  ASSERT_TRUE(node.wait_output("listening on", std::chrono::seconds(30))) << node.out();
  const std::uint64_t locked_kib = proc_status_kib(node.pid(), "VmLck");
  const std::uint64_t rss_kib = proc_status_kib(node.pid(), "VmRSS");
  std::printf("[ memory ] CAP_IPC_LOCK: serve VmLck %llu KiB, VmRSS %llu KiB\n",
              static_cast<unsigned long long>(locked_kib), static_cast<unsigned long long>(rss_kib));
  // mlockall: every mapping is locked, so at least all that is resident.
  EXPECT_GE(locked_kib, rss_kib);
  ::kill(node.pid(), SIGTERM);
  EXPECT_TRUE(node.wait_exit(std::chrono::seconds(20)));
}

}  // namespace
}  // namespace tumar::test
