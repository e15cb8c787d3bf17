// tumar member remove: a lead removes a member. The core writes the removal,
// starts a new epoch and grants its key to everyone who remains, so the
// removed member can read nothing written afterwards.
//
// MEMBER is matched with care, since removing the wrong person locks them
// out: an exact display name (ignoring ASCII case) or at least 8 hex digits
// of the identity key. Several matches is an error listing them all.

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli {
namespace {

// Fewer key digits than this are taken as a name only: "beef" or "Dada"
// must not remove whoever's key happens to start that way.
constexpr std::size_t kMinKeyDigits = 8;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool key_prefix_of(std::string_view lower_text, const identity::IdentityKey& key) {
  if (lower_text.size() < kMinKeyDigits || lower_text.size() > 64 ||
      lower_text.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return false;
  }
  return encoding::to_hex(key).rfind(lower_text, 0) == 0;
}

std::string describe(const network::DirectoryEntry& e) {
  const std::string name =
      e.profile && !e.profile->display_name.empty() ? one_line(e.profile->display_name) : std::string("(no profile)");
  return concat({name, "  key ", encoding::to_hex(e.member.identity.identity_key).substr(0, kKeyPrefixChars)});
}

core::Result<network::DirectoryEntry> find_member(std::vector<network::DirectoryEntry> entries, const std::string& text,
                                                  const std::string& net_label, const std::string& net_flag) {
  const std::string lower = ascii_lower(text);
  std::vector<network::DirectoryEntry> current, removed;
  for (auto& e : entries) {
    const bool by_name = e.profile && ascii_lower(e.profile->display_name) == lower;
    if (!by_name && !key_prefix_of(lower, e.member.identity.identity_key)) continue;
    (e.member.removed() ? removed : current).push_back(std::move(e));
  }
  if (current.size() == 1) return std::move(current.front());
  if (current.empty() && !removed.empty()) {
    return core::fail(core::Errc::kInvalidArgument,
                      concat({describe(removed.front()), " was already removed from \"", net_label, "\"."}));
  }
  if (current.empty()) {
    return core::fail(core::Errc::kInvalidArgument,
                      concat({"Nobody called \"", one_line(text), "\" is a member of \"", net_label,
                              "\". Give a display name exactly as `tumar members --network ", net_flag,
                              "` shows it, or at least 8 digits of the member's key."}));
  }
  std::string list;
  for (const auto& e : current) list.append(concat({"\n  ", describe(e)}));
  return core::fail(core::Errc::kInvalidArgument,
                    concat({"\"", one_line(text), "\" matches ", std::to_string(current.size()), " members of \"",
                            net_label, "\"; give more digits of the key of the one to remove:", list}));
}

}  // namespace

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
      auto session = NetworkSession::open(ctx, false);
      if (!session) return tl::unexpected(session.error());
      auto& s = **session;
      auto net = s.network(args->network);
      if (!net) return tl::unexpected(net.error());
      const std::string label = network_label(*net);
      const std::string flag = shell_word(args->network ? *args->network : net->name);
      auto role = s.my_role(net->id);
      if (!role) return tl::unexpected(role.error());
      if (*role != network::Role::kLead) {
        return core::fail(core::Errc::kRefused,
                          concat({"Only a lead of \"", label,
                                  "\" can remove members; ask one of its leads (`tumar members --network ", flag,
                                  "` shows who they are)."}));
      }
      auto entries = s.replica().directory().entries(net->id);
      if (!entries) return tl::unexpected(entries.error());
      auto target = find_member(std::move(*entries), args->member, label, flag);
      if (!target) return tl::unexpected(target.error());
      if (target->member.identity.identity_key == s.my_key()) {
        return core::fail(core::Errc::kInvalidArgument,
                          "You cannot remove yourself from a network; ask another lead to remove you.");
      }
      auto written = s.author().remove(net->id, target->member.identity.identity_key, wall_clock_ms());
      if (!written) return tl::unexpected(written.error());
      const std::size_t rekeyed = written->envelopes.size() - 1;  // one grant per remaining member but us
      print(concat({"Removed ", describe(*target), " from \"", label, "\".\n",
                    "A new epoch started; its key went to you and ", std::to_string(rekeyed),
                    rekeyed == 1 ? " other member" : " other members",
                    ". The removed member can read nothing written from now on.\n",
                    "Run `tumar sync` so the other members learn of it.\n"}));
      return {};
    };
  });
}

}  // namespace tumar::cli
