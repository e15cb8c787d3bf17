#include <cstdio>
#include <string>

#include "cli/app_context.hpp"
#include "cli/front_end_error.hpp"
#include "cli/input_limits.hpp"
#include "cli/passphrase_input.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/network_store.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {

void add_init_command(CLI::App& app, AppContext& ctx) {
  struct Options {
    std::string name = "member";
    std::string kdf = "moderate";
    bool demo = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("init", "Create a new profile: identity keys and an encrypted store");
  cmd->add_option("--name", opts->name, "Display name others see (default: member)")->type_name("NAME");
  cmd->add_option("--kdf", opts->kdf,
                  "Passphrase hardening: interactive (fast), moderate (default, ~0.5 s), sensitive (~2-4 s, 1 GiB)")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}))
      ->type_name("LEVEL");
  cmd->add_flag("--demo", opts->demo,
                "A throwaway training profile: it creates and joins only demo networks, and a real profile "
                "refuses those (used by `tumar demo`)");
  cmd->footer("Example:\n  tumar --home ~/tumar-aigerim init --name \"Aigerim (Almaty crisis centre)\"");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(home, profile::resolve_home(ctx.home));
      if (profile::Profile::exists(home)) {
        return cli::fail(core::Errc::kProfileExists,
                         "A profile already exists at " + home.string() + "; nothing was changed.");
      }
      TUMAR_TRY(check_name("Your display name", opts->name, profile::kMaxDisplayNameBytes));
      TUMAR_TRY_ASSIGN(strength, profile::parse_kdf_strength(opts->kdf));
      TUMAR_TRY_ASSIGN(pass, new_passphrase(ctx.passphrase_file, "passphrase", "--passphrase-file"));
      profile::InitOptions init;
      init.display_name = opts->name;
      init.kdf = profile::kdf_limits(strength);
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(created, profile::Profile::create(home, pass, init, rng));
      if (opts->demo) {
        network::NetworkStore store(created.database());
        TUMAR_TRY(store.mark_profile_demo());
        std::printf("This is a demo profile: it works only with demo networks, never with real ones.\n");
      }
      std::printf("Created a profile for %s at %s\n", created.display_name().c_str(), home.c_str());
      std::printf("Fingerprint: %s\n",
                  identity::fingerprint(created.identity().public_identity().identity_key).c_str());
      std::printf("Keep your passphrase safe: without it nobody, you included, can open this profile.\n");
      return {};
    };
  });
}

}  // namespace tumar::cli
