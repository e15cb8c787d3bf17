#include <cstdio>
#include <optional>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "net/node.hpp"

namespace tumar::cli {

void add_serve_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("serve", "Run this profile's node until interrupted (Ctrl-C)");
  cmd->footer(
      "While it runs, `tumar panic` on the same profile stops it within a second and its keys are\n"
      "erased from memory.\nExample:\n  tumar serve");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> core::Result<void> {
      crypto::SystemRandom rng;
      auto opened = open_profile(ctx, rng);
      if (!opened) return tl::unexpected(opened.error());
      std::optional<profile::Profile> prof(std::move(*opened));
      net::StopReason reason = net::run_node(prof->wipe_watch(), net::NodeOptions{}, [&] {
        std::printf("Node for %s is running. Press Ctrl-C to stop.\n", prof->display_name().c_str());
        std::fflush(stdout);
      });
      if (reason == net::StopReason::kWiped) {
        // The profile was wiped under us: drop keys now (Secret destructors
        // wipe them), without touching files that may belong to a new profile.
        prof->database().abandon();
        prof.reset();
        return core::fail(core::Errc::kProfileWiped, "The profile was wiped; keys erased from memory, node stopped.");
      }
      std::printf("Node stopped.\n");
      return {};
    };
  });
}

}  // namespace tumar::cli
