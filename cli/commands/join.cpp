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
#include "core/encoding/hex.hpp"
#include "core/invite/invite_code.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/peers/peer_store.hpp"
#include "core/node/engine.hpp"
#include "core/store/bind.hpp"
#include "net/node_runner.hpp"
#include "net/tcp_transport.hpp"

namespace tumar::cli {
namespace {

struct JoinArgs {
  std::string code;
  int timeout_s = 30;
};

std::string day_of(std::uint64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// A failed join leaves no trace: the network row and the inviter's
// peer row are taken back unless something of the network arrived.
void undo(network::NetworkReplica& replica, const network::NetworkId& net, const peers::PeerAddress& address,
          bool added_peer) {
  auto count = replica.store().object_count(net);
  if (count && *count == 0) {
    (void)store::execute(replica.store().database(), "DELETE FROM network WHERE id = ?1", net);
    if (added_peer) {
      peers::PeerStore peers(replica.store().database());
      (void)peers.remove(address);
    }
  }
}

core::Result<void> join(AppContext& ctx, const JoinArgs& args) {
  auto code = invite::decode_invite(args.code);
  if (!code) return tl::unexpected(code.error());
  const std::uint64_t now_ms = wall_clock_ms();
  if (code->expires_at <= now_ms / 1000) {
    return core::fail(core::Errc::kRefused, "This invite expired on " + day_of(code->expires_at) +
                                                ". Ask whoever sent it for a new one.");
  }
  crypto::SystemRandom rng;
  auto prof = open_profile(ctx, rng);
  if (!prof) return tl::unexpected(prof.error());
  print_urgent_banner(*prof);
  const auto& me = prof->identity();
  if (code->inviter == me.public_identity().identity_key) {
    return core::fail(core::Errc::kInvalidArgument, "This is your own invite; give it to the person you invite.");
  }
  network::NetworkReplica replica(prof->database(), me);
  auto demo = replica.store().profile_is_demo();
  if (!demo) return tl::unexpected(demo.error());
  const bool prof_is_demo = *demo;
  const auto kind = prof_is_demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
  // The sandbox (SECURITY.md, "The trainer's demo"): the code says the
  // network's kind, so a profile of the other kind refuses it here, before
  // dialling: nothing is sent, and the invite stays unused for its
  // rightful holder. (The inviter's node and the handshake check it again.)
  if (code->kind != kind) {
    return core::fail(core::Errc::kRefused,
                      prof_is_demo ? "This invite is for a real network, and this is a demo (training) profile: a "
                                     "demo profile never joins a real network. Nothing was sent, and the invite is "
                                     "still unused; join from your real profile."
                                   : "This invite is for a training (demo) network, and a real profile never joins "
                                     "one. Nothing was sent, and the invite is still unused; use a profile made "
                                     "with `tumar init --demo` to practise.");
  }
  auto existing = replica.directory().member(code->network_id, me.public_identity().identity_key);
  if (!existing) return tl::unexpected(existing.error());
  if (*existing && !(*existing)->removed()) {
    return core::fail(core::Errc::kInvalidArgument, "You are already a member of this network.");
  }

  network::NetworkRecord rec;
  rec.id = code->network_id;
  rec.joined_at = static_cast<std::int64_t>(now_ms / 1000);
  if (auto r = replica.store().add_network(rec); !r) return tl::unexpected(r.error());
  // The inviter's node is where this profile's node keeps syncing the
  // network from (serve re-dials it), pinned to the key in the code.
  peers::PeerStore peers(prof->database());
  auto added = peers.add(code->address, code->inviter, static_cast<std::int64_t>(now_ms / 1000));
  if (!added) {
    undo(replica, code->network_id, code->address, false);
    return tl::unexpected(added.error());
  }
  const bool added_peer = *added == peers::AddOutcome::kAdded;

  // The engine dials, proves the invite in the handshake, runs the round
  // and, once the network has arrived, publishes our directory entry (our
  // display name) and pushes it to the inviter before saying goodbye; then
  // it makes our first prekey bundle (the next sync or `serve` carries it).
  node::SyncJob job;
  job.address = code->address;
  job.identity_key = code->inviter;
  job.invite = noise::InviteCredential{invite::invite_id(code->secret),
                                       crypto::Secret<32>::copy_of(code->secret.span()), kind};
  job.network = code->network_id;
  job.publish_name = prof->display_name();
  node::EngineOptions options;
  options.dial_timeout = std::chrono::seconds(args.timeout_s);
  options.jobs.push_back(std::move(job));
  node::Engine engine(replica, me, rng, std::move(options));
  const bool tty = isatty(STDERR_FILENO) != 0;
  {
    net::asio::io_context io(1);
    net::TcpTransport transport(io);
    net::NodeRunner runner(io, engine, transport);
    runner.run({}, [&](const node::Notice& n) {
      if (n.kind != node::Notice::Kind::kProgress || !tty) return;
      const auto p = engine.progress();
      std::fprintf(stderr, "\r  receiving: %llu objects, %.1f KB ", static_cast<unsigned long long>(p.objects_received),
                   static_cast<double>(p.bytes_received) / 1000.0);
    });
  }
  if (tty) std::fprintf(stderr, "\n");
  const auto& outcome = engine.outcome(0);
  if (!outcome.ok()) {
    undo(replica, code->network_id, code->address, added_peer);
    // Unreachable (3), refused (4) or protocol (2): the same codes as sync.
    const JobWords words = job_words(outcome);
    std::fprintf(stderr, "tumar: %s\n", words.sentence.c_str());
    ctx.exit_code = words.exit_code;
    return {};
  }
  // Only a node that lied about its kind gets here: the genesis says the
  // network's kind again, signed by its founder.
  if (replica.sandbox_refused()) {
    undo(replica, code->network_id, code->address, added_peer);
    return core::fail(core::Errc::kRefused, prof_is_demo
                                                ? "This invite is for a real network, and this is a demo profile: "
                                                  "nothing was kept. Join it from your real profile."
                                                : "This invite is for a training (demo) network, and a real profile "
                                                  "never joins one: nothing was kept. Use a profile made with "
                                                  "`tumar init --demo` to practise.");
  }
  auto net = replica.store().network(code->network_id);
  auto members = replica.directory().entries(code->network_id);
  auto notes = replica.library().notes(code->network_id);
  if (!net || !*net || (*net)->name.empty()) {
    return core::fail(core::Errc::kProtocol,
                      "Connected and admitted, but the network did not arrive completely; run `tumar sync` to "
                      "finish.");
  }
  std::printf("Joined \"%s\": %zu members, %zu notes. Run `tumar serve` to stay in sync.\n", (*net)->name.c_str(),
              members ? members->size() : 0, notes ? notes->size() : 0);
  return {};
}

}  // namespace

void add_join_command(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<JoinArgs>();
  auto* cmd = app.add_subcommand("join", "Join a network with an invite code");
  cmd->add_option("code", args->code, "The invite code you were given")->type_name("CODE")->required();
  cmd->add_option("--timeout", args->timeout_s, "Give up if the inviter's node does not answer within SECONDS")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  cmd->footer(
      "Connects to the inviter's node (it must be running), proves the invite, and receives the network:\n"
      "its directory, notes and broadcasts. The code works once.\n"
      "Example:\n  tumar join tumar-invite-...");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return join(ctx, *args); }; });
}

}  // namespace tumar::cli
