// tumar member remove: a lead removes a member. The core writes the removal,
// starts a new epoch and grants its key to everyone who remains, so the
// removed member can read nothing written afterwards.
//
// MEMBER is matched with care, since removing the wrong person locks them
// out: an exact display name (ignoring ASCII case) or at least 8 hex digits
// of the identity key. Several matches is an error listing them all.

#include <algorithm>
#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/member_lookup.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"
#include "core/network/envelope.hpp"

namespace tumar::cli {

void add_member_command(CLI::App& app, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    std::string member;
  };
  auto args = std::make_shared<Args>();
  auto* member = app.add_subcommand("member", "Manage a network's members (leads only)");
  member->require_subcommand(1);
  member->footer("Example:\n  tumar member remove --network \"Shelters KZ\" Bota");
  auto* cmd = member->add_subcommand("remove", "Remove a member from a network (leads only)");
  cmd->add_option("member", args->member,
                  "Their display name, exactly as `tumar members` shows it, or at least 8 digits of their key")
      ->type_name("MEMBER")
      ->required();
  cmd->add_option("--network", args->network,
                  "The network (its name, or the start of its id); may be left out if you are in only one")
      ->type_name("NET");
  cmd->footer(
      "The network moves to a new key that every remaining member receives; the removed member\n"
      "keeps what they already had but can read nothing written from now on, and what they\n"
      "wrote after the removal is discarded. Run `tumar sync` afterwards so the others learn of it.\n"
      "Example:\n  tumar member remove --network \"Shelters KZ\" Bota\n"
      "  tumar member remove --network \"Shelters KZ\" 09e467f72d05");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(net, s.network(args->network));
      const std::string label = network_label(net);
      const std::string flag = shell_word(args->network ? *args->network : net.name);
      TUMAR_TRY_ASSIGN(role, s.my_role(net.id));
      if (role != network::Role::kLead) {
        return cli::fail(core::Errc::kRefused,
                         concat({"Only a lead of \"", label,
                                  "\" can remove members; ask one of its leads (`tumar members --network ", flag,
                                  "` shows who they are)."}));
      }
      TUMAR_TRY_ASSIGN(entries, s.replica().directory().entries(net.id));
      TUMAR_TRY_ASSIGN(target, find_member(std::move(entries), args->member, label, flag, "remove"));
      if (target.member.identity.identity_key == s.my_key()) {
        return cli::fail(core::Errc::kInvalidArgument,
                         "You cannot remove yourself from a network; ask another lead to remove you.");
      }
      TUMAR_TRY_ASSIGN(written, s.author().remove(net.id, target.member.identity.identity_key, wall_clock_ms()));
      // One grant per remaining member but us (beside the removal and the epoch start).
      const auto rekeyed = static_cast<std::size_t>(
          std::count_if(written.envelopes.begin(), written.envelopes.end(), [](const auto& e) {
            auto parsed = network::parse_envelope(e);
            return parsed && parsed->header().kind == network::Kind::kEpochGrant;
          }));
      print(concat({"Removed ", describe(target), " from \"", label, "\".\n",
                    "A new epoch started; its key went to you and ", std::to_string(rekeyed),
                    rekeyed == 1 ? " other member" : " other members",
                    ". The removed member can read nothing written from now on.\n",
                    "Run `tumar sync` so the other members learn of it.\n"}));
      return {};
    };
  });
}

}  // namespace tumar::cli
