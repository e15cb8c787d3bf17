#include "core/node/onion_clients.hpp"

#include <algorithm>
#include <map>

#include "core/tor/client_auth.hpp"

namespace tumar::node {

core::Result<std::vector<tor::ClientAuthPublicKey>> authorized_onion_clients(network::NetworkReplica& replica,
                                                                              const identity::IdentityKey& me,
                                                                              std::uint64_t now_ms) {
  std::vector<tor::ClientAuthPublicKey> keys;
  const auto now_s = static_cast<std::int64_t>(now_ms / 1000);
  TUMAR_TRY_ASSIGN(networks, replica.directory().networks_of(me));
  for (const auto& net : networks) {
    TUMAR_TRY_ASSIGN(entries, replica.directory().entries(net));
    // Current members other than us, and whether their profile has a key yet.
    std::map<identity::IdentityKey, bool> has_key;
    for (const auto& e : entries) {
      const auto& who = e.member.identity.identity_key;
      if (who == me || e.member.removed()) continue;
      const bool keyed = e.profile && e.profile->onion_client_key;
      has_key[who] = keyed;
      if (keyed) keys.push_back(*e.profile->onion_client_key);
    }
    TUMAR_TRY_ASSIGN(invites, replica.store().invites(net));
    for (const auto& invite : invites) {
      bool listed = false;
      if (!invite.used_at) {
        // As node_admission refuses it: expired from its expiry second on.
        listed = now_s < invite.expires_at;
      } else if (invite.used_by) {
        const auto it = has_key.find(*invite.used_by);
        listed = it != has_key.end() && !it->second;
      }
      if (listed) keys.push_back(tor::client_auth_public_key(tor::invite_client_auth_key(invite.secret.span())));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace tumar::node
