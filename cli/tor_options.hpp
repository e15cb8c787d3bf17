#pragma once
// The options every command that starts tor shares (--torrc, --tor-binary),
// and what they come to: the text tumar appends to the torrc it writes
// (net/tor/tor_supervisor.hpp, TorSupervisorOptions::extra_torrc) and the
// tor program to run. The front end finds files and programs here; core/
// checks the lines (core/tor/torrc.hpp, check_extra_torrc).

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/store/database.hpp"

namespace tumar::cli {

// A torrc fragment is a few lines; a file bigger than this is not one.
inline constexpr std::size_t kMaxUserTorrcBytes = 64 * 1024;

struct TorOptions {
  std::string torrc_file;  // --torrc FILE; empty: $TUMAR_TORRC, else none
  std::string tor_binary;  // --tor-binary PATH; empty: tor on PATH
};

void add_tor_options(CLI::App& cmd, TorOptions& opts);

// The lines to append to tumar's torrc: the user's file (--torrc, else
// $TUMAR_TORRC when set and not empty), then for the bridges stored in the
// profile (core/node/tor_settings.hpp) `UseBridges 1`, a `Bridge LINE` each
// and one `ClientTransportPlugin NAME exec /absolute/path` per transport in
// use, the plugin found on PATH (unless the file already names a plugin for
// that transport). Empty when there is nothing to add. Checked whole with
// tor::check_extra_torrc, whose errors name the line. A missing, unreadable
// or oversized file, or a plugin not installed: Errc::kInvalidArgument with
// a sentence naming it.
[[nodiscard]] core::Result<std::string> user_torrc(const TorOptions& opts, store::Database& db);

// The tor to run, as an absolute path: --tor-binary (which must be an
// executable file), else `tor` on PATH; if neither, a sentence saying how
// to install it or to connect directly on a LAN.
[[nodiscard]] core::Result<std::string> resolve_tor_binary(const TorOptions& opts);

}  // namespace tumar::cli
