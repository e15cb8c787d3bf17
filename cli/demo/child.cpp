#include "cli/demo/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <thread>

extern char** environ;

namespace tumar::cli::demo {
namespace {

std::mutex registry_mu;
std::vector<pid_t> registry;
bool registry_closed = false;  // set once the interrupt handler took its list

void forget(pid_t pid) {
  std::lock_guard lock(registry_mu);
  registry.erase(std::remove(registry.begin(), registry.end(), pid), registry.end());
}

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// posix_spawn with the given descriptors as stdin, stdout, stderr; -1 on failure.
pid_t spawn(const std::vector<std::string>& argv, int in, int out, int err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = 0;
  {
    // Spawning and recording happen under one lock, and nothing is spawned
    // once the interrupt handler has taken its list of children: else a
    // node started while Ctrl-C is handled would outlive the demo, holding
    // a profile in a directory that is being deleted.
    std::lock_guard lock(registry_mu);
    rc = registry_closed ? ECANCELED : posix_spawn(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
    if (rc == 0) registry.push_back(pid);
  }
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return -1;
  return pid;
}

struct Pipe {
  int r = -1, w = -1;
  bool open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
  void close_all() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
    r = w = -1;
  }
};

}  // namespace

std::vector<pid_t> live_children() {
  std::lock_guard lock(registry_mu);
  return registry;
}

std::vector<pid_t> close_registry() {
  std::lock_guard lock(registry_mu);
  registry_closed = true;
  return registry;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text) {
  CommandResult result;
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    in.close_all(), out.close_all(), err.close_all();
    result.err = "could not create a pipe";
    return result;
  }
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = spawn(argv, in.r, out.w, err.w);
  ::close(in.r), ::close(out.w), ::close(err.w);
  if (pid < 0) {
    ::close(in.w), ::close(out.r), ::close(err.r);
    result.err = "could not start " + argv[0];
    return result;
  }
  // Our inputs are a few lines: they fit in the pipe, so writing first cannot
  // dead-lock against a child that writes before it reads.
  std::size_t off = 0;
  while (off < stdin_text.size()) {
    const ssize_t n = ::write(in.w, stdin_text.data() + off, stdin_text.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(in.w);
  pollfd fds[2] = {{out.r, POLLIN, 0}, {err.r, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[8192];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  forget(pid);
  result.took = std::chrono::steady_clock::now() - started;
  result.exit_code = decode_status(status);
  return result;
}

BackgroundNode::~BackgroundNode() { stop(); }

bool BackgroundNode::start(const std::vector<std::string>& argv, const std::filesystem::path& log,
                           std::chrono::milliseconds timeout, std::string& error) {
  Pipe out;
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (null_in < 0 || log_fd < 0 || !out.open()) {
    if (null_in >= 0) ::close(null_in);
    if (log_fd >= 0) ::close(log_fd);
    out.close_all();
    error = "could not prepare the node's output";
    return false;
  }
  pid_ = spawn(argv, null_in, out.w, log_fd);
  ::close(null_in), ::close(log_fd), ::close(out.w);
  out_fd_ = out.r;
  if (pid_ < 0) {
    error = "could not start " + argv[0];
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string seen;
  const std::string marker = "listening on 127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count()))) <= 0) continue;
    char buf[1024];
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;  // the node exited
    seen.append(buf, static_cast<std::size_t>(n));
    const auto at = seen.find(marker);
    if (at == std::string::npos) continue;
    const auto digits = seen.find_first_not_of("0123456789", at + marker.size());
    if (digits == std::string::npos) continue;  // the rest of the port is still on its way
    port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(at + marker.size(), digits - at - marker.size())));
    return true;
  }
  error = "the node did not start (its log: " + log.string() + ")";
  stop();
  return false;
}

bool BackgroundNode::running() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = decode_status(status);
    forget(pid_);
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> BackgroundNode::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

void BackgroundNode::stop() {
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::seconds(3))) {
      ::kill(pid_, SIGKILL);
      (void)wait_exit(std::chrono::seconds(1));
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
}

}  // namespace tumar::cli::demo
