// `tumar tor`: the profile's Tor settings (core/node/tor_settings.hpp):
// bridges for where Tor is blocked, and whether tumar may use direct TCP on
// its own.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/error_text.hpp"
#include "cli/front_end_error.hpp"
#include "cli/json.hpp"
#include "cli/tor_options.hpp"
#include "cli/urgent_banner.hpp"
#include "core/node/tor_settings.hpp"
#include "core/tor/bridge_line.hpp"

namespace tumar::cli {
namespace {

constexpr const char* kBridgesExplained =
    "Tor is blocked in some countries (in Russia since December 2021). A bridge is a Tor relay that is not\n"
    "listed publicly, so it is harder to block; obfs4 and snowflake bridges also disguise the traffic.\n"
    "Get bridge lines from a colleague you trust, from https://bridges.torproject.org, or from the Tor\n"
    "Project's Telegram bot @GetBridgesBot, and paste them here. They are kept in your encrypted profile\n"
    "and used the next time tumar starts tor. obfs4 bridges need obfs4proxy (sudo apt install obfs4proxy),\n"
    "snowflake bridges need snowflake-client (sudo apt install snowflake-client).\n";

// Lines given on the command line. Quoted, each argument is one line; a
// line pasted without quotes arrives as several words, each without a
// blank, and is read as one line unless every word is a whole (plain)
// bridge line on its own.
core::Result<std::vector<tor::BridgeLine>> lines_from_arguments(const std::vector<std::string>& args) {
  std::vector<tor::BridgeLine> out;
  const bool quoted = std::any_of(args.begin(), args.end(),
                                  [](const std::string& a) { return a.find_first_of(" \t") != std::string::npos; });
  std::optional<core::Error> first_error;
  for (const std::string& a : args) {
    auto b = tor::parse_bridge_line(a);
    if (!b) {
      first_error = b.error();
      break;
    }
    out.push_back(std::move(*b));
  }
  if (!first_error) return out;
  if (quoted || args.size() == 1) return tl::unexpected(*first_error);
  std::string joined;
  for (const std::string& a : args) joined += (joined.empty() ? "" : " ") + a;
  TUMAR_TRY_ASSIGN(one, tor::parse_bridge_line(joined));
  return std::vector<tor::BridgeLine>{one};
}

core::Result<std::vector<tor::BridgeLine>> lines_from_file(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  std::error_code ec;
  if (f == nullptr || std::filesystem::is_directory(file, ec)) {
    if (f != nullptr) std::fclose(f);
    return cli::fail(core::Errc::kInvalidArgument, "Cannot read the file " + file + ": " +
                                                       (f == nullptr ? std::strerror(errno) : "it is a directory") +
                                                       ". Nothing was added.");
  }
  std::string text(kMaxUserTorrcBytes + 1, '\0');
  const std::size_t n = std::fread(text.data(), 1, text.size(), f);
  std::fclose(f);
  if (n > kMaxUserTorrcBytes) {
    return cli::fail(core::Errc::kInvalidArgument,
                     "The file " + file + " is larger than 64 KiB; a file of bridge lines is a few lines. Nothing was added.");
  }
  text.resize(n);
  std::vector<tor::BridgeLine> out;
  std::size_t number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = std::min(text.find('\n', at), text.size());
    const std::string_view line(text.data() + at, nl - at);
    at = nl + 1;
    ++number;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') continue;
    auto b = tor::parse_bridge_line(line);
    if (!b) {
      return cli::fail(b.error().code(), "Line " + std::to_string(number) + " of " + file + ": " +
                                             error_text(b.error()) + " Nothing was added.");
    }
    out.push_back(std::move(*b));
  }
  if (out.empty()) {
    return cli::fail(core::Errc::kInvalidArgument, "The file " + file + " holds no bridge lines. Nothing was added.");
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_bridges_add(CLI::App& bridges, AppContext& ctx) {
  struct Args {
    std::vector<std::string> lines;
    std::string file;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = bridges.add_subcommand("add", "Add bridge lines (all or none are added)");
  cmd->add_option("line", args->lines, "A bridge line, in quotes; several may follow")->type_name("LINE");
  cmd->add_option("--file", args->file, "Read bridge lines from FILE, one a line (# comments and blank lines skipped)")
      ->type_name("FILE");
  cmd->footer(std::string(kBridgesExplained) +
              "If any line is wrong, nothing is added and the error names it.\n"
              "Examples:\n"
              "  tumar tor bridges add \"obfs4 192.0.2.7:443 8F2A6C4E1B3D5F7A9C0E2B4D6F8A1C3E5B7D9F0A "
              "cert=ZmFrZWNlcnRmb3JleGFtcGxlb25seQ iat-mode=0\"\n"
              "  tumar tor bridges add --file bridges.txt");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      if (args->lines.empty() == args->file.empty()) {
        return cli::fail(core::Errc::kInvalidArgument,
                         "Give the bridge lines, in quotes, or --file FILE (one of the two). See `tumar tor bridges add "
                         "--help`.");
      }
      std::vector<tor::BridgeLine> lines;
      if (args->file.empty()) {
        TUMAR_TRY_ASSIGN(parsed, lines_from_arguments(args->lines));
        lines = std::move(parsed);
      } else {
        TUMAR_TRY_ASSIGN(parsed, lines_from_file(args->file));
        lines = std::move(parsed);
      }
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof);
      TUMAR_TRY_ASSIGN(outcome, node::add_bridges(prof.database(), lines));
      std::size_t added = 0;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (outcome[i] == node::BridgeAdded::kAdded) {
          ++added;
          std::printf("Added: %s\n", lines[i].line.c_str());
        } else {
          std::printf("Already in your list: %s\n", lines[i].line.c_str());
        }
      }
      if (added > 0) std::printf("tor uses the bridges the next time tumar starts it.\n");
      return {};
    };
  });
}

