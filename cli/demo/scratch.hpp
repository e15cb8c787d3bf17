#pragma once
// The demo's throwaway directory, and the guarantee that it goes away: at
// the end of the demo, on an error, and on Ctrl-C, SIGTERM or a closed
// terminal (SIGHUP). Signals are taken by one thread that sigwait()s for
// them, so cleaning up is ordinary code rather than a signal handler's.

#include <filesystem>
#include <optional>
#include <string>

namespace tumar::cli::demo {

class Scratch {
 public:
  // mkdtemp under $TMPDIR (else /tmp), mode 0700. Blocks SIGINT, SIGTERM and
  // SIGHUP in the calling thread and so in every thread it starts later;
  // call it before starting any thread.
  static std::optional<Scratch> create(std::string& error);
  ~Scratch();  // removes the directory (the interrupt thread may do it first)
  Scratch(Scratch&& other) noexcept : dir_(std::move(other.dir_)) { other.dir_.clear(); }
  Scratch& operator=(Scratch&&) = delete;

  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  explicit Scratch(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// Whether Ctrl-C (or SIGTERM, SIGHUP) has started the clean-up. From then
// on the demo's own steps fail as their nodes and files vanish; the exit
// code must be the interrupt's, 128 + the signal, not those failures'.
bool interrupt_in_progress() noexcept;
// Waits for the interrupt thread to finish and end the process; never returns.
[[noreturn]] void await_interrupt_exit();

}  // namespace tumar::cli::demo
