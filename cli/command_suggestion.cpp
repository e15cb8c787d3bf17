#include "cli/command_suggestion.hpp"

#include <algorithm>

namespace tumar::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates) {
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  // Half the word's length, at least 2: "mesage" (3 from "msg") is a typo,
  // "frobnicate" is not a word for anything.
  const std::size_t limit = std::max<std::size_t>(2, (lower.size() + 1) / 2);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    // A started word ("bro" for "broadcast") counts as near.
    const std::size_t dist = c.starts_with(lower) && lower.size() >= 2 ? 1 : edit_distance(lower, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  return best;
}

namespace {

// The command line as the person typed it up to `app`: "tumar msg".
std::string command_path(const CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::App* a = app; a->get_parent() != nullptr; a = a->get_parent()) names.push_back(a->get_name());
  std::string out = "tumar";
  for (auto it = names.rbegin(); it != names.rend(); ++it) out += " " + *it;
  return out;
}

std::string join_or(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace

std::optional<std::string> command_error_sentence(CLI::App& app) {
  CLI::App* cur = &app;
  for (auto chosen = cur->get_subcommands(); !chosen.empty(); chosen = cur->get_subcommands()) cur = chosen.front();
  if (cur->get_require_subcommand_min() == 0) return std::nullopt;

  std::vector<std::string> names;
  for (const CLI::App* sub : cur->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
    names.push_back(sub->get_name());
  }
  // A word left unmatched (it lands on the top level when options fall
  // through) is what was typed where a command belongs.
  std::optional<std::string> typed;
  for (const CLI::App* a = cur; a != nullptr && !typed; a = a->get_parent()) {
    for (const auto& word : a->remaining()) {
      if (!word.empty() && word[0] != '-') {
        typed = word;
        break;
      }
    }
  }
  const std::string path = command_path(cur);
  const std::string prefix = path == "tumar" ? "" : path.substr(6) + " ";  // "msg "
  if (!typed) {
    if (cur == &app) return "Give a command, for example `tumar whoami`; `tumar --help` lists them all.";
    return "`" + path + "` needs one of: " + join_or(names) + ". `" + path + " --help` explains them.";
  }
  std::string sentence = "Unknown command '" + prefix + *typed + "'.";
  if (auto near = nearest_word(*typed, names)) sentence += " Did you mean '" + prefix + *near + "'?";
  sentence += " `" + path + " --help` lists the commands.";
  return sentence;
}

}  // namespace tumar::cli
