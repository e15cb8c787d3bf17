#include <cstdio>
#include <optional>

#include "cli/app_context.hpp"
#include "cli/commands/net_errors.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/dates.hpp"
#include "cli/prekey_refresh.hpp"
#include "cli/rekey_check.hpp"
#include "cli/text_format.hpp"
#include "cli/timer_tick.hpp"
#include "cli/urgent_banner.hpp"
#include "core/direct/expiry.hpp"
#include "core/log/log.hpp"
#include "core/peers/peer_store.hpp"
#include "core/network/node_admission.hpp"
#include "core/network/replica.hpp"
#include "core/network/serve_address.hpp"
#include "net/node.hpp"
#include "net/sync_service.hpp"

namespace tumar::cli {

namespace {

// Direct messages and skipped keys past their lifetime (core/direct/expiry.hpp).
// A failure (the database busy with another command) is retried next time.
void expire_direct(network::NetworkReplica& replica, const identity::LocalIdentity& me) {
  auto r = direct::expire_direct_metadata(replica.store(), me.public_identity().identity_key, wall_clock_ms());
  if (!r) log::debug(r.error().message());
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

      // Admission (docs/PROTOCOL.md, "Admission"): a current member of a network
      // we are in, a peer on the allow list, or an invitee with a valid
      // invite — whom this node then admits into the network. Read at each
      // handshake, so a change made by another command applies at once.
      network::NetworkReplica replica(prof->database(), prof->identity());
      refresh_prekeys(replica, prof->identity(), rng);
      expire_direct(replica, prof->identity());  // direct messages past their lifetime; again every minute below
      network::NodeAdmission gate(replica, prof->identity(), rng);
      session::Admission admission = [&gate](const identity::VerifiedIdentity& peer,
                                             const std::optional<noise::PresentedInvite>& invite) {
        return gate.admit(peer, invite, net::unix_now_ms());
      };
      net::NodeOptions options;
      options.limits.idle_timeout = std::chrono::seconds(opts->idle_timeout_s);
      options.connection_limits.max_connections = static_cast<std::size_t>(opts->max_connections);
      options.connection_limits.max_per_address = static_cast<std::size_t>(opts->max_per_address);
      auto demo = replica.store().profile_is_demo();
      if (!demo) return tl::unexpected(demo.error());
      options.profile_kind = *demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
      net::Node node(prof->identity(), admission, options, rng, &prof->wipe_watch());
      auto bound = node.listen(*address);
      if (!bound) return tl::unexpected(to_core_error(bound.error()));
      // `tumar invite create` tells newcomers to connect here.
      if (auto r = network::record_serve_address(prof->database(), *bound); !r) return r;
      net::SyncServiceOptions sync_options;
      sync_options.session_limits = options.limits;
      net::SyncService service(node.io(), replica, node.peers(), prof->identity(), rng, sync_options);
      node.set_inbound_events([&service] { return service.events(sync::Role::kResponder); });
      // Objects written while admitting an invitee go out to everyone else.
      net::asio::steady_timer admitted_flush(node.io());
      // Every 2 s, as a lead, close the gap two concurrent removals leave
      // (cli/rekey_check.hpp) and hand the new epoch's key out at once; and
      // every kServePrekeyRefresh, rotate and prune our direct-message
      // prekeys (cli/prekey_refresh.hpp) and push the new bundle at once;
      // every minute, drop direct messages past their lifetime.
      unsigned ticks = 0;
      PrekeyRefreshSchedule prekey_schedule(wall_clock_ms());  // refreshed just above
      std::function<void()> flush_admitted = [&] {
        admitted_flush.expires_after(std::chrono::milliseconds(100));
        admitted_flush.async_wait([&](const net::error_code& ec) {
          if (ec) return;
          // No exception may leave a completion handler (cli/timer_tick.hpp).
          // A failed tick is logged and the next runs as usual (anything
          // already stored goes out with the next sync).
          run_timer_tick([&] {
            auto written = gate.take_written();
            if (!written.empty()) service.flood(written);
            if (++ticks % 20 == 0) {
              auto rekeyed = rekey_exposed_networks(replica, prof->identity(), rng, wall_clock_ms());
              for (const auto& name : rekeyed.networks) {
                std::printf("Started a new epoch in \"%s\": two members were removed at once, and the new key "
                            "now goes only to those who remain.\n",
                            one_line(name).c_str());
              }
              if (!rekeyed.envelopes.empty()) {
                std::fflush(stdout);
                service.flood(rekeyed.envelopes);
              }
              auto bundles = serve_prekey_tick(prekey_schedule, replica, prof->identity(), rng, wall_clock_ms());
              if (!bundles.empty()) service.flood(bundles);
              if (ticks % 600 == 0) expire_direct(replica, prof->identity());  // every minute
            }
          }, flush_admitted);
        });
      };
      net::StopReason reason = node.run([&] {
        service.start();
        flush_admitted();
        std::printf("Node for %s is running, listening on %s. Press Ctrl-C to stop.\n",
                    prof->display_name().c_str(), bound->c_str());
        std::fflush(stdout);
      });
      service.stop();
      admitted_flush.cancel();
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
