#include <cstdio>
#include <optional>

#include "cli/app_context.hpp"
#include "cli/commands/net_errors.hpp"
#include "cli/commands/profile_commands.hpp"
#include "core/peers/peer_store.hpp"
#include "net/node.hpp"

namespace tumar::cli {

namespace {
struct ServeOptions {
  std::string listen = "127.0.0.1:7420";
  int idle_timeout_s = 300;
  int max_connections = 64;
  int max_per_address = 8;
};
}  // namespace

void add_serve_command(CLI::App& app, AppContext& ctx) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run this profile's node until interrupted (Ctrl-C)");
  cmd->add_option("--listen", opts->listen, "Address to accept peers on (port 0 picks a free one)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", opts->idle_timeout_s, "Close a connection after this many seconds of silence")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--max-connections", opts->max_connections, "Most connections at once")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--max-per-address", opts->max_per_address, "Most connections at once from one IP address")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->footer(
      "Only peers on your allow list (`tumar peer add HOST:PORT --key KEY`) are admitted; anyone else is\n"
      "disconnected right after the handshake. Listening on 0.0.0.0 makes the node reachable from\n"
      "other machines: everyone on the path sees that you run tumar (see SECURITY.md).\n"
      "While it runs, `tumar panic` on the same profile stops it within a second and its keys are\n"
      "erased from memory.\nExample:\n  tumar serve --listen 0.0.0.0:7420");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts]() -> core::Result<void> {
      auto address = peers::parse_listen_address(opts->listen);
      if (!address) return tl::unexpected(address.error());
      crypto::SystemRandom rng;
      auto opened = open_profile(ctx, rng);
      if (!opened) return tl::unexpected(opened.error());
      std::optional<profile::Profile> prof(std::move(*opened));

      // Admission until networks exist: the allow list, read at each
      // handshake so a `peer add` while the node runs takes effect at once.
      session::Admission admission = [&prof](const identity::VerifiedIdentity& peer,
                                             const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
        peers::PeerStore store(prof->database());
        auto allowed = store.is_allowed(peer.identity().identity_key);
        if (!allowed) return tl::unexpected(allowed.error());
        if (!*allowed) {
          return core::fail(core::Errc::kRefused, "Identity " + identity::fingerprint(peer.identity().identity_key) +
                                                      " is not on the allow list.");
        }
        return {};
      };
      net::NodeOptions options;
      options.limits.idle_timeout = std::chrono::seconds(opts->idle_timeout_s);
      options.connection_limits.max_connections = static_cast<std::size_t>(opts->max_connections);
      options.connection_limits.max_per_address = static_cast<std::size_t>(opts->max_per_address);
      net::Node node(prof->identity(), admission, options, rng, &prof->wipe_watch());
      auto bound = node.listen(*address);
      if (!bound) return tl::unexpected(to_core_error(bound.error()));

      net::StopReason reason = node.run([&] {
        std::printf("Node for %s is running, listening on %s. Press Ctrl-C to stop.\n",
                    prof->display_name().c_str(), bound->c_str());
        std::fflush(stdout);
      });
      if (reason == net::StopReason::kWiped) {
        // The profile was wiped under us: drop keys now (Secret destructors
        // wipe them), without touching files that may belong to a new profile.
        prof->database().abandon();
        prof.reset();
        return core::fail(core::Errc::kProfileWiped, "The profile was wiped; keys erased from memory, node stopped.");
      }
      const auto& counts = node.peers().counts();
      std::printf("Node stopped. %zu connections, %zu peers admitted, %zu turned away or cut off.\n",
                  counts.accepted + counts.over_budget, counts.admitted,
                  counts.over_budget + counts.closed_by_limit_or_protocol);
      return {};
    };
  });
}

}  // namespace tumar::cli
