#include "cli/network_session.hpp"

#include "cli/commands/profile_commands.hpp"
#include "cli/front_end_error.hpp"
#include "cli/text_format.hpp"
#include "cli/urgent_banner.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli {

std::string id_prefix(const std::array<std::uint8_t, 32>& id) { return encoding::to_hex(id).substr(0, kIdPrefixChars); }

core::Result<std::string> member_display_name(network::Directory& directory, const network::NetworkId& net,
                                              const identity::IdentityKey& key) {
  TUMAR_TRY_ASSIGN(entries, directory.entries(net));
  for (const auto& e : entries) {
    if (e.member.identity.identity_key != key) continue;
    if (e.profile && !e.profile->display_name.empty()) return one_line(e.profile->display_name);
    break;
  }
  return concat({"member ", identity::fingerprint(key).substr(0, 11)});
}

std::string network_label(const network::NetworkRecord& net) {
  if (net.name.empty()) return concat({"network ", id_prefix(net.id)});
  return one_line(net.name);
}

std::string network_choices(const std::vector<network::NetworkRecord>& nets) {
  std::string out;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    if (i) out.append(", ");
    out.append(concat({"\"", network_label(nets[i]), "\" (", id_prefix(nets[i].id), ")"}));
  }
  return out;
}

CLI::Option* add_optional_text(CLI::App& cmd, const std::string& name, std::optional<std::string>& target,
                               const std::string& help) {
  return cmd.add_option_function<std::string>(
      name, [&target](const std::string& value) { target = value; }, help);
}

NetworkSession::NetworkSession(profile::Profile profile)
    : profile_(std::move(profile)), replica_(profile_.database(), profile_.identity()) {}

core::Result<std::unique_ptr<NetworkSession>> NetworkSession::open(const AppContext& ctx, bool json, bool banner) {
  crypto::SystemRandom rng;
  TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
  std::unique_ptr<NetworkSession> session(new NetworkSession(std::move(prof)));
  if (banner) print_urgent_banner(session->profile_, json);
  return session;
}

core::Result<network::NetworkRecord> NetworkSession::network(const std::optional<std::string>& flag) {
  if (flag) return replica_.store().resolve(*flag);
  TUMAR_TRY_ASSIGN(all, replica_.store().networks());
  if (all.size() == 1) return std::move(all.front());
  if (all.empty()) {
    return cli::fail(core::Errc::kInvalidArgument,
                     "You are not in any network yet. Create one with `tumar network create NAME`, or join one "
                     "with the invite a lead gave you (`tumar join`).");
  }
  return cli::fail(
      core::Errc::kInvalidArgument,
      concat({"You are in several networks; say which one with --network: ", network_choices(all), "."}));
}

core::Result<std::vector<network::NetworkRecord>> NetworkSession::networks(const std::optional<std::string>& flag) {
  if (!flag) return replica_.store().networks();
  TUMAR_TRY_ASSIGN(one, replica_.store().resolve(*flag));
  return std::vector<network::NetworkRecord>{std::move(one)};
}

core::Result<std::string> NetworkSession::member_name(const network::NetworkId& net, const identity::IdentityKey& key) {
  const auto k = std::make_pair(net, key);
  if (auto it = names_.find(k); it != names_.end()) return it->second;
  auto name = member_display_name(replica_.directory(), net, key);
  if (name) names_.emplace(k, *name);
  return name;
}

core::Result<std::optional<network::Role>> NetworkSession::my_role(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(me, replica_.directory().member(net, my_key()));
  if (!me || me->removed()) return std::optional<network::Role>{};
  return std::optional<network::Role>(me->role);
}

core::Result<std::string> NetworkSession::label(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(rec, replica_.store().network(net));
  if (!rec) return concat({"network ", id_prefix(net)});
  return network_label(*rec);
}

}  // namespace tumar::cli
