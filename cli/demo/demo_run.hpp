#pragma once
// One run of `tumar demo`: the throwaway directory, the three people, their
// nodes, the eavesdropper between the members and the lead's node, and the
// helpers each step uses to act and to show its three views. The script of
// steps itself is cli/commands/demo.cpp.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/demo/child.hpp"
#include "cli/demo/narrator.hpp"
#include "cli/demo/scratch.hpp"
#include "net/wire_tap.hpp"

namespace tumar::cli::demo {

struct Person {
  std::string name;     // first name, as the narration says it
  std::string display;  // the display name others see
  std::filesystem::path home;
  BackgroundNode node;
};

// A step that could not be done: the sentence for the user, and the exit
// code (that of the tumar command that failed, where there was one).
struct StepFailed {
  std::string message;
  int exit_code;
};

// Plaintext a step wrote, with how the narration names it (the views say
// "the note's title: not found" without repeating the text itself).
using Needles = std::vector<std::pair<std::string, std::string>>;

class DemoRun {
 public:
  DemoRun(Scratch scratch, std::filesystem::path exe, bool pace, int steps);
  ~DemoRun();  // stops every node before the scratch directory goes

  Narrator& narrator() noexcept { return narrator_; }
  const std::filesystem::path& dir() const noexcept { return scratch_.dir(); }
  Person& add_person(std::string name, std::string display);

  // Runs `tumar --home P --passphrase-file F args...` as `p`; shows it
  // unless quiet. A non-zero exit throws StepFailed unless `may_fail`.
  CommandResult run(Person& p, const std::vector<std::string>& args, bool quiet = false, bool may_fail = false,
                    const std::string& stdin_text = "");
  // Runs `args` as `p` until its output contains `text` (every 300 ms, up
  // to `seconds`): what arrives at a node within seconds, without a sync.
  CommandResult wait_for(Person& p, const std::vector<std::string>& args, const std::string& text, int seconds);
  // `tumar serve --listen 127.0.0.1:0` for `p`.
  void start_node(Person& p);
  // Puts the eavesdropper in front of `p`'s node; returns its port.
  std::uint16_t tap(Person& p);

  // The three views of a step.
  void show_wire(const std::string& link, const Needles& needles);
  void show_disk(Person& p, const Needles& needles);
  void show_recipient(Person& p, const std::vector<std::string>& args, const std::string& explanation);

 private:
  std::vector<std::string> argv_for(const Person& p, const std::vector<std::string>& args) const;

  Scratch scratch_;
  std::filesystem::path exe_;
  std::filesystem::path passphrase_file_;
  Narrator narrator_;
  std::vector<std::unique_ptr<Person>> people_;
  std::unique_ptr<net::WireTap> tap_;
};

// A command line as a person would type it (words with spaces in quotes).
std::string shown_args(const std::vector<std::string>& args);

}  // namespace tumar::cli::demo
