#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/passphrase_input.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {

void add_duress_command(CLI::App& app, AppContext& ctx) {
  auto duress_file = std::make_shared<std::optional<std::string>>();
  auto* group = app.add_subcommand("duress", "Manage the duress passphrase");
  group->require_subcommand(1);
  auto* cmd = group->add_subcommand(
      "set",
      "Set a second passphrase that, entered at any prompt, silently wipes this profile and opens an empty one");
  cmd->add_option("--duress-passphrase-file", *duress_file, "Read the duress passphrase from FILE instead of asking")
      ->type_name("FILE")
      ->envname("TUMAR_DURESS_PASSPHRASE_FILE");
  cmd->footer(
      "If someone forces you to unlock tumar, give them the duress passphrase: the real data\n"
      "is destroyed without any message and tumar looks like a fresh, empty profile.\n"
      "Example:\n  tumar duress set");
  cmd->callback([&ctx, duress_file] {
    ctx.action = [&ctx, duress_file]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(home, existing_profile_home(ctx));
      TUMAR_TRY_ASSIGN(pass, existing_passphrase(ctx.passphrase_file, "--passphrase-file"));
      TUMAR_TRY_ASSIGN(duress, new_passphrase(*duress_file, "duress passphrase", "--duress-passphrase-file"));
      crypto::SystemRandom rng;
      if (auto ok = profile::Profile::set_duress(home, pass, duress, rng); !ok) return ok;
      std::printf("Duress passphrase set. Entering it at any prompt wipes this profile without a word.\n");
      return {};
    };
  });

  auto* remove = group->add_subcommand("remove", "Stop the duress passphrase from working (needs the real passphrase)");
  remove->footer(
      "Afterwards the key file looks exactly as if no duress passphrase had ever been set, and\n"
      "tumar says the same whether one was set or not. Entered here, the duress passphrase does\n"
      "what it does at every prompt.\n"
      "Example:\n  tumar duress remove");
  remove->callback([&ctx] {
    ctx.action = [&ctx]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(home, existing_profile_home(ctx));
      TUMAR_TRY_ASSIGN(pass, existing_passphrase(ctx.passphrase_file, "--passphrase-file"));
      crypto::SystemRandom rng;
      if (auto ok = profile::Profile::remove_duress(home, pass, rng); !ok) return ok;
      std::printf("No duress passphrase is set now: only your passphrase opens this profile.\n");
      return {};
    };
  });
}

}  // namespace tumar::cli