void add_bridges_list(CLI::App& bridges, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = bridges.add_subcommand("list", "Show your bridges, numbered");
  cmd->add_flag("--json", *json, "Print a JSON array instead of text");
  cmd->footer("Example:\n  tumar tor bridges list --json");
  cmd->callback([&ctx, json] {
    ctx.action = [&ctx, json]() -> core::Result<void> {
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof, *json);
      TUMAR_TRY_ASSIGN(lines, node::list_bridges(prof.database()));
      if (*json) {
        std::string out = "[";
        for (std::size_t i = 0; i < lines.size(); ++i) {
          TUMAR_TRY_ASSIGN(b, tor::parse_bridge_line(lines[i]));
          out += i ? "," : "";
          out += "{\"number\":" + std::to_string(i + 1);
          out += ",\"line\":" + json_string(b.line);
          out += ",\"transport\":" + (b.transport.empty() ? std::string("null") : json_string(b.transport));
          out += ",\"address\":" + json_string(b.address);
          out += ",\"fingerprint\":" + (b.fingerprint ? json_string(*b.fingerprint) : std::string("null")) + "}";
        }
        std::printf("%s]\n", out.c_str());
        return {};
      }
      if (lines.empty()) {
        std::printf("No bridges: tor connects directly to the Tor network.\n");
        return {};
      }
      for (std::size_t i = 0; i < lines.size(); ++i) std::printf("%zu. %s\n", i + 1, lines[i].c_str());
      return {};
    };
  });
}

void add_bridges_remove(CLI::App& bridges, AppContext& ctx) {
  auto which = std::make_shared<std::string>();
  auto* cmd = bridges.add_subcommand("remove", "Remove a bridge by its number or its line");
  cmd->add_option("bridge", *which, "The number `tumar tor bridges list` shows, or the whole line in quotes")
      ->type_name("N|LINE")
      ->required();
  cmd->footer("Example:\n  tumar tor bridges remove 2");
  cmd->callback([&ctx, which] {
    ctx.action = [&ctx, which]() -> core::Result<void> {
      std::optional<tor::BridgeLine> line;
      if (!all_digits(*which)) {
        TUMAR_TRY_ASSIGN(parsed, tor::parse_bridge_line(*which));
        line = std::move(parsed);
      }
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof);
      if (line) {
        TUMAR_TRY(node::remove_bridge(prof.database(), line->line));
        std::printf("Removed: %s\n", line->line.c_str());
      } else {
        TUMAR_TRY_ASSIGN(removed, node::remove_bridge(prof.database(), static_cast<std::size_t>(std::stoul(*which))));
        std::printf("Removed: %s\n", removed.c_str());
      }
      return {};
    };
  });
}

void add_direct_tcp(CLI::App& tor, AppContext& ctx) {
  struct Args {
    std::string value;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = tor.add_subcommand("direct-tcp", "Show or set whether tumar may connect without Tor on its own");
  cmd->add_option("setting", args->value, "on or off; without it, show the setting")
      ->type_name("on|off")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_flag("--json", args->json, "Print the setting as JSON");
  cmd->footer(
      "Off (the default): tumar never connects to anyone except through Tor, unless you give an address to one\n"
      "command yourself (serve --listen HOST:PORT, sync HOST:PORT, an invite made with --address), which is\n"
      "a direct connection for that command only. On: tumar may also use direct TCP connections on its own,\n"
      "which show your IP address to the people you connect to and to anyone watching the network.\n"
      "Examples:\n  tumar tor direct-tcp\n  tumar tor direct-tcp off");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof, args->json);
      if (!args->value.empty()) TUMAR_TRY(node::set_direct_tcp(prof.database(), args->value == "on"));
      TUMAR_TRY_ASSIGN(allowed, node::direct_tcp_allowed(prof.database()));
      if (args->json) {
        std::printf("{\"direct_tcp\":%s}\n", allowed ? "true" : "false");
      } else if (allowed) {
        std::printf("Direct TCP: on. tumar may connect without Tor on its own, which shows your IP address.\n");
      } else {
        std::printf(
            "Direct TCP: off. tumar connects to others only through Tor, unless you give an address to one command "
            "yourself.\n");
      }
      return {};
    };
  });
}

}  // namespace

void add_tor_command(CLI::App& app, AppContext& ctx) {
  auto* tor = app.add_subcommand("tor", "Tor settings: bridges where Tor is blocked, and direct TCP");
  tor->require_subcommand(1);
  tor->footer("Examples:\n  tumar tor bridges add \"obfs4 192.0.2.7:443 FINGERPRINT cert=... iat-mode=0\"\n"
              "  tumar tor bridges list\n  tumar tor direct-tcp");
  auto* bridges = tor->add_subcommand("bridges", "Bridges, for where Tor is blocked");
  bridges->require_subcommand(1);
  bridges->footer(std::string(kBridgesExplained) +
                  "Examples:\n  tumar tor bridges add --file bridges.txt\n  tumar tor bridges list\n"
                  "  tumar tor bridges remove 1");
  add_bridges_add(*bridges, ctx);
  add_bridges_list(*bridges, ctx);
  add_bridges_remove(*bridges, ctx);
  add_direct_tcp(*tor, ctx);
}

}  // namespace tumar::cli
