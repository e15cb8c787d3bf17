#pragma once
// What every command shares: the global options, and the one action the
// parser selected (run after parsing, so CLI11 callbacks stay trivial and
// every error flows through main's single exit-code mapping).

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"

namespace tumar::cli {

struct AppContext {
  std::optional<std::string> home;
  std::optional<std::string> passphrase_file;
  bool verbose = false;
  std::function<core::Result<void>()> action;
  // Set by a command that reported its own partial failure (sync: some
  // peers failed) and wants a non-zero exit without another message.
  std::optional<int> exit_code;
};

// Each command file registers its subcommand(s).
void add_init_command(CLI::App& app, AppContext& ctx);
void add_whoami_command(CLI::App& app, AppContext& ctx);
void add_passphrase_command(CLI::App& app, AppContext& ctx);
void add_duress_command(CLI::App& app, AppContext& ctx);
void add_panic_command(CLI::App& app, AppContext& ctx);
void add_serve_command(CLI::App& app, AppContext& ctx);
void add_peer_command(CLI::App& app, AppContext& ctx);
void add_sync_command(CLI::App& app, AppContext& ctx);
void add_invite_command(CLI::App& app, AppContext& ctx);
void add_join_command(CLI::App& app, AppContext& ctx);
void add_network_command(CLI::App& app, AppContext& ctx);
void add_members_command(CLI::App& app, AppContext& ctx);
void add_member_command(CLI::App& app, AppContext& ctx);
void add_msg_command(CLI::App& app, AppContext& ctx);
void add_profile_command(CLI::App& app, AppContext& ctx);
void add_note_command(CLI::App& app, AppContext& ctx);
void add_broadcast_command(CLI::App& app, AppContext& ctx);
void add_status_command(CLI::App& app, AppContext& ctx);
void add_tor_command(CLI::App& app, AppContext& ctx);

}  // namespace tumar::cli
