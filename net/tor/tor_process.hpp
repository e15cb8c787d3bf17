#pragma once
// The tor binary as tumar's child (docs/PROTOCOL.md, "The tor driver").
// Started with posix_spawn (never fork in a threaded process) in a process
// group of its own, with stdin on /dev/null and stdout and stderr appended
// to a log file in its data directory. Its exit is noticed by polling
// waitpid on its pid alone, so no SIGCHLD handler competes with other code
// that waits for its own children. Stopping escalates: SIGTERM, then
// SIGKILL after a grace time. The destructor kills and reaps a child still
// running: tumar never leaves a tor behind (tor's __OwningControllerProcess
// and TAKEOWNERSHIP cover tumar itself dying).

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

#include "core/error.hpp"
#include "net/asio.hpp"

namespace tumar::net {

struct TorLaunch {
  std::string binary = "tor";  // a path, or a name looked up on PATH
  std::string torrc;           // -f
  std::string defaults_torrc;  // --defaults-torrc: so /etc/tor/torrc-defaults is not read
  std::string log_file;        // stdout and stderr (0600, appended); empty: /dev/null
};

class TorProcess {
 public:
  // The wait status as waitpid gave it.
  using ExitHandler = std::function<void(int status)>;

  explicit TorProcess(asio::io_context& io);
  ~TorProcess();
  TorProcess(const TorProcess&) = delete;
  TorProcess& operator=(const TorProcess&) = delete;

  // Starts tor. kTorSpawnFailed{binary, reason} if it cannot be started.
  // `on_exit` runs on the io_context once the child is reaped. Misuse
  // while a child runs.
  [[nodiscard]] core::Result<void> spawn(const TorLaunch& launch, ExitHandler on_exit);

  bool running() const noexcept { return pid_ > 0; }
  pid_t pid() const noexcept { return pid_; }

  // SIGTERM after `term_after`, then SIGKILL `kill_after` later, unless tor
  // has exited by then (a tor told SIGNAL SHUTDOWN exits by itself).
  void stop(std::chrono::milliseconds term_after, std::chrono::milliseconds kill_after);
  // SIGKILL to the process group and a blocking reap; on_exit does not run.
  void kill_now() noexcept;

 private:
  void poll();
  void signal_group(int sig) noexcept;

  asio::io_context& io_;
  asio::steady_timer poll_timer_;
  asio::steady_timer stop_timer_;
  pid_t pid_ = -1;
  ExitHandler on_exit_;
};

}  // namespace tumar::net
