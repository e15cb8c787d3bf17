#pragma once
// Runs a program to completion (or starts it in the background) and captures
// what a user would see: stdout, stderr and the exit code.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tumar::test {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text = "");

// A background process whose stdout/stderr go to files; killed on destruction.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_prefix);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // Waits until the process exits or the timeout passes; returns true if it exited.
  bool wait_exit(std::chrono::milliseconds timeout);
  // Waits until stdout contains `text`.
  bool wait_output(const std::string& text, std::chrono::milliseconds timeout);
  int exit_code() const { return exit_code_; }
  pid_t pid() const { return pid_; }
  std::string out() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool exited_ = false;
  std::string out_path_, err_path_;
};

}  // namespace tumar::test
