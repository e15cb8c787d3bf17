#pragma once
// Runs LocalAuthor::rekey_if_exposed for every network we lead: after two
// leads removed two members concurrently, the current epoch's key may be
// in a removed member's hands, and a lead's node closes that by starting a
// new epoch (docs/NETWORKS.md, "Epochs and removal"). The node engine runs
// it every few seconds while serving and floods what it wrote, and before a
// sync round connects, so the round carries the new grants. A failure never fails the command:
// it is logged, and the next run tries again.

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"

namespace tumar::node {

struct Rekeyed {
  std::vector<std::string> networks;                  // names, for the user
  std::vector<std::vector<std::uint8_t>> envelopes;  // the grants, to push
};

Rekeyed rekey_exposed_networks(network::NetworkReplica& replica, const identity::LocalIdentity& me,
                               crypto::RandomSource& rng, std::uint64_t now_ms);

}  // namespace tumar::node
