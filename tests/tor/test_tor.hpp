#pragma once
// A tor of a test's own on the private network of scripts/tor-testnet (the
// `tor_net` fixture): its torrc is `tor-testnet client-torrc NETDIR` plus the
// lines a test adds (a SocksPort, a HiddenServiceDir). It names the test
// process as its owning controller, so it cannot outlive a crashed test.
// The real node publishes with ADD_ONION through the tor driver; tests of
// the transport may use HiddenServiceDir. Header-only; POSIX.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#ifndef TUMAR_SOURCE_DIR
#error "TUMAR_SOURCE_DIR must name the source tree (for scripts/tor-testnet)"
#endif

namespace tumar::test {

// The private network's directory: the first non-option argument, or
// $TUMAR_TOR_NET. Empty if neither.
inline std::string& tor_net_dir() {
  static std::string dir;
  return dir;
}

// DIR/env of the network, as KEY=VALUE lines.
inline std::map<std::string, std::string> tor_net_env(const std::string& netdir) {
  std::map<std::string, std::string> env;
  std::ifstream in(netdir + "/env");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

inline std::string run_capture(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("failed: " + command);
  return out;
}

class TestTor {
 public:
  // Starts tor in `dir` (made 0700). `extra` is appended to the torrc.
  TestTor(const std::filesystem::path& dir, const std::string& netdir, const std::string& extra) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    ::chmod(dir_.c_str(), 0700);
    const std::string torrc = (dir_ / "torrc").string();
    {
      std::ofstream f(torrc);
      f << run_capture(std::string(TUMAR_SOURCE_DIR) + "/scripts/tor-testnet client-torrc " + netdir);
      f << "DataDirectory " << (dir_ / "data").string() << "\n";
      f << "Log notice file " << (dir_ / "notice.log").string() << "\n";
      f << "SafeLogging 0\n";
      f << "__OwningControllerProcess " << ::getpid() << "\n";
      f << extra;
    }
    { std::ofstream(dir_ / "defaults"); }
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "w", stderr);
      const std::string defaults = (dir_ / "defaults").string();
      ::execlp("tor", "tor", "--defaults-torrc", defaults.c_str(), "-f", torrc.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~TestTor() {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  TestTor(const TestTor&) = delete;
  TestTor& operator=(const TestTor&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  std::string log() const {
    std::ifstream in(dir_ / "notice.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // The last `n` lines of tor's log, for a failure message.
  std::string log_tail(std::size_t n = 10) const {
    const std::string all = log();
    std::size_t at = all.size();
    for (std::size_t i = 0; i <= n && at > 0; ++i) at = all.rfind('\n', at - 1);
    return at == std::string::npos ? all : all.substr(at + 1);
  }

  // Waits until tor's log says `text`; false at the deadline.
  bool wait_log(const std::string& text, std::chrono::seconds within) const {
    const auto end = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < end) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The onion host of a HiddenServiceDir once tor wrote it ("" at the deadline).
  static std::string wait_hostname(const std::filesystem::path& hs_dir, std::chrono::seconds within) {
    const auto end = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < end) {
      std::ifstream in(hs_dir / "hostname");
      std::string host;
      if (in >> host && !host.empty()) return host;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace tumar::test
