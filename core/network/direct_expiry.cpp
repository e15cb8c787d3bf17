#include "core/network/direct_expiry.hpp"

#include <sqlite3.h>

#include <optional>

#include "core/network/recipient_tag.hpp"
#include "core/store/statement.hpp"

namespace tumar::network {

core::Result<std::vector<ObjectId>> sweep_expired_direct(NetworkStore& store, const identity::IdentityKey& me,
                                                         std::uint64_t now_ms) {
  std::vector<ObjectId> removed;
  if (now_ms < kDirectLifetimeMs) return removed;  // nothing can be that old
  const std::uint64_t cutoff = now_ms - kDirectLifetimeMs;  // direct_expired(t) iff t <= cutoff
  std::optional<store::Transaction> txn;
  if (sqlite3_get_autocommit(store.database().handle()) != 0) {
    TUMAR_TRY_ASSIGN(begun, store::Transaction::begin(store.database()));
    txn.emplace(std::move(begun));
  }
  TUMAR_TRY_ASSIGN(networks, store.networks());
  for (const auto& n : networks) {
    // Our tags, one per epoch key we hold (as Messenger::receive finds them).
    TUMAR_TRY_ASSIGN(keys, store.all_epoch_keys(n.id));
    std::vector<identity::IdentityKey> ours;
    for (const auto& [epoch, key] : keys) ours.push_back(recipient_tag(key, me));
    TUMAR_TRY_ASSIGN(gone, store.delete_direct_stamped_before(n.id, cutoff, ours));
    removed.insert(removed.end(), gone.begin(), gone.end());
  }
  if (txn) {
    TUMAR_TRY(txn->commit());
  }
  return removed;
}

}  // namespace tumar::network
