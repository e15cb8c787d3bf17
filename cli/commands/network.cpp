// tumar network create | list: found a network, and see the ones you are in.

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/error_text.hpp"
#include "cli/input_limits.hpp"
#include "cli/json_writer.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"
#include "core/network/object_limits.hpp"
#include "core/node/onion_keys.hpp"

namespace tumar::cli {
namespace {

void add_network_create(CLI::App& parent, AppContext& ctx) {
  auto name = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("create", "Found a new network, with you as its first lead");
  cmd->add_option("name", *name, "The network's name, as its members will see it (at most 80 bytes)")
      ->type_name("NAME")
      ->required();
  cmd->footer(
      "Your directory entry in the network starts with your display name; add more with\n"
      "`tumar profile set`. Then invite members with `tumar invite create`.\n"
      "Example:\n  tumar network create \"Shelters KZ\"");
  cmd->callback([&ctx, name] {
    ctx.action = [&ctx, name]() -> core::Result<void> {
      TUMAR_TRY(check_name("A network's name", *name, network::kMaxNetworkNameBytes));
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      const std::uint64_t now = wall_clock_ms();
      // A demo profile's networks are demo networks (the sandbox, SECURITY.md).
      TUMAR_TRY_ASSIGN(demo, s.replica().store().profile_is_demo());
      TUMAR_TRY_ASSIGN(id, s.author().create_network(*name, demo, now));
      const std::string label = one_line(*name);
      print(concat({"Created the network \"", label, "\". You are its first lead.\n",
                    "Network id: ", encoding::to_hex(id), "\n"}));
      network::ProfileFields fields;
      fields.display_name = s.profile().display_name();
      // Our onion client key, so members' nodes let ours in (docs/PROTOCOL.md,
      // "Onion client authorisation"); a demo profile has none.
      if (auto key = node::profile_client_key(s.replica().store(), s.rng()); key) fields.onion_client_key = *key;
      if (auto p = s.author().set_profile(id, fields, now); !p) {
        print(concat({"Your directory entry could not be written (", error_text(p.error()),
                      ")\nWrite it with: tumar profile set --network ", shell_word(*name), " --name NAME\n"}));
      } else {
        print(concat({"Members will see you as \"", one_line(fields.display_name),
                      "\"; add your organisation, region and contact with `tumar profile set`.\n"}));
      }
      print(concat({"Next: invite members with: tumar invite create --network ", shell_word(*name), "\n"}));
      return {};
    };
  });
}

struct NetworkRow {
  network::NetworkRecord net;
  std::optional<network::Role> role;
  bool admitted = false;  // false: joined, but our admission has not arrived (or we were removed)
  std::uint64_t members = 0;
  std::uint64_t objects = 0;
};

core::Result<NetworkRow> describe(NetworkSession& s, network::NetworkRecord net) {
  NetworkRow row;
  TUMAR_TRY_ASSIGN(entries, s.replica().directory().entries(net.id));
  for (const auto& e : entries) {
    if (!e.member.removed()) ++row.members;
  }
  TUMAR_TRY_ASSIGN(role, s.my_role(net.id));
  row.role = role;
  TUMAR_TRY_ASSIGN(objects, s.replica().store().object_count(net.id));
  row.objects = objects;
  row.net = std::move(net);
  return row;
}

std::string role_text(const NetworkRow& row) {
  if (row.role) return network::role_name(*row.role);
  return row.net.name.empty() ? "joining" : "not a member";
}

void add_network_list(CLI::App& parent, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = parent.add_subcommand("list", "Show the networks you are in");
  cmd->add_flag("--json", *json, "Print a JSON array instead of text");
  cmd->footer(
      "Shows each network's name, the start of its id (either may be given to --network),\n"
      "your role, how many current members it has and how many objects this node holds.\n"
      "Example:\n  tumar network list --json");
  cmd->callback([&ctx, json] {
    ctx.action = [&ctx, json]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, *json));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(nets, s.replica().store().networks());
      std::vector<NetworkRow> rows;
      for (auto& n : nets) {
        TUMAR_TRY_ASSIGN(row, describe(s, std::move(n)));
        rows.push_back(std::move(row));
      }
      if (*json) {
        std::vector<std::string> out;
        for (const auto& r : rows) {
          JsonObject o;
          o.add("name", r.net.name.empty() ? std::optional<std::string>() : std::optional<std::string>(r.net.name));
          o.add("id", encoding::to_hex(r.net.id));
          if (r.role) {
            o.add("role", network::role_name(*r.role));
          } else {
            o.add_null("role");
          }
          o.add("members", r.members).add("objects", r.objects).add("demo", r.net.is_demo);
          out.push_back(o.str());
        }
        print(concat({json_array(out), "\n"}));
        return {};
      }
      if (rows.empty()) {
        print(
            "You are not in any network yet. Create one with: tumar network create NAME\n"
            "or join one with the invite a lead gave you (tumar join).\n");
        return {};
      }
      std::string out;
      for (const auto& r : rows) {
        out.append(
            concat({network_label(r.net), r.net.is_demo ? " (demo)" : "", "\n  id ", id_prefix(r.net.id),
                    " · you: ", role_text(r), " · ", std::to_string(r.members), r.members == 1 ? " member" : " members",
                    " · ", std::to_string(r.objects), r.objects == 1 ? " object\n" : " objects\n"}));
        if (r.net.name.empty()) out.append("  waiting for the network's history: sync with a member.\n");
      }
      print(out);
      return {};
    };
  });
}

}  // namespace

void add_network_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("network", "Create a network, or list yours");
  cmd->require_subcommand(1);
  cmd->footer("Example:\n  tumar network create \"Shelters KZ\"\n  tumar network list");
  add_network_create(*cmd, ctx);
  add_network_list(*cmd, ctx);
}

}  // namespace tumar::cli
