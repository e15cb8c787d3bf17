#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "cli/app_context.hpp"
#include "cli/commands/job_words.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/dates.hpp"
#include "cli/exit_codes.hpp"
#include "cli/json.hpp"
#include "cli/text_format.hpp"
#include "cli/urgent_banner.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/node/sync_targets.hpp"
#include "core/peers/peer_store.hpp"
#include "cli/dial_transport.hpp"
#include "cli/error_text.hpp"
#include "cli/tor_options.hpp"
#include "core/node/onion_keys.hpp"
#include "core/node/tor_settings.hpp"
#include "net/node_runner.hpp"

namespace tumar::cli {
namespace {

struct SyncArgs {
  std::vector<std::string> addresses;
  bool json = false;
  int timeout_s = 10;
  CLI::Option* timeout_option = nullptr;
  TorOptions tor;
};

}  // namespace

void add_sync_command(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<SyncArgs>();
  auto* cmd = app.add_subcommand("sync", "Connect to peers and bring your networks up to date with each");
  cmd->add_option("address", args->addresses, "Peers to sync with (default: every peer on your allow list)")
      ->type_name("HOST:PORT");
  cmd->add_flag("--json", args->json, "Print a JSON array of outcomes instead of text");
  args->timeout_option =
      cmd->add_option("--timeout", args->timeout_s,
                      "Give up on a peer that does not answer within this many seconds (default: 10 over TCP, "
                      "60 through Tor)")
          ->type_name("SECONDS")
          ->check(CLI::Range(1, 600));
  add_tor_options(*cmd, args->tor);
  cmd->footer(
      "Without an address: every member of your networks who published where their node is (an onion\n"
      "address, reached through Tor, which tumar starts for this command), and your allow list. An\n"
      "address you give here is reached directly when it is not an onion address.\n"
      "Exits 0 when every peer was synced; otherwise with the exit code of the first failure\n"
      "(3 unreachable, 4 refused, 2 authentication).\nExamples:\n  tumar sync\n  tumar sync 192.0.2.7:7420");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      crypto::SystemRandom rng;
      auto prof = open_profile(ctx, rng);
      if (!prof) return tl::unexpected(prof.error());
      print_urgent_banner(*prof, args->json);
      std::vector<peers::PeerAddress> named;
      for (const auto& text : args->addresses) {
        auto address = peers::parse_peer_address(text);
        if (!address) return tl::unexpected(address.error());
        named.push_back(*address);
      }
      auto targets = node::sync_targets(prof->database(), prof->identity().public_identity().identity_key, named);
      if (!targets) return tl::unexpected(targets.error());

      // How each peer is reached (net/routed_transport.hpp): onion addresses
      // through tor, an address typed here directly, any other directly only
      // if the profile allows it (a demo profile always: loopback).
      auto demo = network::NetworkReplica(prof->database(), prof->identity()).store().profile_is_demo();
      if (!demo) return tl::unexpected(demo.error());
      DialPlan plan;
      for (const auto& t : *targets) plan.targets.push_back(t.address);
      for (const auto& a : named) plan.named.insert(a.to_string());
      // The allow list is addresses a person gave (`peer add`, the inviter's
      // from an invite): their choice, like an address typed here.
      auto listed = peers::PeerStore(prof->database()).list();
      if (!listed) return tl::unexpected(listed.error());
      for (const auto& p : *listed) plan.named.insert(p.address.to_string());
      auto allowed = node::direct_tcp_allowed(prof->database());
      if (!allowed) return tl::unexpected(allowed.error());
      plan.direct_allowed = *demo || *allowed;
      plan.home = prof->paths().home;
      plan.tor.quiet = args->json;
      const bool over_tor = DialTransport::needs_tor(plan.targets);
      std::optional<node::ClientAuthKeypair> client_key;
      if (over_tor) {
        auto binary = resolve_tor_binary(args->tor);
        if (!binary) return tl::unexpected(binary.error());
        auto torrc = user_torrc(args->tor, prof->database());
        if (!torrc) return tl::unexpected(torrc.error());
        plan.tor.tor_binary = *binary;
        plan.tor.extra_torrc = *torrc;
        auto keypair = node::client_auth_keypair(prof->database(), rng);
        if (!keypair) return tl::unexpected(keypair.error());
        client_key.emplace(std::move(*keypair));
      }
      const int timeout_s = args->timeout_option->count() > 0 ? args->timeout_s
                            : over_tor                        ? static_cast<int>(kOnionDialTimeout.count())
                                                              : args->timeout_s;

      if (!args->json) {
        std::printf("Syncing with %zu peer%s...\n", targets->size(), targets->size() == 1 ? "" : "s");
        std::fflush(stdout);
      }
      // The engine runs the rounds (core/node/engine.hpp): before dialling it
      // refreshes our prekeys, drops direct messages past their lifetime and,
      // as a lead, starts a new epoch after two concurrent removals, so this
      // round carries all of it.
      node::EngineOptions options;
      options.duties_before_jobs = true;
      options.dial_timeout = std::chrono::seconds(timeout_s);
      options.session_limits.idle_timeout = std::chrono::seconds(timeout_s);
      options.session_limits.handshake_timeout =
          std::min(options.session_limits.handshake_timeout, options.session_limits.idle_timeout);
      options.jobs = std::move(*targets);
      network::NetworkReplica replica(prof->database(), prof->identity());
      node::Engine engine(replica, prof->identity(), rng, std::move(options));
      // Progress on a terminal only (stderr, so stdout stays parseable),
      // at most ten times a second.
      const bool tty = !args->json && isatty(STDERR_FILENO) != 0;
      auto last_draw = std::chrono::steady_clock::time_point{};
      const auto started = std::chrono::steady_clock::now();
      {
        net::asio::io_context io(1);
        DialTransport transport(io, rng);
        auto started_tor = transport.start(plan, client_key ? &client_key->private_key : nullptr);
        if (!started_tor) {
          // tor could not connect: nobody was reached (exit code 3).
          std::fprintf(stderr, "tumar: %s\n", error_text(started_tor.error()).c_str());
          ctx.exit_code = kExitUnreachable;
          return {};
        }
        if (!*started_tor) {
          std::printf("Stopped before Tor was connected: nothing was synced.\n");
          ctx.exit_code = kExitUnreachable;
          return {};
        }
        net::NodeRunner runner(io, engine, transport.transport());
        runner.run({}, [&](const node::Notice& n) {
          if (n.kind == node::Notice::Kind::kNewEpoch && !args->json) {
            std::printf("Started a new epoch in \"%s\": two members were removed at once; this sync hands the new "
                        "key to those who remain.\n",
                        one_line(n.text).c_str());
          }
          if (n.kind != node::Notice::Kind::kProgress || (!tty && !args->json)) return;
          const auto now = std::chrono::steady_clock::now();
          if (now - last_draw < std::chrono::milliseconds(100)) return;
          last_draw = now;
          const auto p = engine.progress();
          if (args->json) {
            // Events on stderr, one JSON object a line: stdout stays the one
            // array of outcomes.
            std::fprintf(stderr,
                         "{\"event\":\"progress\",\"objects_received\":%llu,\"objects_to_fetch\":%llu,"
                         "\"objects_sent\":%llu,\"objects_to_send\":%llu,\"bytes_received\":%llu,\"bytes_sent\":%llu}\n",
                         static_cast<unsigned long long>(p.objects_received),
                         static_cast<unsigned long long>(p.objects_to_fetch),
                         static_cast<unsigned long long>(p.objects_sent),
                         static_cast<unsigned long long>(p.objects_to_send),
                         static_cast<unsigned long long>(p.bytes_received),
                         static_cast<unsigned long long>(p.bytes_sent));
            return;
          }
          std::fprintf(stderr, "\r  objects: %llu of %llu received, %llu of %llu sent; %.1f KB in, %.1f KB out ",
                       static_cast<unsigned long long>(p.objects_received),
                       static_cast<unsigned long long>(std::max(p.objects_to_fetch, p.objects_received)),
                       static_cast<unsigned long long>(p.objects_sent),
                       static_cast<unsigned long long>(std::max(p.objects_to_send, p.objects_sent)),
                       static_cast<double>(p.bytes_received) / 1e3, static_cast<double>(p.bytes_sent) / 1e3);
        });
        transport.finish();
      }
      if (tty) std::fprintf(stderr, "\r%*s\r", 70, "");
      sync::SyncProgress total;
      std::size_t ok = 0;
      std::optional<int> first_failure;
      std::string json = "[";
      const std::size_t n_jobs = engine.job_count();
      for (std::size_t i = 0; i < n_jobs; ++i) {
        const auto& o = engine.outcome(i);
        const JobWords words = job_words(o);
        const std::string where = o.address.to_string();

        const bool newly_pinned = o.key_recorded;  // trust on first use (the engine recorded it)
        if (o.ok()) {
          ++ok;
          total.objects_received += o.progress.objects_received;
          total.objects_sent += o.progress.objects_sent;
          total.bytes_received += o.progress.bytes_received;
          total.bytes_sent += o.progress.bytes_sent;
          total.accepted += o.progress.accepted;
          total.rejected += o.progress.rejected;
        } else if (!first_failure) {
          first_failure = words.exit_code;
        }
        const std::string fp = o.peer ? identity::fingerprint(o.peer->identity_key) : "";
        if (args->json) {
          json += i ? "," : "";
          json += "{\"address\":" + json_string(where) + ",\"ok\":" + std::string(o.ok() ? "true" : "false");
          json += ",\"fingerprint\":" + (o.peer ? json_string(fp) : "null");
          json += ",\"key_recorded\":" + std::string(newly_pinned ? "true" : "false");
          if (o.ok()) {
            json += ",\"elapsed_ms\":" + std::to_string(o.elapsed.count());
            json += ",\"objects_sent\":" + std::to_string(o.progress.objects_sent);
            json += ",\"objects_received\":" + std::to_string(o.progress.objects_received);
            json += ",\"objects_new\":" + std::to_string(o.progress.accepted);
            json += ",\"objects_rejected\":" + std::to_string(o.progress.rejected);
            json += ",\"bytes_sent\":" + std::to_string(o.progress.bytes_sent);
            json += ",\"bytes_received\":" + std::to_string(o.progress.bytes_received);
          } else {
            json += ",\"error\":" + json_string(words.sentence);
            json += ",\"objects_sent\":" + std::to_string(o.progress.objects_sent);
            json += ",\"objects_new\":" + std::to_string(o.progress.accepted);
          }
          json += ",\"objects_acknowledged\":" + std::to_string(o.progress.objects_acknowledged);
          json += "}";
          continue;
        }
        if (o.ok()) {
          std::printf("%s: synced (objects sent: %llu, received: %llu, new: %llu; %lld ms)\n", where.c_str(),
                      static_cast<unsigned long long>(o.progress.objects_sent),
                      static_cast<unsigned long long>(o.progress.objects_received),
                      static_cast<unsigned long long>(o.progress.accepted), static_cast<long long>(o.elapsed.count()));
        } else {
          std::printf("%s: failed: %s\n", where.c_str(), words.sentence.c_str());
        }
        if (newly_pinned) {
          std::printf("  first contact: recorded its key, fingerprint %s\n"
                      "  compare it with your contact's `tumar whoami` over a channel you trust.\n",
                      fp.c_str());
        }
      }
      if (args->json) {
        std::printf("%s]\n", json.c_str());
      } else {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("Synced with %zu of %zu peer%s in %.1f s. Objects in: %llu (%llu new, %llu refused), out: %llu; "
                    "%.1f KB in, %.1f KB out.\n",
                    ok, n_jobs, n_jobs == 1 ? "" : "s", secs,
                    static_cast<unsigned long long>(total.objects_received),
                    static_cast<unsigned long long>(total.accepted), static_cast<unsigned long long>(total.rejected),
                    static_cast<unsigned long long>(total.objects_sent), static_cast<double>(total.bytes_received) / 1e3,
                    static_cast<double>(total.bytes_sent) / 1e3);
      }
      if (first_failure) ctx.exit_code = *first_failure;
      return {};
    };
  });
}

}  // namespace tumar::cli
