#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/passphrase_input.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {

void add_passphrase_command(CLI::App& app, AppContext& ctx) {
  auto new_file = std::make_shared<std::optional<std::string>>();
  auto* group = app.add_subcommand("passphrase", "Manage the passphrase that opens this profile");
  group->require_subcommand(1);
  auto* cmd = group->add_subcommand("change", "Choose a new passphrase (the data is not rewritten)");
  cmd->add_option("--new-passphrase-file", *new_file, "Read the new passphrase from FILE instead of asking")
      ->type_name("FILE")
      ->envname("TUMAR_NEW_PASSPHRASE_FILE");
  cmd->footer("Example:\n  tumar passphrase change");
  cmd->callback([&ctx, new_file] {
    ctx.action = [&ctx, new_file]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(home, existing_profile_home(ctx));
      TUMAR_TRY_ASSIGN(old_pass, existing_passphrase(ctx.passphrase_file, "--passphrase-file"));
      TUMAR_TRY_ASSIGN(new_pass, new_passphrase(*new_file, "passphrase", "--new-passphrase-file"));
      crypto::SystemRandom rng;
      if (auto ok = profile::Profile::change_passphrase(home, old_pass, new_pass, rng); !ok) return ok;
      std::printf("Passphrase changed. The old one no longer opens this profile.\n");
      return {};
    };
  });
}

}  // namespace tumar::cli
