#pragma once
// What the network commands (network, members, member, profile, note,
// broadcast) share: the unlocked profile with its replica, the urgent
// banner shown once it is open, and NET as the user gives it (or leaves out).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app_context.hpp"
#include "core/crypto/random.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {

// Characters of an id shown in listings and accepted back (note ids, network ids).
inline constexpr std::size_t kIdPrefixChars = 12;
// Characters of an identity key shown in the member directory.
inline constexpr std::size_t kKeyPrefixChars = 16;

std::string id_prefix(const std::array<std::uint8_t, 32>& id);

// A member's display name as their profile gives it (made safe to print),
// else "member <fingerprint start>".
core::Result<std::string> member_display_name(network::Directory& directory, const network::NetworkId& net,
                                              const identity::IdentityKey& key);
// The network's name for a sentence: "Shelters KZ", or "network <id start>"
// while its history has not arrived.
std::string network_label(const network::NetworkRecord& net);

class NetworkSession {
 public:
  // Unlocks the profile; in text mode, then prints the urgent banner to
  // stderr (pass banner = false for `broadcast list`, which shows them all).
  static core::Result<std::unique_ptr<NetworkSession>> open(const AppContext& ctx, bool json, bool banner = true);

  NetworkSession(const NetworkSession&) = delete;
  NetworkSession& operator=(const NetworkSession&) = delete;

  profile::Profile& profile() noexcept { return profile_; }
  network::NetworkReplica& replica() noexcept { return replica_; }
  network::LocalAuthor author() { return network::LocalAuthor(replica_, profile_.identity(), rng_); }
  crypto::RandomSource& rng() noexcept { return rng_; }
  const identity::IdentityKey& my_key() const noexcept { return profile_.identity().public_identity().identity_key; }

  // The network --network names; without it, the only network there is.
  // With none or several (and no --network), a sentence listing them.
  core::Result<network::NetworkRecord> network(const std::optional<std::string>& flag);
  // --network's network, or every network.
  core::Result<std::vector<network::NetworkRecord>> networks(const std::optional<std::string>& flag);

  // member_display_name, remembered for the rest of the command.
  core::Result<std::string> member_name(const network::NetworkId& net, const identity::IdentityKey& key);
  // Our role in `net`: nullopt when we are not (or no longer) a member.
  core::Result<std::optional<network::Role>> my_role(const network::NetworkId& net);
  // network_label of a network id.
  core::Result<std::string> label(const network::NetworkId& net);

 private:
  explicit NetworkSession(profile::Profile profile);

  crypto::SystemRandom rng_;
  profile::Profile profile_;
  network::NetworkReplica replica_;
  std::map<std::pair<network::NetworkId, identity::IdentityKey>, std::string> names_;
};

// An option whose value may be empty: CLI11 turns `--region ""` into an
// unset std::optional, but an empty value is how a field is cleared.
CLI::Option* add_optional_text(CLI::App& cmd, const std::string& name, std::optional<std::string>& target,
                               const std::string& help);

// "Shelters KZ, Legal aid" — for sentences listing the networks to choose from.
std::string network_choices(const std::vector<network::NetworkRecord>& nets);

}  // namespace tumar::cli
