#pragma once
// What the parser's "A subcommand is required" means to a person: either a
// command was left out (`tumar msg`), or a word that is no command was typed
// (`tumar mesage`, `tumar msg sned`) and the nearest one is suggested.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace tumar::cli {

// Optimal string alignment distance (Levenshtein with adjacent swaps), on
// bytes: command names are ASCII.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if near enough to be a likely typo.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

// A sentence for a parse error about a missing or unknown command, or
// nothing when `app`'s last parse failed for another reason.
std::optional<std::string> command_error_sentence(CLI::App& app);

}  // namespace tumar::cli
