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
  std::function<core::Result<void>()> action;
};

// Each command file registers its subcommand(s).
void add_init_command(CLI::App& app, AppContext& ctx);
void add_whoami_command(CLI::App& app, AppContext& ctx);
void add_passphrase_command(CLI::App& app, AppContext& ctx);
void add_duress_command(CLI::App& app, AppContext& ctx);
void add_panic_command(CLI::App& app, AppContext& ctx);
void add_serve_command(CLI::App& app, AppContext& ctx);

}  // namespace tumar::cli
