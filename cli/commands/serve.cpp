#include <cstdio>
#include <optional>
#include <string_view>

#include "cli/app_context.hpp"
#include "cli/commands/net_errors.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/front_end_error.hpp"
#include "cli/text_format.hpp"
#include "cli/urgent_banner.hpp"
#include "core/network/replica.hpp"
#include "core/log/log.hpp"
#include "core/network/serve_address.hpp"
#include "core/node/engine.hpp"
#include "net/node_runner.hpp"
#include "net/tcp_transport.hpp"

namespace tumar::cli {

namespace {

// A panic wipe removes the files under the running node, which may read
// them before its next wipe poll (every 250 ms): those reads fail their
// authentication, and the warning would read as if someone had tampered with
// the profile, to a person who has just pressed panic. Once the profile is
// wiped, its warnings say nothing true; the node's last words (below) say
// what happened. Set before the node starts, so no other thread logs yet.
void quiet_once_wiped(bool verbose, const profile::WipeWatch& watch) {
  log::configure(verbose ? log::Level::kDebug : log::Level::kWarn,
                 [watch](log::Level level, std::string_view line) {
                   if (level <= log::Level::kWarn && watch.wiped()) return;
                   std::fprintf(stderr, "tumar: %s: %.*s\n", log::level_name(level), static_cast<int>(line.size()),
                                line.data());
                 });
}

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
      "Admitted: members of your networks, peers on your allow list (`tumar peer add`), and\n"
      "newcomers with a valid invite (`tumar invite create`). Anyone else is disconnected right after\n"
      "the handshake. The node keeps connected to the peers you joined through or added, pushes what\n"
      "you write (also from other tumar commands) within a second, and re-syncs every few minutes. Listening on 0.0.0.0 makes the node reachable from\n"
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
      print_urgent_banner(*opened);
      std::optional<profile::Profile> prof(std::move(*opened));
      quiet_once_wiped(ctx.verbose, prof->wipe_watch());

      // The node engine (core/node/engine.hpp) decides everything: who is
      // admitted (docs/PROTOCOL.md, "Admission"), what is flooded, the
      // redials, the duties and the wipe watch. This command only starts it
      // on TCP and says what it reports.
      network::NetworkReplica replica(prof->database(), prof->identity());
      auto demo = replica.store().profile_is_demo();
      if (!demo) return tl::unexpected(demo.error());
      node::EngineOptions options;
      options.serve = true;
      options.session_limits.idle_timeout = std::chrono::seconds(opts->idle_timeout_s);
      options.connection_limits.max_connections = static_cast<std::size_t>(opts->max_connections);
      options.connection_limits.max_per_address = static_cast<std::size_t>(opts->max_per_address);
      options.profile_kind = *demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
      node::Engine engine(replica, prof->identity(), rng, std::move(options), &prof->wipe_watch());

      net::asio::io_context io(1);
      net::TcpTransport transport(io);
      auto bound = transport.listen(*address);
      if (!bound) return tl::unexpected(to_core_error(bound.error()));
      // `tumar invite create` tells newcomers to connect here.
      if (auto r = network::record_serve_address(prof->database(), *bound); !r) return r;
      net::NodeRunner runner(io, engine, transport);
      runner.run(
          [&] {
            std::printf("Node for %s is running, listening on %s. Press Ctrl-C to stop.\n",
                        prof->display_name().c_str(), bound->c_str());
            std::fflush(stdout);
          },
          [](const node::Notice& n) {
            if (n.kind != node::Notice::Kind::kNewEpoch) return;
            std::printf("Started a new epoch in \"%s\": two members were removed at once, and the new key now "
                        "goes only to those who remain.\n",
                        one_line(n.text).c_str());
            std::fflush(stdout);
          });
      if (engine.stop_reason() == node::StopReason::kWiped) {
        // The profile was wiped under us: drop keys now (Secret destructors
        // wipe them), without touching files that may belong to a new profile.
        prof->database().abandon();
        prof.reset();
        return cli::fail(core::Errc::kProfileWiped,
                         "The profile was wiped: the node erased its keys from memory and stopped.");
      }
      const auto& counts = engine.counts();
      std::printf("Node stopped. %zu connections, %zu peers admitted, %zu turned away or cut off.\n",
                  counts.accepted + counts.over_budget, counts.admitted,
                  counts.over_budget + counts.closed_by_limit_or_protocol);
      return {};
    };
  });
}

}  // namespace tumar::cli
