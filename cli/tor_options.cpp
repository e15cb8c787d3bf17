#include "cli/tor_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/node/tor_settings.hpp"
#include "core/tor/bridge_line.hpp"
#include "core/tor/torrc.hpp"

namespace tumar::cli {
namespace {
namespace fs = std::filesystem;

struct Plugin {
  std::string_view transport;
  std::string_view program;  // Debian's package has the same name
};
// Debian 12's client plugins for the transports core/tor/bridge_line.hpp accepts.
constexpr Plugin kPlugins[] = {{"obfs4", "obfs4proxy"}, {"snowflake", "snowflake-client"}};

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// `name` in a directory of $PATH, as an absolute path. Empty entries (the
// current directory, by an old convention) are skipped: tumar does not run
// a program because it happens to sit where the user stands.
std::optional<fs::path> find_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (true) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    const std::string_view dir = rest.substr(0, colon);
    if (!dir.empty()) {
      std::error_code ec;
      fs::path candidate = fs::absolute(fs::path(dir) / name, ec);
      if (!ec && is_executable_file(candidate)) return candidate.lexically_normal();
    }
    if (colon == rest.size()) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// tor splits a ClientTransportPlugin line at blanks and reads '#' as a
// comment: a plugin path holding one would not be the program found.
bool is_torrc_safe_path(const std::string& p) {
  return std::none_of(p.begin(), p.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '#' || c == '"' || c == '\\' || c == ',';
  });
}

core::Result<std::string> read_torrc_file(const std::string& file, std::string_view from) {
  const std::string named = "The torrc file " + file + " (" + std::string(from) + ")";
  std::error_code ec;
  if (!fs::exists(file, ec)) return cli::fail(core::Errc::kInvalidArgument, named + " does not exist.");
  if (fs::is_directory(file, ec)) {
    return cli::fail(core::Errc::kInvalidArgument, named + " is a directory; give a file of torrc lines.");
  }
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) {
    return cli::fail(core::Errc::kInvalidArgument, named + " cannot be read: " + std::strerror(errno) + ".");
  }
  std::string text(kMaxUserTorrcBytes + 1, '\0');
  const std::size_t n = std::fread(text.data(), 1, text.size(), f);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return cli::fail(core::Errc::kInvalidArgument, named + " cannot be read.");
  if (n > kMaxUserTorrcBytes) {
    return cli::fail(core::Errc::kInvalidArgument,
                     named + " is larger than 64 KiB; it should hold only a few torrc lines (bridges, DirAuthority).");
  }
  text.resize(n);
  return text;
}

// The transports a ClientTransportPlugin line of the user's own names
// ("ClientTransportPlugin obfs4,meek exec /path").
std::set<std::string> transports_with_plugins(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  constexpr std::string_view kKey = "clienttransportplugin";
  for (const std::string& line : lines) {
    const std::size_t blank = std::min(line.find_first_of(" \t"), line.size());
    std::string key = line.substr(0, blank);
    std::transform(key.begin(), key.end(), key.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (key != kKey) continue;
    const std::size_t start = line.find_first_not_of(" \t", blank);
    if (start == std::string::npos) continue;
    const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
    std::string_view names(line.data() + start, end - start);
    while (!names.empty()) {
      const std::size_t comma = std::min(names.find(','), names.size());
      out.emplace(names.substr(0, comma));
      names.remove_prefix(std::min(comma + 1, names.size()));
    }
  }
  return out;
}

}  // namespace

void add_tor_options(CLI::App& cmd, TorOptions& opts) {
  cmd.add_option("--torrc", opts.torrc_file,
                 "Append FILE's lines to the torrc tumar writes: bridges, or a test network's DirAuthority lines; "
                 "default $TUMAR_TORRC")
      ->type_name("FILE");
  cmd.add_option("--tor-binary", opts.tor_binary, "The tor to run (default: tor on PATH)")->type_name("PATH");
}

core::Result<std::string> user_torrc(const TorOptions& opts, store::Database& db) {
  std::string text;
  if (!opts.torrc_file.empty()) {
    TUMAR_TRY_ASSIGN(file, read_torrc_file(opts.torrc_file, "--torrc"));
    text = std::move(file);
  } else if (const char* env = std::getenv("TUMAR_TORRC"); env != nullptr && *env != '\0') {
    TUMAR_TRY_ASSIGN(file, read_torrc_file(env, "TUMAR_TORRC"));
    text = std::move(file);
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  // The file's own lines first, so that an error in them names the line
  // as the file numbers it.
  TUMAR_TRY_ASSIGN(file_lines, tor::check_extra_torrc(text));
  const std::set<std::string> configured = transports_with_plugins(file_lines);

  TUMAR_TRY_ASSIGN(bridges, node::list_bridges(db));
  if (!bridges.empty()) {
    std::set<std::string> in_use;
    text += "UseBridges 1\n";
    for (const std::string& line : bridges) {
      TUMAR_TRY_ASSIGN(bridge, tor::parse_bridge_line(line));
      if (!bridge.transport.empty()) in_use.insert(bridge.transport);
      text += "Bridge " + bridge.line + "\n";
    }
    for (const Plugin& plugin : kPlugins) {
      const std::string transport(plugin.transport);
      if (!in_use.contains(transport) || configured.contains(transport)) continue;
      const auto program = find_on_path(plugin.program);
      const std::string program_name(plugin.program);
      if (!program) {
        return cli::fail(core::Errc::kInvalidArgument, transport + " bridges need " + program_name +
                                                           ": sudo apt install " + program_name +
                                                           " (or remove those bridges: tumar tor bridges list).");
      }
      if (!is_torrc_safe_path(program->string())) {
        return cli::fail(core::Errc::kInvalidArgument,
                         program_name + " was found at " + program->string() +
                             ", but tor cannot run a program whose path holds a space, '#', a quote, a comma or a "
                             "backslash; install it where its path has none (sudo apt install " +
                             program_name + ").");
      }
      text += "ClientTransportPlugin " + transport + " exec " + program->string() + "\n";
    }
  }
  TUMAR_TRY(tor::check_extra_torrc(text));
  return text;
}

core::Result<std::string> resolve_tor_binary(const TorOptions& opts) {
  if (!opts.tor_binary.empty()) {
    std::error_code ec;
    const fs::path p = fs::absolute(opts.tor_binary, ec);
    if (ec || !fs::exists(p, ec)) {
      return cli::fail(core::Errc::kInvalidArgument, "--tor-binary " + opts.tor_binary + " does not exist.");
    }
    if (!is_executable_file(p)) {
      return cli::fail(core::Errc::kInvalidArgument,
                       "--tor-binary " + opts.tor_binary + " is not an executable file; give the path of tor itself.");
    }
    return p.lexically_normal().string();
  }
  if (auto found = find_on_path("tor")) return found->string();
  return cli::fail(core::Errc::kInvalidArgument,
                   "tumar uses Tor by default and needs it installed: sudo apt install tor; or use "
                   "`--listen HOST:PORT` for a direct connection on a LAN.");
}

}  // namespace tumar::cli
