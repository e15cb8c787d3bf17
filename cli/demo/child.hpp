#pragma once
// The demo runs tumar itself (/proc/self/exe) for every step, so what a
// workshop sees is exactly what its members will type. Commands run to
// completion with their output captured; nodes (`tumar serve`) run in the
// background until stopped.
//
// Every child starts with SIGINT and SIGTERM at their defaults and unblocked
// (the demo blocks them in its own threads to clean up on one thread), and
// every live child's pid is registered so an interrupted demo stops them.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tumar::cli::demo {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal, or could not start
  std::string out;
  std::string err;
  std::chrono::steady_clock::duration took{};
};

// Runs argv (argv[0] is a path) with `stdin_text` on its standard input.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = "");

// The pids of children still running, for the interrupt handler.
std::vector<pid_t> live_children();
// The same, and from now on nothing more is spawned (for the interrupt
// handler, which must stop every child the demo ever started).
std::vector<pid_t> close_registry();

// A `tumar serve` in the background: stdout is read until it says where it
// listens; stderr goes to `log`.
class BackgroundNode {
 public:
  BackgroundNode() = default;
  ~BackgroundNode();  // stop()
  BackgroundNode(const BackgroundNode&) = delete;
  BackgroundNode& operator=(const BackgroundNode&) = delete;

  // Starts argv and waits (up to `timeout`) for "listening on 127.0.0.1:PORT".
  // On failure returns false and `error` says what happened.
  bool start(const std::vector<std::string>& argv, const std::filesystem::path& log,
             std::chrono::milliseconds timeout, std::string& error);
  std::uint16_t port() const noexcept { return port_; }
  // Whether the node is still running (reaps it if it has exited).
  bool running();
  // Waits up to `timeout` for the node to exit by itself; its exit code, or nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // SIGTERM (the node says goodbye to its peers), then SIGKILL after 3 s.
  void stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int exit_code_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace tumar::cli::demo
