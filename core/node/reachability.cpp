#include "core/node/reachability.hpp"

#include <optional>

#include "core/network/local_author.hpp"
#include "core/network/object_limits.hpp"
#include "core/peers/peer_address.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::node {
namespace {

bool is_onion(const std::string& address) {
  auto parsed = peers::parse_peer_address(address);
  return parsed && parsed->host.ends_with(tor::kOnionSuffix);
}

// Our onion address first, then the other addresses we published that are
// not onion addresses (an old service's address would only cost peers a
// failed dial), as many as fit.
std::vector<std::string> with_onion_first(const std::string& onion, const std::vector<std::string>& addresses) {
  std::vector<std::string> out{onion};
  for (const auto& a : addresses) {
    if (out.size() == network::kMaxProfileAddresses) break;
    if (!is_onion(a)) out.push_back(a);
  }
  return out;
}

}  // namespace

core::Result<std::vector<std::vector<std::uint8_t>>> publish_reachability(network::NetworkReplica& replica,
                                                                          const identity::LocalIdentity& me,
                                                                          crypto::RandomSource& rng,
                                                                          const std::string& onion_address,
                                                                          const tor::ClientAuthPublicKey& client_key,
                                                                          std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(parsed, peers::parse_peer_address(onion_address));
  TUMAR_TRY(tor::check_onion_host(parsed.host));
  const std::string onion = parsed.to_string();
  const auto& my_key = me.public_identity().identity_key;

  std::vector<std::vector<std::uint8_t>> written;
  network::LocalAuthor author(replica, me, rng);
  TUMAR_TRY_ASSIGN(networks, replica.directory().networks_of(my_key));
  for (const auto& net : networks) {
    TUMAR_TRY_ASSIGN(entries, replica.directory().entries(net));
    std::optional<network::ProfileRecord> mine;
    for (auto& e : entries) {
      if (e.member.identity.identity_key == my_key) mine = std::move(e.profile);
    }
    if (!mine) continue;
    std::vector<std::string> addresses = with_onion_first(onion, mine->addresses);
    if (addresses == mine->addresses && mine->onion_client_key == client_key) continue;
    network::ProfileFields fields;
    fields.display_name = mine->display_name;
    fields.organisation = mine->organisation;
    fields.region = mine->region;
    fields.contact = mine->contact;
    fields.languages = mine->languages;
    fields.services = mine->services;
    fields.addresses = std::move(addresses);
    fields.onion_client_key = client_key;
    TUMAR_TRY_ASSIGN(w, author.set_profile(net, fields, now_ms));
    for (auto& env : w.envelopes) written.push_back(std::move(env));
  }
  return written;
}

}  // namespace tumar::node
