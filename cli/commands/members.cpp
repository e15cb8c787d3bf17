// tumar members: the member directory of one network, or of all of yours.

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/json_writer.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli {
namespace {

std::string entry_json(const network::NetworkRecord& net, const network::DirectoryEntry& e, bool is_me) {
  const auto& key = e.member.identity.identity_key;
  JsonObject o;
  o.add("network", encoding::to_hex(net.id));
  o.add("network_name", net.name);
  o.add("identity_key", encoding::to_hex(key));
  o.add("fingerprint", identity::fingerprint(key));
  o.add("role", network::role_name(e.member.role));
  o.add("removed", e.member.removed());
  o.add("you", is_me);
  if (e.profile) {
    o.add("name", e.profile->display_name);
    o.add("organisation", e.profile->organisation);
    o.add("region", e.profile->region);
    o.add("languages", e.profile->languages);
    o.add("services", e.profile->services);
    o.add("contact", e.profile->contact);
    o.add("addresses", e.profile->addresses);
    // A public key (which node may reach the member's onion services), for
    // checking that a newcomer's key arrived.
    if (e.profile->onion_client_key) {
      o.add("onion_client_key", encoding::to_hex(*e.profile->onion_client_key));
    } else {
      o.add_null("onion_client_key");
    }
  } else {
    for (const char* field :
         {"name", "organisation", "region", "languages", "services", "contact", "addresses", "onion_client_key"}) {
      o.add_null(field);
    }
  }
  return o.str();
}

void append_field(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out.append(labelled(label, value, 4));
}

std::string entry_text(const network::DirectoryEntry& e, bool is_me) {
  const auto& key = e.member.identity.identity_key;
  std::string out;
  const std::string name =
      e.profile && !e.profile->display_name.empty() ? one_line(e.profile->display_name) : "(no profile yet)";
  out.append(concat({"  ", name, " — ", network::role_name(e.member.role), e.member.removed() ? ", REMOVED" : "",
                     is_me ? " (you)" : "", "\n"}));
  if (e.profile) {
    append_field(out, "organisation: ", one_line(e.profile->organisation));
    append_field(out, "region:       ", one_line(e.profile->region));
    append_field(out, "languages:    ", list_text(e.profile->languages));
    append_field(out, "services:     ", list_text(e.profile->services));
    append_field(out, "contact:      ", one_line(e.profile->contact));
    append_field(out, "reachable at: ", list_text(e.profile->addresses));
  }
  out.append(concat({"    key:          ", encoding::to_hex(key).substr(0, kKeyPrefixChars), "…\n",
                     "    fingerprint:  ", identity::fingerprint(key), "\n"}));
  return out;
}

}  // namespace

void add_members_command(CLI::App& app, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("members", "Show the member directory of your networks");
  cmd->add_option("--network", args->network, "Only this network (its name, or the start of its id)")->type_name("NET");
  cmd->add_flag("--json", args->json, "Print a JSON array (one object per member and network) instead of text");
  cmd->footer(
      "For each member: name, organisation, region, languages, services and contact as they\n"
      "wrote them, their role, the start of their identity key and their fingerprint (compare\n"
      "it with the one they read to you), and whether they were removed.\n"
      "Example:\n  tumar members --network \"Shelters KZ\"");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(nets, s.networks(args->network));
      std::vector<std::string> json;
      std::string text;
      for (const auto& net : nets) {
        TUMAR_TRY_ASSIGN(entries, s.replica().directory().entries(net.id));
        std::size_t current = 0;
        for (const auto& e : entries) current += !e.member.removed();
        if (!text.empty()) text.push_back('\n');
        text.append(concat({"Network \"", network_label(net), "\" (", id_prefix(net.id), "): ", std::to_string(current),
                            current == 1 ? " member\n" : " members\n"}));
        for (const auto& e : entries) {
          const bool is_me = e.member.identity.identity_key == s.my_key();
          if (args->json) {
            json.push_back(entry_json(net, e, is_me));
          } else {
            text.append(entry_text(e, is_me));
          }
        }
      }
      if (args->json) {
        print(concat({json_array(json), "\n"}));
      } else if (nets.empty()) {
        print("You are not in any network yet. Create one with: tumar network create NAME\n");
      } else {
        print(text);
      }
      return {};
    };
  });
}

}  // namespace tumar::cli
