#pragma once
// Which peers `tumar sync` dials: with no address named, every peer on the
// allow list and every current member of our networks whose profile says
// where its node can be reached (MemberProfile.addresses); with addresses
// named, only those, each of which must be one of these. Never an address
// nobody vouched for: dialling one would hand our identity (Noise message
// 3) to whoever answers there. A member's address is dialled with that
// member's identity key pinned, so only that member gets past message 2.

#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/node/sync_job.hpp"
#include "core/peers/peer_address.hpp"
#include "core/store/database.hpp"

namespace tumar::node {

// Everyone we may dial, one job per address: the allow list, then current
// members' published addresses with their keys pinned (an allow-list entry
// without a key takes the member's). A serving node keeps a connection to
// each (engine.hpp, redial), so members gossip without the lead online.
[[nodiscard]] core::Result<std::vector<SyncJob>> dialable_peers(store::Database& db, const identity::IdentityKey& me);

// kInvalidArgument when there is no one to dial (node.no_peers), or a named
// address is neither on the allow list nor a member's (node.not_on_allow_list).
// `me` is left out: our own profile's addresses are ours.
[[nodiscard]] core::Result<std::vector<SyncJob>> sync_targets(store::Database& db, const identity::IdentityKey& me,
                                                              const std::vector<peers::PeerAddress>& named);

}  // namespace tumar::node
