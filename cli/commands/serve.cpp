#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string_view>

#include <boost/asio/detached.hpp>

#include "cli/app_context.hpp"
#include "cli/commands/net_errors.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/dates.hpp"
#include "cli/error_text.hpp"
#include "cli/front_end_error.hpp"
#include "cli/text_format.hpp"
#include "cli/urgent_banner.hpp"
#include "core/network/replica.hpp"
#include "core/log/log.hpp"
#include "core/network/serve_address.hpp"
#include "core/node/engine.hpp"
#include "core/node/node_status.hpp"
#include "core/profile/serve_lock.hpp"
#include "core/peers/peer_store.hpp"
#include "cli/dial_transport.hpp"
#include "cli/tor_mode.hpp"
#include "cli/tor_options.hpp"
#include "core/node/onion_clients.hpp"
#include "core/node/onion_keys.hpp"
#include "core/node/reachability.hpp"
#include "core/node/tor_settings.hpp"
#include "net/node_runner.hpp"
#include "net/routed_transport.hpp"
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
  std::optional<std::string> listen;
  int idle_timeout_s = 300;
  int max_connections = 64;
  int max_per_address = 8;
  TorOptions tor;
};

// The node's onion service: tor started, the service published with the
// key from the store (or a new one, stored), the members' client keys
// authorised, the address recorded for invites and published in our
// profile. Returns "ADDRESS.onion:PORT", or nullopt when interrupted.
core::Result<std::optional<std::string>> start_onion_service(TorMode& tor, profile::Profile& prof,
                                                             network::NetworkReplica& replica,
                                                             crypto::RandomSource& rng,
                                                             const tor::ClientAuthPublicKey& client_key) {
  auto bound = tor.listen();
  if (!bound) return tl::unexpected(to_core_error(bound.error()));
  TUMAR_TRY_ASSIGN(booted, tor.bootstrap(std::nullopt, [&prof] { return prof.wipe_watch().wiped(); }));
  if (!booted) return std::optional<std::string>{};
  auto& db = prof.database();
  TUMAR_TRY_ASSIGN(key, node::load_onion_service_key(db));
  TUMAR_TRY_ASSIGN(clients, node::authorized_onion_clients(replica, prof.identity().public_identity().identity_key,
                                                           wall_clock_ms()));
  TUMAR_TRY_ASSIGN(published, tor.publish(key ? &*key : nullptr, std::move(clients)));
  if (published.new_key) TUMAR_TRY(node::store_onion_service_key(db, *published.new_key));
  // `tumar invite create` tells newcomers to connect here, and members
  // find it in our profile.
  TUMAR_TRY(network::record_serve_address(db, published.address));
  TUMAR_TRY(node::publish_reachability(replica, prof.identity(), rng, published.address, client_key, wall_clock_ms()));
  return std::optional<std::string>(published.address);
}

// The engine says who may reach the node now (a member admitted or removed,
// an invite made, used or expired); when that is not what tor publishes,
// the service goes out again with the new list: a removed member's key
// goes (revoked), a newcomer's comes.
void keep_client_list(TorMode& tor, net::asio::io_context& io, const node::Notice& n) {
  if (!tor.needs_republish(n.keys)) return;
  net::asio::co_spawn(
      io,
      [&tor, list = n.keys]() -> net::asio::awaitable<void> {
        const std::size_t count = list.size();
        auto done = co_await tor.republish(list);
        if (!done) {
          log::warn("could not update the onion service's client list: " + done.error().describe());
          co_return;
        }
        std::printf("Updated who may reach this node over Tor: %zu key%s.\n", count, count == 1 ? "" : "s");
        std::fflush(stdout);
      },
      net::asio::detached);
}
}  // namespace

