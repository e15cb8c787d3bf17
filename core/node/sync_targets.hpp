#pragma once
// Which peers `tumar sync` dials: every peer on the allow list, or only the
// named ones — each of which must be on it, because dialling an unknown
// address would hand our identity (Noise message 3) to whoever answers there.

#include <vector>

#include "core/error.hpp"
#include "core/node/sync_job.hpp"
#include "core/peers/peer_address.hpp"
#include "core/store/database.hpp"

namespace tumar::node {

// kInvalidArgument when the allow list is empty, or a named address is not on it.
[[nodiscard]] core::Result<std::vector<SyncJob>> sync_targets(store::Database& db,
                                                              const std::vector<peers::PeerAddress>& named);

}  // namespace tumar::node
