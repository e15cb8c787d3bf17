// tumar profile set: your own entry in a network's member directory.
// Fields not given keep the value your current entry has; an empty value
// (--region "") clears a field.

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/input_limits.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/network/object_limits.hpp"
#include "core/node/onion_keys.hpp"
#include "core/peers/peer_address.hpp"

namespace tumar::cli {
namespace {

struct ProfileArgs {
  std::optional<std::string> network;
  std::optional<std::string> name, organisation, region, languages, services, contact, addresses;

  bool any() const { return name || organisation || region || languages || services || contact || addresses; }
};

// Our current directory entry in `net`, or one holding only the profile's
// display name if we have not written one there yet.
core::Result<network::ProfileFields> current_fields(NetworkSession& s, const network::NetworkId& net) {
  network::ProfileFields f;
  f.display_name = s.profile().display_name();
  TUMAR_TRY_ASSIGN(entries, s.replica().directory().entries(net));
  for (const auto& e : entries) {
    if (e.member.identity.identity_key != s.my_key() || !e.profile) continue;
    f.display_name = e.profile->display_name;
    f.organisation = e.profile->organisation;
    f.region = e.profile->region;
    f.contact = e.profile->contact;
    f.languages = e.profile->languages;
    f.services = e.profile->services;
    f.addresses = e.profile->addresses;
    // Not a field a person edits: the node keeps it (docs/PROTOCOL.md,
    // "Onion client authorisation"), and dropping it would lock us out of
    // our peers' onion services at their next publication.
    f.onion_client_key = e.profile->onion_client_key;
  }
  return f;
}

std::string show(const network::ProfileFields& f) {
  std::string out;
  auto line = [&out](std::string_view label, std::string_view value) {
    out.append(labelled(label, value.empty() ? std::string_view("-") : value, 2));
  };
  line("name:         ", one_line(f.display_name));
  line("organisation: ", one_line(f.organisation));
  line("region:       ", one_line(f.region));
  line("languages:    ", list_text(f.languages));
  line("services:     ", list_text(f.services));
  line("contact:      ", one_line(f.contact));
  line("reachable at: ", list_text(f.addresses));
  return out;
}

}  // namespace

void add_profile_command(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<ProfileArgs>();
  auto* profile = app.add_subcommand("profile", "Your entry in a network's member directory");
  profile->require_subcommand(1);
  profile->footer("Example:\n  tumar profile set --organisation \"Almaty crisis centre\" --languages Kazakh,Russian");
  auto* cmd = profile->add_subcommand("set", "Change what members of a network see about you");
  cmd->add_option("--network", args->network,
                  "The network (its name, or the start of its id); may be left out if you are in only one")
      ->type_name("NET");
  add_optional_text(*cmd, "--name", args->name, "Your display name in this network (at most 80 bytes)")
      ->type_name("NAME");
  add_optional_text(*cmd, "--organisation", args->organisation, "The organisation you work with")->type_name("TEXT");
  add_optional_text(*cmd, "--region", args->region, "Where you work, e.g. a city or region")->type_name("TEXT");
  add_optional_text(*cmd, "--languages", args->languages, "Languages you work in, separated by commas")
      ->type_name("A,B");
  add_optional_text(*cmd, "--services", args->services, "What you offer, separated by commas")->type_name("A,B");
  add_optional_text(*cmd, "--contact", args->contact, "How members can reach you (at most 300 bytes)")
      ->type_name("TEXT");
  add_optional_text(*cmd, "--address", args->addresses,
                    "Where your node (`tumar serve`) can be reached, HOST:PORT, several separated by commas: "
                    "members' `tumar sync` dials it")
      ->type_name("HOST:PORT");
  cmd->footer(
      "Every member of the network sees these fields. Fields you leave out keep their current\n"
      "value; an empty value (--contact \"\") clears one. Lists: at most 16 items of 40 bytes.\n"
      "Example:\n  tumar profile set --network \"Shelters KZ\" --region Almaty --services \"legal aid,shelter\"");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      if (!args->any()) {
        return cli::fail(core::Errc::kInvalidArgument,
                         "Nothing to change: give at least one of --name, --organisation, --region, --languages, "
                         "--services, --contact or --address.");
      }
      // Every limit checked before the passphrase is asked for.
      if (args->name) TUMAR_TRY(check_name("Your display name", *args->name, network::kMaxNameBytes));
      if (args->organisation) TUMAR_TRY(check_length("An organisation", *args->organisation, network::kMaxNameBytes));
      if (args->region) TUMAR_TRY(check_length("A region", *args->region, network::kMaxNameBytes));
      if (args->contact) TUMAR_TRY(check_length("A contact", *args->contact, network::kMaxContactBytes));
      if (args->languages) {
        TUMAR_TRY(check_list("Your entry", "languages", split_commas(*args->languages), network::kMaxListItems,
                             network::kMaxListItemBytes));
      }
      if (args->services) {
        TUMAR_TRY(check_list("Your entry", "services", split_commas(*args->services), network::kMaxListItems,
                             network::kMaxListItemBytes));
      }
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(net, s.network(args->network));
      TUMAR_TRY_ASSIGN(fields, current_fields(s, net.id));
      if (args->name) fields.display_name = *args->name;  // checked above
      if (args->organisation) fields.organisation = *args->organisation;
      if (args->region) fields.region = *args->region;
      if (args->contact) fields.contact = *args->contact;
      if (args->languages) fields.languages = split_commas(*args->languages);
      if (args->services) fields.services = split_commas(*args->services);
      if (args->addresses) {
        fields.addresses.clear();
        for (const auto& text : split_commas(*args->addresses)) {
          TUMAR_TRY_ASSIGN(address, peers::parse_peer_address(text));
          const std::string canonical = address.to_string();
          if (std::find(fields.addresses.begin(), fields.addresses.end(), canonical) == fields.addresses.end()) {
            fields.addresses.push_back(canonical);
          }
        }
        if (fields.addresses.size() > network::kMaxProfileAddresses) {
          return cli::fail(core::Errc::kInvalidArgument,
                           concat({"At most ", std::to_string(network::kMaxProfileAddresses),
                                   " addresses; you gave ", std::to_string(fields.addresses.size()), "."}));
        }
      }
      // An entry written before profiles carried the key gets ours now
      // (none in a demo profile).
      if (!fields.onion_client_key) {
        TUMAR_TRY_ASSIGN(key, node::profile_client_key(s.replica().store(), s.rng()));
        fields.onion_client_key = key;
      }
      TUMAR_TRY(s.author().set_profile(net.id, fields, wall_clock_ms()));
      print(concat({"Your entry in \"", network_label(net), "\" is now:\n", show(fields),
                    "Members see it within seconds while your `tumar serve` runs and is connected, else at their next `tumar sync`.\n"}));
      return {};
    };
  });
}

}  // namespace tumar::cli
