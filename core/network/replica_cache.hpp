#pragma once
// What judging an object reads about its surroundings — the network's row,
// its author's member row, the keys we hold for its epoch — kept while one
// batch is judged, so a batch of notes by one author reads each once
// instead of once per object (NetworkReplica::ingest_in_transaction).
//
// Correctness rests on two rules, both enforced by the replica:
//   * the cache lives for one ingest_in_transaction call and starts empty,
//     so nothing written between calls (a local author storing a new epoch
//     key, another process) is ever missed;
//   * judging an object of any kind that may change these rows (genesis,
//     admission, removal, grant — and any kind added later, unless it is
//     listed in leaves_rows_alone) empties it before and after, so a
//     removal early in a batch is seen by every later object in it.
// It caches only what the database said, absent rows included; it never
// decides anything itself.

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/crypto/secret.hpp"
#include "core/network/directory.hpp"
#include "core/network/network_store.hpp"

namespace tumar::network {

class ReplicaCache {
 public:
  // Whether accepting an object of this kind leaves the network, member and
  // epoch_key rows as they were. A new kind counts as changing them until
  // it is listed here: the safe default.
  static bool leaves_rows_alone(Kind kind) noexcept {
    // Prekeys and direct messages add an object and nothing else: no
    // member row, no epoch key.
    return kind == Kind::kNote || kind == Kind::kProfile || kind == Kind::kBroadcast || kind == Kind::kPrekeys ||
           kind == Kind::kDirect;
  }

  // While inactive every lookup goes to the database and nothing is kept.
  void activate() noexcept {
    clear();
    active_ = true;
  }
  void deactivate() noexcept {
    clear();
    active_ = false;
  }
  void clear() noexcept {
    networks_.clear();
    members_.clear();
    keys_.clear();  // Secret wipes its guarded memory on destruction
  }

  // The stores are passed in, not held: a replica that owns this cache may
  // be moved.
  core::Result<std::optional<NetworkRecord>> network(NetworkStore& store, const NetworkId& id) {
    if (!active_) return store.network(id);
    if (auto it = networks_.find(id); it != networks_.end()) return it->second;
    auto r = store.network(id);
    if (r) networks_.emplace(id, *r);
    return r;
  }

  core::Result<std::optional<MemberRecord>> member(Directory& directory, const NetworkId& net,
                                                   const identity::IdentityKey& key) {
    if (!active_) return directory.member(net, key);
    const auto k = std::make_pair(net, key);
    if (auto it = members_.find(k); it != members_.end()) return it->second;
    auto r = directory.member(net, key);
    if (r) members_.emplace(k, *r);
    return r;
  }

  // The keys we hold for (net, epoch). The pointer stays valid until the
  // next clear(); use it at once.
  core::Result<const std::vector<crypto::Secret<32>>*> epoch_keys(NetworkStore& store, const NetworkId& net,
                                                                  std::uint64_t epoch) {
    const auto k = std::make_pair(net, epoch);
    if (!active_) {
      keys_.clear();  // inactive: hold only the answer being used, always fresh
    } else if (auto it = keys_.find(k); it != keys_.end()) {
      return &it->second;
    }
    TUMAR_TRY_ASSIGN(r, store.epoch_keys(net, epoch));
    return &keys_.emplace(k, std::move(r)).first->second;
  }

 private:
  bool active_ = false;
  std::map<NetworkId, std::optional<NetworkRecord>> networks_;
  std::map<std::pair<NetworkId, identity::IdentityKey>, std::optional<MemberRecord>> members_;
  std::map<std::pair<NetworkId, std::uint64_t>, std::vector<crypto::Secret<32>>> keys_;
};

}  // namespace tumar::network
