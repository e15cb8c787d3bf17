#include "net/tor/tor_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error_ids.hpp"

extern char** environ;

namespace tumar::net {

namespace {

constexpr std::chrono::milliseconds kPollInterval{50};

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr{};
  posix_spawn_file_actions_t actions{};
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

TorProcess::TorProcess(asio::io_context& io) : io_(io), poll_timer_(io), stop_timer_(io) {}

TorProcess::~TorProcess() { kill_now(); }

core::Result<void> TorProcess::spawn(const TorLaunch& launch, ExitHandler on_exit) {
  if (running()) core::misuse("TorProcess::spawn: tor is running");
  SpawnSetup s;
  // Its own process group: a Ctrl-C at the terminal reaches tumar, which
  // stops tor in order, and a signal to the group reaches tor's transport
  // plugins too. Signals tumar blocks or ignores are reset for tor.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const std::string& out = launch.log_file.empty() ? std::string("/dev/null") : launch.log_file;
  posix_spawn_file_actions_addopen(&s.actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
  posix_spawn_file_actions_adddup2(&s.actions, STDOUT_FILENO, STDERR_FILENO);

  std::vector<std::string> args = {launch.binary, "-f", launch.torrc};
  if (!launch.defaults_torrc.empty()) {
    args.insert(args.end(), {"--defaults-torrc", launch.defaults_torrc});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  const bool by_name = launch.binary.find('/') == std::string::npos;
  const int rc = by_name ? posix_spawnp(&pid, launch.binary.c_str(), &s.actions, &s.attr, argv.data(), environ)
                         : posix_spawn(&pid, launch.binary.c_str(), &s.actions, &s.attr, argv.data(), environ);
  if (rc != 0) {
    return core::fail<core::ErrorId::kTorSpawnFailed>(core::Errc::kStorage, launch.binary, std::strerror(rc));
  }
  pid_ = pid;
  on_exit_ = std::move(on_exit);
  poll();
  return {};
}

void TorProcess::poll() {
  poll_timer_.expires_after(kPollInterval);
  poll_timer_.async_wait([this](const error_code& ec) {
    if (ec || pid_ <= 0) return;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
      poll();
      return;
    }
    // Reaped (or, r < 0, no longer ours to wait for): the pid may be reused
    // from now on, so it is never signalled again.
    pid_ = -1;
    stop_timer_.cancel();
    ExitHandler handler = std::move(on_exit_);
    on_exit_ = nullptr;
    if (handler) handler(r < 0 ? -1 : status);
  });
}

void TorProcess::signal_group(int sig) noexcept {
  if (pid_ > 0) ::kill(-pid_, sig);
}

void TorProcess::stop(std::chrono::milliseconds term_after, std::chrono::milliseconds kill_after) {
  if (!running()) return;
  stop_timer_.expires_after(term_after);
  stop_timer_.async_wait([this, kill_after](const error_code& ec) {
    if (ec || !running()) return;
    signal_group(SIGTERM);
    stop_timer_.expires_after(kill_after);
    stop_timer_.async_wait([this](const error_code& ec2) {
      if (ec2 || !running()) return;
      signal_group(SIGKILL);
    });
  });
}

void TorProcess::kill_now() noexcept {
  if (pid_ <= 0) return;
  signal_group(SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  on_exit_ = nullptr;
  poll_timer_.cancel();
  stop_timer_.cancel();
}

}  // namespace tumar::net
