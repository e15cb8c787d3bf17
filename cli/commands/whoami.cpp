#include <cstdio>
#include <optional>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/json.hpp"
#include "cli/urgent_banner.hpp"
#include "core/encoding/hex.hpp"
#include "core/identity/identity.hpp"
#include "core/network/serve_address.hpp"
#include "core/peers/peer_address.hpp"
#include "core/tor/onion_address.hpp"

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
      // The onion address `serve` published (it stays the same: its key is
      // in the store), once the node has run over Tor.
      TUMAR_TRY_ASSIGN(served, network::serve_address(prof.database()));
      std::optional<std::string> onion;
      if (served) {
        auto address = peers::parse_peer_address(*served);
        if (address && tor::is_onion_host(address->host)) onion = address->to_string();
      }
      if (*json) {
        std::printf("{\"name\":%s,\"identity_key\":%s,\"noise_key\":%s,\"fingerprint\":%s,\"onion_address\":%s}\n",
                    json_string(prof.display_name()).c_str(), json_string(id_hex).c_str(),
                    json_string(noise_hex).c_str(), json_string(fp).c_str(),
                    onion ? json_string(*onion).c_str() : "null");
      } else {
        std::printf("Name:         %s\n", prof.display_name().c_str());
        std::printf("Identity key: %s\n", id_hex.c_str());
        std::printf("Noise key:    %s\n", noise_hex.c_str());
        std::printf("Fingerprint:  %s\n", fp.c_str());
        if (onion) std::printf("Onion address: %s\n", onion->c_str());
      }
      return {};
    };
  });
}

}  // namespace tumar::cli
