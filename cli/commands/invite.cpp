// `tumar invite create`: a one-time code that lets one person join a
// network through this node (docs/PROTOCOL.md, "Invites").

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/front_end_error.hpp"
#include "cli/json.hpp"
#include "cli/qr_code.hpp"
#include "cli/urgent_banner.hpp"
#include "core/invite/invite_code.hpp"
#include "core/network/replica.hpp"
#include "core/network/serve_address.hpp"
#include "core/peers/peer_address.hpp"
#include "cli/dates.hpp"

namespace tumar::cli {
namespace {

struct InviteArgs {
  std::string network;
  std::string role = "member";
  std::string expires = "72h";
  std::string address;
  bool json = false;
};

// "72h", "30m", "7d": how long the code stays valid. At most 30 days: an
// invite is a key to the network lying in someone's messages.
core::Result<std::int64_t> parse_validity(const std::string& text) {
  if (text.size() < 2 || text.size() > 6) {
    return cli::fail(core::Errc::kInvalidArgument, "--expires takes a duration such as 30m, 72h or 7d.");
  }
  const char unit = text.back();
  const std::string digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) {
    return cli::fail(core::Errc::kInvalidArgument, "--expires takes a duration such as 30m, 72h or 7d.");
  }
  const std::int64_t n = std::stoll(digits);
  std::int64_t seconds = 0;
  switch (unit) {
    case 'm': seconds = n * 60; break;
    case 'h': seconds = n * 3600; break;
    case 'd': seconds = n * 86400; break;
    default: return cli::fail(core::Errc::kInvalidArgument, "--expires takes a duration such as 30m, 72h or 7d.");
  }
  if (seconds < 60 || seconds > 30 * 86400) {
    return cli::fail(core::Errc::kInvalidArgument, "An invite can be valid for 1 minute to 30 days.");
  }
  return seconds;
}

core::Result<void> create_invite(AppContext& ctx, const InviteArgs& args) {
  if (args.role != "member" && args.role != "lead") {
    return cli::fail(core::Errc::kInvalidArgument, "--role is member or lead.");
  }
  TUMAR_TRY_ASSIGN(validity, parse_validity(args.expires));
  crypto::SystemRandom rng;
  TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
  print_urgent_banner(prof, args.json);
  network::NetworkReplica replica(prof.database(), prof.identity());
  auto net = replica.store().resolve(args.network);
  if (!net) return tl::unexpected(net.error());
  TUMAR_TRY_ASSIGN(me, replica.directory().member(net->id, prof.identity().public_identity().identity_key));
  if (!me || me->removed() || me->role != network::Role::kLead) {
    return cli::fail(core::Errc::kRefused,
                     "Only a lead of \"" + net->name + "\" can invite; ask one of its leads for an invite.");
  }
  std::string where = args.address;
  if (where.empty()) {
    TUMAR_TRY_ASSIGN(recorded, network::serve_address(prof.database()));
    if (!recorded) {
      return cli::fail(core::Errc::kInvalidArgument,
                       "The invite must say where to reach your node: start `tumar serve` first (its address is "
                       "used), or give --address HOST:PORT.");
    }
    where = *recorded;
  }
  TUMAR_TRY_ASSIGN(address, peers::parse_peer_address(where));
  if (address.host == "0.0.0.0" || address.host == "::" || address.host == "[::]") {
    return cli::fail(core::Errc::kInvalidArgument,
                     "Your node listens on every address (" + where +
                          "); give --address with the HOST:PORT the newcomer can reach.");
  }

  const std::int64_t now_s = static_cast<std::int64_t>(wall_clock_ms() / 1000);
  invite::InviteCode code;
  code.network_id = net->id;
  code.inviter = prof.identity().public_identity().identity_key;
  code.address = address;
  code.secret = crypto::Secret<32>::random();
  code.expires_at = static_cast<std::uint64_t>(now_s + validity);
  // The network's kind goes into the code (its prefix shows it): a profile
  // of the other kind refuses it before dialling.
  code.kind = net->is_demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;

  network::InviteRecord record;
  record.invite_id = invite::invite_id(code.secret);
  record.network = net->id;
  record.secret = crypto::Secret<32>::copy_of(code.secret.span());
  record.role = args.role == "lead" ? network::Role::kLead : network::Role::kMember;
  record.created_at = now_s;
  record.expires_at = now_s + validity;
  TUMAR_TRY(replica.store().add_invite(record));

  const std::string text = invite::encode_invite(code);
  if (args.json) {
    std::printf("{\"code\":%s}\n", json_string(text).c_str());
    return {};
  }
  std::printf("Invite to \"%s\" as %s, valid for %s, usable once:\n\n  %s\n\n", net->name.c_str(),
              args.role.c_str(), args.expires.c_str(), text.c_str());
  if (stdout_is_terminal()) {
    if (auto qr = terminal_qr(text)) std::printf("%s\n", qr->c_str());
  }
  std::printf(
      "Send it over a channel you trust. They run: tumar join CODE\n"
      "Keep `tumar serve` running at %s until they have joined.\n",
      address.to_string().c_str());
  return {};
}

}  // namespace

void add_invite_command(CLI::App& app, AppContext& ctx) {
  auto* invite = app.add_subcommand("invite", "Invite someone into a network you lead");
  invite->require_subcommand(1);
  auto args = std::make_shared<InviteArgs>();
  auto* cmd = invite->add_subcommand("create", "Make a one-time invite code");
  cmd->add_option("--network", args->network, "The network (its name, or the start of its id)")
      ->type_name("NET")
      ->required();
  cmd->add_option("--role", args->role, "What the newcomer becomes: member or lead")->capture_default_str();
  cmd->add_option("--expires", args->expires, "How long the code is valid (30m, 72h, 7d; at most 30d)")
      ->type_name("DURATION")
      ->capture_default_str();
  cmd->add_option("--address", args->address,
                  "Where the newcomer's node reaches yours (default: where `tumar serve` listens)")
      ->type_name("HOST:PORT");
  cmd->add_flag("--json", args->json, "Print {\"code\": ...} only");
  cmd->footer(
      "The code holds the network id, your identity key and address, whether the network is a training\n"
      "(demo) one, and a one-time secret. Whoever holds it can join once, before it expires, while your\n"
      "node runs. Treat it like a key.\n"
      "Example:\n  tumar invite create --network \"Almaty shelters\" --expires 24h");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return create_invite(ctx, *args); }; });
}

}  // namespace tumar::cli
