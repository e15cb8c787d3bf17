#include "core/node/sync_targets.hpp"

#include <map>
#include <string>

#include "core/error_ids.hpp"
#include "core/network/directory.hpp"
#include "core/peers/peer_store.hpp"

namespace tumar::node {
namespace {

SyncJob job_for(const peers::PeerAddress& address, std::optional<identity::IdentityKey> key) {
  return SyncJob{address, key, std::nullopt, std::nullopt, std::nullopt};
}

// Every address someone vouched for, keyed by its canonical spelling, in a
// stable order: the allow list first (its pinned key, if any, wins), then
// members' published addresses with the member's key pinned.
core::Result<std::map<std::string, SyncJob>> vouched(store::Database& db, const identity::IdentityKey& me) {
  std::map<std::string, SyncJob> out;
  peers::PeerStore allow(db);
  TUMAR_TRY_ASSIGN(listed, allow.list());
  for (const auto& p : listed) out.emplace(p.address.to_string(), job_for(p.address, p.identity_key));

  network::Directory directory(db);
  TUMAR_TRY_ASSIGN(nets, directory.networks_of(me));
  for (const auto& net : nets) {
    TUMAR_TRY_ASSIGN(entries, directory.entries(net));
    for (const auto& e : entries) {
      if (e.member.removed() || !e.profile || e.member.identity.identity_key == me) continue;
      for (const auto& text : e.profile->addresses) {
        auto address = peers::parse_peer_address(text);
        if (!address) continue;  // decode_profile let only canonical ones in
        auto [it, inserted] = out.emplace(address->to_string(), job_for(*address, e.member.identity.identity_key));
        // An allow-list entry without a key learns the member's.
        if (!inserted && !it->second.identity_key) it->second.identity_key = e.member.identity.identity_key;
      }
    }
  }
  return out;
}

}  // namespace

core::Result<std::vector<SyncJob>> dialable_peers(store::Database& db, const identity::IdentityKey& me) {
  TUMAR_TRY_ASSIGN(known, vouched(db, me));
  std::vector<SyncJob> out;
  for (auto& [key, job] : known) out.push_back(std::move(job));
  return out;
}

core::Result<std::vector<SyncJob>> sync_targets(store::Database& db, const identity::IdentityKey& me,
                                                const std::vector<peers::PeerAddress>& named) {
  TUMAR_TRY_ASSIGN(known, vouched(db, me));
  std::vector<SyncJob> targets;
  if (named.empty()) {
    for (auto& [key, job] : known) targets.push_back(std::move(job));
    if (targets.empty()) return core::fail<core::ErrorId::kNodeNoPeers>(core::Errc::kInvalidArgument);
    return targets;
  }
  for (const auto& address : named) {
    auto it = known.find(address.to_string());
    if (it == known.end()) {
      return core::fail<core::ErrorId::kNodeNotOnAllowList>(core::Errc::kInvalidArgument, address.to_string());
    }
    targets.push_back(job_for(it->second.address, it->second.identity_key));
  }
  return targets;
}

}  // namespace tumar::node
