// `tumar join CODE`: connect to the inviter's node, prove the invite inside
// the handshake, get admitted and receive the whole network in the first
// sync (docs/PROTOCOL.md, "Invites").

#include <unistd.h>

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/commands/job_words.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/dates.hpp"
#include "cli/urgent_banner.hpp"
#include "core/invite/invite_code.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/node/join_plan.hpp"
#include "cli/dial_transport.hpp"
#include "cli/error_text.hpp"
#include "cli/exit_codes.hpp"
#include "cli/tor_options.hpp"
#include "core/node/tor_settings.hpp"
#include "core/tor/client_auth.hpp"
#include "net/node_runner.hpp"

namespace tumar::cli {
namespace {

struct JoinArgs {
  std::string code;
  int timeout_s = 30;
  CLI::Option* timeout_option = nullptr;
  TorOptions tor;
};

core::Result<void> join(AppContext& ctx, const JoinArgs& args) {
  auto code = invite::decode_invite(args.code);
  if (!code) return tl::unexpected(code.error());
  if (auto fresh = node::check_not_expired(*code, wall_clock_ms()); !fresh) return fresh;
  crypto::SystemRandom rng;
  auto prof = open_profile(ctx, rng);
  if (!prof) return tl::unexpected(prof.error());
  print_urgent_banner(*prof);
  const auto& me = prof->identity();
  network::NetworkReplica replica(prof->database(), me);
  // Whether this profile may use the code, and what the engine's job needs
  // (core/node/join_plan.hpp); nothing is sent if it may not.
  auto plan = node::plan_join(replica, me, *code, prof->display_name(), wall_clock_ms());
  if (!plan) return tl::unexpected(plan.error());

  // The engine dials, proves the invite in the handshake, runs the round
  // and, once the network has arrived, publishes our directory entry (our
  // display name) and pushes it to the inviter before saying goodbye; then
  // it makes our first prekey bundle (the next sync or `serve` carries it).
  // The inviter's address is reached the way the invite says: an onion
  // address through tor (which this command starts), with the client key
  // the invite's secret derives (the inviter's onion service lets exactly
  // its invites' keys and its members' keys through); an address the lead
  // chose to put in the invite (`invite create --address`) directly.
  DialPlan dial;
  dial.targets.push_back(code->address);
  dial.named.insert(code->address.to_string());
  dial.home = prof->paths().home;
  std::optional<tor::ClientAuthPrivateKey> invite_key;
  const bool over_tor = DialTransport::needs_tor(dial.targets);
  if (over_tor) {
    TUMAR_TRY_ASSIGN(binary, resolve_tor_binary(args.tor));
    TUMAR_TRY_ASSIGN(torrc, user_torrc(args.tor, prof->database()));
    dial.tor.tor_binary = binary;
    dial.tor.extra_torrc = torrc;
    invite_key.emplace(tor::invite_client_auth_key(code->secret.span()));
  }
  node::EngineOptions options;
  options.dial_timeout = std::chrono::seconds(args.timeout_option->count() > 0 || !over_tor
                                                  ? args.timeout_s
                                                  : static_cast<int>(kOnionDialTimeout.count()));
  options.jobs.push_back(std::move(plan->job));
  node::Engine engine(replica, me, rng, std::move(options));
  const bool tty = isatty(STDERR_FILENO) != 0;
  {
    net::asio::io_context io(1);
    DialTransport transport(io, rng);
    auto started_tor = transport.start(dial, invite_key ? &*invite_key : nullptr);
    if (!started_tor || !*started_tor) {
      node::abandon_join(replica, *plan);
      if (!started_tor) {
        std::fprintf(stderr, "tumar: %s\n", error_text(started_tor.error()).c_str());
      } else {
        std::printf("Stopped before Tor was connected: you did not join.\n");
      }
      ctx.exit_code = kExitUnreachable;
      return {};
    }
    net::NodeRunner runner(io, engine, transport.transport());
    runner.run({}, [&](const node::Notice& n) {
      if (n.kind != node::Notice::Kind::kProgress || !tty) return;
      const auto p = engine.progress();
      std::fprintf(stderr, "\r  receiving: %llu objects, %.1f KB ", static_cast<unsigned long long>(p.objects_received),
                   static_cast<double>(p.bytes_received) / 1000.0);
    });
    transport.finish();
  }
  if (tty) std::fprintf(stderr, "\n");
  const auto& outcome = engine.outcome(0);
  if (!outcome.ok()) {
    node::abandon_join(replica, *plan);
    // Unreachable (3), refused (4) or protocol (2): the same codes as sync.
    const JobWords words = job_words(outcome);
    std::fprintf(stderr, "tumar: %s\n", words.sentence.c_str());
    ctx.exit_code = words.exit_code;
    return {};
  }
  auto joined = node::complete_join(replica, *plan);
  if (!joined) return tl::unexpected(joined.error());
  std::printf("Joined \"%s\": %zu members, %zu notes. Run `tumar serve` to stay in sync.\n", joined->name.c_str(),
              joined->members, joined->notes);
  return {};
}

}  // namespace

void add_join_command(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<JoinArgs>();
  auto* cmd = app.add_subcommand("join", "Join a network with an invite code");
  cmd->add_option("code", args->code, "The invite code you were given")->type_name("CODE")->required();
  args->timeout_option =
      cmd->add_option("--timeout", args->timeout_s,
                      "Give up if the inviter's node does not answer within SECONDS (default: 30 over TCP, 60 "
                      "through Tor)")
          ->type_name("SECONDS")
          ->check(CLI::Range(1, 600));
  add_tor_options(*cmd, args->tor);
  cmd->footer(
      "Connects to the inviter's node (it must be running), proves the invite, and receives the network:\n"
      "its directory, notes and broadcasts. An invite to an onion address is reached through Tor, which\n"
      "tumar starts for this command (the first time it takes a minute or so).\n"
      "The code works once.\n"
      "Example:\n  tumar join tumar-invite-...");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return join(ctx, *args); }; });
}

}  // namespace tumar::cli
