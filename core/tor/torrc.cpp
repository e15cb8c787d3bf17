#include "core/tor/torrc.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error_ids.hpp"
#include "core/tor/control_commands.hpp"
#include "core/tor/control_tokens.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;

namespace {

constexpr std::size_t kMaxOptionShown = 64;

// Options tumar sets or that would open a listener, move tor's state out of
// the profile, weaken the control connection or detach tor from tumar.
// Compared without case, and also against any prefix of them: tor reads an
// unknown name that is a prefix of an option as that option (confmgt.c,
// "The abbreviation '%s' is deprecated").
constexpr std::string_view kReserved[] = {
    "DataDirectory", "CacheDirectory", "KeyDirectory",
    "ControlPort", "ControlSocket", "ControlSocketsGroupWritable", "ControlPortWriteToFile",
    "ControlPortFileGroupReadable", "CookieAuthentication", "CookieAuthFile", "CookieAuthFileGroupReadable",
    "HashedControlPassword", "SocksPort", "SocksListenAddress", "SocksBindAddress", "SocksPolicy",
    "UnixSocksGroupWritable", "SocksSocketsGroupWritable", "ORPort", "ORListenAddress", "ORBindAddress",
    "DirPort", "DirListenAddress", "DirBindAddress", "ExtORPort", "ExtORPortCookieAuthFile",
    "TransPort", "TransListenAddress", "NATDPort", "NATDListenAddress", "DNSPort", "DNSListenAddress",
    "HTTPTunnelPort", "MetricsPort", "ServerTransportPlugin", "ServerTransportListenAddr",
    "ClientOnionAuthDir", "RunAsDaemon", "PidFile", "User", "SafeLogging", "Log",
    "SyslogIdentityTag",
};
// Whole families refused by their start: every HiddenService* option
// (tumar publishes with ADD_ONION only), and tor's hidden "__" options.
constexpr std::string_view kReservedPrefixes[] = {"HiddenService", "__"};

bool iequals_prefix(std::string_view name, std::string_view prefix) noexcept {
  if (prefix.size() > name.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool is_reserved(std::string_view key) noexcept {
  if (key.starts_with('%')) return true;  // %include and any later directive
  // A family's member, or an abbreviation tor could read as one ("hiddense"
  // is HiddenServiceDir to tor's prefix match: found by torrc_fuzz).
  for (std::string_view p : kReservedPrefixes) {
    if (iequals_prefix(key, p) || iequals_prefix(p, key)) return true;
  }
  // `key` is reserved when it is a reserved name or a prefix of one.
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view r) { return iequals_prefix(r, key); });
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

// A path tor's parser and tumar's control commands read as written.
bool is_safe_path(std::string_view path) noexcept {
  if (path.empty() || path.front() != '/' || path.size() > 4096) return false;
  return std::none_of(path.begin(), path.end(), [](char c) {
    return c <= ' ' || c > '~' || c == '"' || c == '\\' || c == ',' || c == '#';
  });
}

core::Result<void> check_path(std::string_view path, std::string_view argument, std::size_t max_len = 4096) {
  if (!is_safe_path(path) || path.size() > max_len) {
    return core::fail<ErrorId::kTorTorrcPathUnsafe>(Errc::kInvalidArgument, argument);
  }
  return {};
}

}  // namespace

core::Result<std::vector<std::string>> check_extra_torrc(std::string_view text) {
  std::vector<std::string> out;
  std::size_t number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, nl - at);
    at = nl + 1;
    ++number;
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) {
        return core::fail<ErrorId::kTorTorrcLineUnsafe>(Errc::kInvalidArgument, number);
      }
    }
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.back() == '\\') return core::fail<ErrorId::kTorTorrcLineUnsafe>(Errc::kInvalidArgument, number);
    std::string_view key = line.substr(0, std::min(line.find_first_of(" \t"), line.size()));
    // "+Option" appends to and "/Option" clears tumar's value: the same option.
    std::string_view name = key;
    if (name.starts_with('+') || name.starts_with('/')) name.remove_prefix(1);
    if (name.empty() || is_reserved(name)) {
      return core::fail<ErrorId::kTorTorrcOptionReserved>(Errc::kInvalidArgument, number,
                                                          printable(key, kMaxOptionShown));
    }
    out.emplace_back(line);
  }
  return out;
}

core::Result<std::string> write_torrc(const TorrcOptions& o) {
  TUMAR_TRY(check_path(o.data_directory, "data_directory"));
  TUMAR_TRY(check_path(o.control_socket, "control_socket", kMaxUnixPathLen));
  TUMAR_TRY(check_path(o.socks_socket, "socks_socket", kMaxUnixPathLen));
  TUMAR_TRY(check_path(o.cookie_file, "cookie_file"));
  if (o.client_onion_auth_dir) TUMAR_TRY(check_path(*o.client_onion_auth_dir, "client_onion_auth_dir"));
  if (o.owning_pid == 0) core::misuse("write_torrc: no owning pid");

  std::string joined;
  for (const std::string& line : o.extra_lines) joined += line + "\n";
  TUMAR_TRY_ASSIGN(extra, check_extra_torrc(joined));

  std::string t;
  t += "# Written by tumar each time it starts tor; changes here are lost.\n";
  t += "DataDirectory " + o.data_directory + "\n";
  // The control connection: a Unix socket in the 0700 data directory, and
  // SAFECOOKIE's cookie, readable by this user only.
  t += "ControlPort 0\n";
  t += "ControlSocket " + o.control_socket + "\n";
  t += "ControlSocketsGroupWritable 0\n";
  t += "CookieAuthentication 1\n";
  t += "CookieAuthFile " + o.cookie_file + "\n";
  t += "CookieAuthFileGroupReadable 0\n";
  // Dialling: SOCKS on a Unix socket only, with tor's extended onion errors
  // (proposal 304), so no TCP port is open at all.
  t += "SocksPort unix:" + o.socks_socket + " ExtendedErrors\n";
  t += "UnixSocksGroupWritable 0\n";
  // tor exits when tumar does, even if tumar is killed before it took
  // ownership over the control connection.
  t += "__OwningControllerProcess " + std::to_string(o.owning_pid) + "\n";
  t += "RunAsDaemon 0\n";
  t += "SafeLogging 1\n";
  if (o.client_onion_auth_dir) t += "ClientOnionAuthDir " + *o.client_onion_auth_dir + "\n";
  if (!extra.empty()) {
    t += "# Lines added by the user (--torrc, TUMAR_TORRC, bridges)\n";
    for (const std::string& line : extra) t += line + "\n";
  }
  return t;
}

}  // namespace tumar::tor