void add_serve_command(CLI::App& app, AppContext& ctx) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run this profile's node until interrupted (Ctrl-C)");
  cmd->add_option("--listen", opts->listen,
                  "Serve over direct TCP on this address instead of as a Tor onion service (port 0 picks a "
                  "free one). Demo profiles always use TCP, on 127.0.0.1:7420 unless given")
      ->type_name("HOST:PORT");
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
  add_tor_options(*cmd, opts->tor);
  cmd->footer(
      "By default the node is a Tor onion service: tumar starts its own tor, prints the node's\n"
      "ADDRESS.onion:PORT once it is published, and no tumar socket listens on the network. Only\n"
      "members of your networks (and newcomers with your invites) hold a key tor lets through.\n"
      "Admitted: members of your networks, peers on your allow list (`tumar peer add`), and\n"
      "newcomers with a valid invite (`tumar invite create`). Anyone else is disconnected right after\n"
      "the handshake. The node keeps connected to the peers you joined through or added, pushes what\n"
      "you write (also from other tumar commands) within a second, and re-syncs every few minutes. Listening on 0.0.0.0 makes the node reachable from\n"
      "other machines: everyone on the path sees that you run tumar (see SECURITY.md).\n"
      "While it runs, `tumar panic` on the same profile stops it within a second and its keys are\n"
      "erased from memory.\nExamples:\n  tumar serve\n  tumar serve --listen 0.0.0.0:7420   (a LAN or training room, no Tor)");
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts]() -> core::Result<void> {
      crypto::SystemRandom rng;
      auto opened = open_profile(ctx, rng);
      if (!opened) return tl::unexpected(opened.error());
      // One node per profile, before anything is started or written.
      auto serving = profile::lock_serving(opened->paths().home);
      if (!serving) return tl::unexpected(serving.error());
      print_urgent_banner(*opened);
      std::optional<profile::Profile> prof(std::move(*opened));
      quiet_once_wiped(ctx.verbose, prof->wipe_watch());

      // The node engine (core/node/engine.hpp) decides everything: who is
      // admitted (docs/PROTOCOL.md, "Admission"), what is flooded, the
      // redials, the duties and the wipe watch. This command only starts it
      // on a transport and says what it reports.
      network::NetworkReplica replica(prof->database(), prof->identity());
      auto demo = replica.store().profile_is_demo();
      if (!demo) return tl::unexpected(demo.error());
      // A real profile is an onion service unless the person chose a TCP
      // address for this run; the trainer's demo stays on fast loopback.
      const bool tor_mode = !opts->listen && !*demo;
      std::optional<peers::PeerAddress> tcp_address;
      if (!tor_mode) {
        auto address = peers::parse_listen_address(opts->listen.value_or("127.0.0.1:7420"));
        if (!address) return tl::unexpected(address.error());
        tcp_address = *address;
      }
      node::EngineOptions options;
      options.serve = true;
      options.session_limits.idle_timeout = std::chrono::seconds(opts->idle_timeout_s);
      options.connection_limits.max_connections = static_cast<std::size_t>(opts->max_connections);
      options.connection_limits.max_per_address = static_cast<std::size_t>(opts->max_per_address);
      options.profile_kind = *demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
      if (tor_mode) {
        options.dial_timeout = kOnionDialTimeout;
        options.onion_clients = true;
      }

      if (auto r = node::record_serve_pid(prof->database(), static_cast<std::int64_t>(::getpid())); !r) return r;
      net::asio::io_context io(1);
      net::TcpTransport tcp(io);
      std::optional<TorMode> tor;
      std::optional<node::ClientAuthKeypair> client_key;
      std::string where;
      bool direct_allowed = true;
      if (tor_mode) {
        TUMAR_TRY_ASSIGN(binary, resolve_tor_binary(opts->tor));
        TUMAR_TRY_ASSIGN(torrc, user_torrc(opts->tor, prof->database()));
        TUMAR_TRY_ASSIGN(allowed, node::direct_tcp_allowed(prof->database()));
        TUMAR_TRY_ASSIGN(keypair, node::client_auth_keypair(prof->database(), rng));
        direct_allowed = allowed;
        client_key.emplace(std::move(keypair));
        tor.emplace(io, rng, prof->paths().home, TorMode::Role::kServe, TorModeSettings{binary, torrc, false});
        // For `tumar status`, which reads it from another process.
        tor->on_state([&db = prof->database()](const std::string& state, int progress, const std::string& summary) {
          auto r = node::record_tor_state(db, {state, progress, summary, wall_clock_ms() / 1000});
          if (!r) log::warn("could not record tor's state: " + r.error().describe());
        });
        auto started = start_onion_service(*tor, *prof, replica, rng, client_key->public_key);
        if (!started) {
          tor->stop();
          return tl::unexpected(started.error());
        }
        if (!*started) {
          if (prof->wipe_watch().wiped()) {
            // Wiped while tor was connecting: as below, keys and tor go now.
            prof->database().abandon();
            prof.reset();
            tor.reset();
            return cli::fail(core::Errc::kProfileWiped,
                             "The profile was wiped: the node erased its keys from memory and stopped.");
          }
          tor->stop();
          std::printf("Stopped before Tor was connected.\n");
          return {};
        }
        where = **started;
      } else {
        auto bound = tcp.listen(*tcp_address);
        if (!bound) return tl::unexpected(to_core_error(bound.error()));
        // `tumar invite create` tells newcomers to connect here.
        if (auto r = network::record_serve_address(prof->database(), *bound); !r) return r;
        where = *bound;
      }
      node::Engine engine(replica, prof->identity(), rng, std::move(options), &prof->wipe_watch());
      net::Routes routes;
      routes.listener = tor ? static_cast<net::Transport*>(&tor->transport()) : &tcp;
      routes.onion = tor ? &tor->transport() : nullptr;
      routes.direct = &tcp;
      routes.direct_allowed = direct_allowed;
      // The allow list is addresses a person gave (`peer add`, an inviter's
      // from the invite): reached the way they were given. Members'
      // published addresses go directly only with the profile's setting.
      auto listed = peers::PeerStore(prof->database()).list();
      if (!listed) return tl::unexpected(listed.error());
      for (const auto& p : *listed) routes.named.insert(p.address.to_string());
      if (tor) routes.before_onion_dial = tor->client_auth(client_key->private_key);
      net::RoutedTransport transport(std::move(routes));
      net::NodeRunner runner(io, engine, transport);
      if (tor) {
        tor->on_gave_up([&](const core::Error& e) {
          std::fprintf(stderr, "tumar: %s\n", error_text(e).c_str());
          runner.stop();
        });
      }
      runner.run(
          [&] {
            if (tor) {
              std::printf("Node for %s is running as the onion service %s (reachable only through Tor). "
                          "Press Ctrl-C to stop.\n",
                          prof->display_name().c_str(), where.c_str());
            } else {
              std::printf("Node for %s is running, listening on %s. Press Ctrl-C to stop.\n",
                          prof->display_name().c_str(), where.c_str());
            }
            std::fflush(stdout);
          },
          [&](const node::Notice& n) {
            if (n.kind == node::Notice::Kind::kOnionClients && tor) return keep_client_list(*tor, io, n);
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
        // tor dies with its keys at once (SIGKILL: no last state written).
        tor.reset();
        return cli::fail(core::Errc::kProfileWiped,
                         "The profile was wiped: the node erased its keys from memory and stopped.");
      }
      if (tor) tor->stop();
      (void)node::record_serve_pid(prof->database(), std::nullopt);
      const auto& counts = engine.counts();
      std::printf("Node stopped. %zu connections, %zu peers admitted, %zu turned away or cut off.\n",
                  counts.accepted + counts.over_budget, counts.admitted,
                  counts.over_budget + counts.closed_by_limit_or_protocol);
      return {};
    };
  });
}

}  // namespace tumar::cli
