#include "cli/demo/scratch.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/demo/child.hpp"

namespace tumar::cli::demo {
namespace {

std::atomic<bool> interrupting{false};

sigset_t interrupts() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGHUP);
  return s;
}

// Stops the nodes first (a node holds its database open), then deletes.
[[noreturn]] void clean_up_and_exit(const std::filesystem::path& dir, int sig) {
  interrupting.store(true);
  std::fprintf(stderr, "\nInterrupted: stopping the demo's nodes and deleting %s.\n", dir.c_str());
  const auto pids = close_registry();
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  // Up to 3 s for the nodes to say goodbye; waitpid fails (ECHILD) for a
  // child the main thread reaped meanwhile, which counts as gone.
  for (int i = 0; i < 150; ++i) {
    bool waiting = false;
    for (pid_t pid : pids) waiting |= ::waitpid(pid, nullptr, WNOHANG) == 0;
    if (!waiting) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // SIGKILL cannot be caught, so waiting for it is quick; waiting at all
  // matters, or the directory could be deleted under a node still dying.
  for (pid_t pid : pids) {
    if (::waitpid(pid, nullptr, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      (void)::waitpid(pid, nullptr, 0);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::fflush(stdout);
  ::_exit(128 + sig);
}

}  // namespace

std::optional<Scratch> Scratch::create(std::string& error) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/tumar-demo-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "Could not create a temporary directory under " + pattern.substr(0, pattern.rfind('/')) +
            "; set TMPDIR to a writable directory and try again.";
    return std::nullopt;
  }
  const sigset_t set = interrupts();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::filesystem::path dir(pattern);
  std::thread([dir, set] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0) clean_up_and_exit(dir, sig);
  }).detach();
  return Scratch(dir);
}

bool interrupt_in_progress() noexcept { return interrupting.load(); }

void await_interrupt_exit() {
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // clean_up_and_exit() calls _exit
}

Scratch::~Scratch() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace tumar::cli::demo
