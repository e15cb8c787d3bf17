#pragma once
// Who may reach our onion service (docs/PROTOCOL.md, "Onion client
// authorisation"): the ClientAuthV3 list a node publishes its service with.
// Only those listed can fetch its descriptor, so a stranger who learned the
// onion address cannot even reach the handshake, and a removal revokes
// access at the next publication.

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::node {

// Sorted, each key once, from every network where `me` is a current member:
//  - the onion client key in the profile of each current member but us;
//  - the key derived from each of our invites there (tor/client_auth.hpp)
//    that is unused and unexpired at `now_ms`, or used by someone who is a
//    current member but whose profile carries no key yet, so a newcomer is
//    not locked out before her own key reaches us.
// A removed member's key stays only if she is a current member of another
// of our networks.
core::Result<std::vector<tor::ClientAuthPublicKey>> authorized_onion_clients(network::NetworkReplica& replica,
                                                                              const identity::IdentityKey& me,
                                                                              std::uint64_t now_ms);

}  // namespace tumar::node
