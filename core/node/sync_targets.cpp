#include "core/node/sync_targets.hpp"

#include "core/error_ids.hpp"
#include "core/peers/peer_store.hpp"

namespace tumar::node {

core::Result<std::vector<SyncJob>> sync_targets(store::Database& db, const std::vector<peers::PeerAddress>& named) {
  peers::PeerStore store(db);
  std::vector<SyncJob> targets;
  if (named.empty()) {
    TUMAR_TRY_ASSIGN(all, store.list());
    for (const auto& p : all) targets.push_back(SyncJob{p.address, p.identity_key, std::nullopt, std::nullopt, std::nullopt});
    if (targets.empty()) return core::fail<core::ErrorId::kNodeNoPeers>(core::Errc::kInvalidArgument);
    return targets;
  }
  for (const auto& address : named) {
    TUMAR_TRY_ASSIGN(known, store.find(address));
    if (!known) {
      return core::fail<core::ErrorId::kNodeNotOnAllowList>(core::Errc::kInvalidArgument, address.to_string());
    }
    targets.push_back(SyncJob{known->address, known->identity_key, std::nullopt, std::nullopt, std::nullopt});
  }
  return targets;
}

}  // namespace tumar::node
