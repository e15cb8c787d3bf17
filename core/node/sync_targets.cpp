#include "core/node/sync_targets.hpp"

#include "core/peers/peer_store.hpp"

namespace tumar::node {

core::Result<std::vector<SyncJob>> sync_targets(store::Database& db, const std::vector<peers::PeerAddress>& named) {
  peers::PeerStore store(db);
  std::vector<SyncJob> targets;
  if (named.empty()) {
    auto all = store.list();
    if (!all) return tl::unexpected(all.error());
    for (const auto& p : *all) targets.push_back(SyncJob{p.address, p.identity_key, std::nullopt, std::nullopt, std::nullopt});
    if (targets.empty()) {
      return core::fail(core::Errc::kInvalidArgument,
                        "You have no peers to sync with. Add one with: tumar peer add HOST:PORT --key KEY");
    }
    return targets;
  }
  for (const auto& address : named) {
    auto known = store.find(address);
    if (!known) return tl::unexpected(known.error());
    if (!*known) {
      return core::fail(core::Errc::kInvalidArgument, address.to_string() +
                                                          " is not on your allow list. Add it first: tumar peer add " +
                                                          address.to_string() + " --key KEY");
    }
    targets.push_back(SyncJob{(*known)->address, (*known)->identity_key, std::nullopt, std::nullopt, std::nullopt});
  }
  return targets;
}

}  // namespace tumar::node
