#pragma once
// How the demo speaks: numbered steps with a headline, the commands it runs
// (as a member would type them) with their output, and the three views of
// every step. With --pace and a terminal on stdin it waits for Enter before
// each step, so a trainer can talk; otherwise (a log, a CI run) it goes
// straight through.

#include <cstdio>
#include <string>
#include <string_view>

#include "cli/demo/child.hpp"

namespace tumar::cli::demo {

class Narrator {
 public:
  Narrator(bool pace, int steps);

  bool pacing() const noexcept { return pace_; }
  void step(std::string_view headline);
  // A paragraph of explanation, indented.
  void say(std::string_view text);
  // "$ tumar <shown>" as `who` typed it, then its output, indented.
  void command(std::string_view who, std::string_view shown, const CommandResult& r);
  // The heading of one of a step's views ("On the wire", "On disk", ...).
  void view(std::string_view heading);
  void raw(std::string_view text);

 private:
  bool pace_;
  int steps_;
  int current_ = 0;
};

}  // namespace tumar::cli::demo
