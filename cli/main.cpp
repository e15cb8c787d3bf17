// tumar's command line. Parses, runs the one selected command, and maps its
// error to a documented exit code (cli/exit_codes.hpp) with a sentence on
// stderr.

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/app_context.hpp"
#include "cli/command_suggestion.hpp"
#include "cli/error_advice.hpp"
#include "cli/error_text.hpp"
#include "cli/exit_codes.hpp"
#include "core/log/log.hpp"

namespace tumar::cli {
void add_demo_command(CLI::App& app, AppContext& ctx);  // cli/commands/demo.cpp
}  // namespace tumar::cli

namespace {

// A core dump of a process holding keys would put them on disk in the clear;
// keys also live in MADV_DONTDUMP memory, but the page cache and heap do not.
void forbid_core_dumps() {
  rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  forbid_core_dumps();
  // Every file tumar creates (database, WAL, shm, key file) is the owner's
  // alone; the profile directory is 0700 as well.
  umask(077);
  using namespace tumar::cli;

  CLI::App app{
      "tumar: secure peer-to-peer messaging and sync for networks of resource centres, shelters and crisis lines.\n"
      "Everything it keeps is encrypted on disk; `tumar panic` destroys it in an instant."};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.set_version_flag("--version", std::string("tumar ") + TUMAR_VERSION, "Show tumar's version and exit");
  AppContext ctx;
  app.add_option("--home", ctx.home, "Profile directory (default: $TUMAR_HOME, else ~/.local/share/tumar)")
      ->type_name("DIR");
  app.add_option("--passphrase-file", ctx.passphrase_file,
                 "Read the passphrase from the first line of FILE instead of asking (for scripts)")
      ->type_name("FILE")
      ->envname("TUMAR_PASSPHRASE_FILE");
  app.add_flag("-v,--verbose", ctx.verbose,
               "Explain on stderr what the node does: connections, handshakes, why a peer was turned away");
  app.require_subcommand(1);
  app.fallthrough();  // global options may come after the command too: `tumar serve -v`
  app.footer(
      "Exit codes: 0 ok, 1 usage, 2 passphrase or authentication, 3 network unreachable,\n"
      "            4 input refused, 5 storage (damaged, tampered with, wiped).\n"
      "Run `tumar COMMAND --help` for a command's options and an example.");

  // Grouped, and so listed by `tumar --help`: profile, networks, transport, safety.
  add_init_command(app, ctx);
  add_whoami_command(app, ctx);
  add_network_command(app, ctx);
  add_invite_command(app, ctx);
  add_join_command(app, ctx);
  add_members_command(app, ctx);
  add_member_command(app, ctx);
  add_profile_command(app, ctx);
  add_note_command(app, ctx);
  add_broadcast_command(app, ctx);
  add_msg_command(app, ctx);
  add_serve_command(app, ctx);
  add_peer_command(app, ctx);
  add_sync_command(app, ctx);
  add_status_command(app, ctx);
  add_tor_command(app, ctx);
  add_panic_command(app, ctx);
  add_passphrase_command(app, ctx);
  add_duress_command(app, ctx);
  add_demo_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // "A subcommand is required" said alike for `tumar msg` and `tumar mesage`:
    // tell the two apart, and suggest the command that was meant.
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      if (auto sentence = command_error_sentence(app)) {
        std::fprintf(stderr, "tumar: %s\n", sentence->c_str());
        return kExitUsage;
      }
    }
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (!ctx.action) return kExitUsage;
  if (ctx.verbose) {
    tumar::log::configure(tumar::log::Level::kDebug, [](tumar::log::Level level, std::string_view line) {
      std::fprintf(stderr, "tumar: %s: %.*s\n", tumar::log::level_name(level), static_cast<int>(line.size()),
                   line.data());
    });
  } else {
    tumar::log::configure(tumar::log::Level::kWarn, [](tumar::log::Level level, std::string_view line) {
      std::fprintf(stderr, "tumar: %s: %.*s\n", tumar::log::level_name(level), static_cast<int>(line.size()),
                   line.data());
    });
  }
  try {
    auto result = ctx.action();
    if (!result) {
      std::fprintf(stderr, "tumar: %s\n", user_message(result.error()).c_str());
      return exit_code_for(result.error().code());
    }
    if (ctx.exit_code) return *ctx.exit_code;
  } catch (const std::exception& e) {
    // core/ throws nothing; this catches allocation failure and library bugs
    // so the user still gets a sentence and a storage exit code.
    std::fprintf(stderr, "tumar: internal error: %s\n", e.what());
    return kExitStorage;
  }
  return kExitOk;
}
