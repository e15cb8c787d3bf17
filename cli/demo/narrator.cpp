#include "cli/demo/narrator.hpp"

#include <unistd.h>

#include <iostream>

namespace tumar::cli::demo {
namespace {

std::string indented(std::string_view text, std::string_view indent) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.append(indent).append(text.substr(start, end - start)).append("\n");
    start = end + 1;
  }
  return out;
}

}  // namespace

Narrator::Narrator(bool pace, int steps) : pace_(pace && isatty(STDIN_FILENO) != 0), steps_(steps) {}

void Narrator::step(std::string_view headline) {
  if (pace_ && current_ > 0) {
    std::printf("\n[Press Enter for the next step]");
    std::fflush(stdout);
    std::string ignored;
    std::getline(std::cin, ignored);
  }
  ++current_;
  std::string title = "Step " + std::to_string(current_) + " of " + std::to_string(steps_) + ": ";
  title.append(headline);
  std::printf("\n%s\n%s\n", title.c_str(), std::string(title.size(), '=').c_str());
  std::fflush(stdout);
}

void Narrator::say(std::string_view text) { raw(indented(text, "  ")); }

void Narrator::command(std::string_view who, std::string_view shown, const CommandResult& r) {
  std::string out = "\n  " + std::string(who) + "$ tumar " + std::string(shown) + "\n";
  out += indented(r.out, "    ");
  out += indented(r.err, "    ");
  if (r.exit_code != 0) out += "    (exit code " + std::to_string(r.exit_code) + ")\n";
  raw(out);
}

void Narrator::view(std::string_view heading) { raw("\n  " + std::string(heading) + "\n"); }

void Narrator::raw(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace tumar::cli::demo
