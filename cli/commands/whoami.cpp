#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/json.hpp"
#include "cli/urgent_banner.hpp"
#include "core/encoding/hex.hpp"
#include "core/identity/identity.hpp"

namespace tumar::cli {

void add_whoami_command(CLI::App& app, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("whoami", "Show your name, public keys and fingerprint");
  cmd->add_flag("--json", *json, "Print one JSON object instead of text");
  cmd->footer(
      "Read the fingerprint aloud to a contact, in person or on a call you trust,\n"
      "to check that the key they hold for you is really yours.\nExample:\n  tumar whoami --json");
  cmd->callback([&ctx, json] {
    ctx.action = [&ctx, json]() -> core::Result<void> {
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof, *json);
      const auto& pub = prof.identity().public_identity();
      std::string id_hex = encoding::to_hex(pub.identity_key);
      std::string noise_hex = encoding::to_hex(pub.noise_key);
      std::string fp = identity::fingerprint(pub.identity_key);
      if (*json) {
        std::printf("{\"name\":%s,\"identity_key\":%s,\"noise_key\":%s,\"fingerprint\":%s}\n",
                    json_string(prof.display_name()).c_str(), json_string(id_hex).c_str(),
                    json_string(noise_hex).c_str(), json_string(fp).c_str());
      } else {
        std::printf("Name:         %s\n", prof.display_name().c_str());
        std::printf("Identity key: %s\n", id_hex.c_str());
        std::printf("Noise key:    %s\n", noise_hex.c_str());
        std::printf("Fingerprint:  %s\n", fp.c_str());
      }
      return {};
    };
  });
}

}  // namespace tumar::cli
