#pragma once
// The allow list: peers this profile has been told about with `tumar peer
// add`. Until networks exist (docs/PROTOCOL.md, "Admission") it is also the
// admission rule: an inbound peer is admitted only if its identity key is
// recorded here, and a dialled peer must prove the key recorded for its
// address. A peer added without a key has its key recorded the first time a
// sync reaches it (trust on first use), and is pinned from then on.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/store/database.hpp"

namespace tumar::peers {

struct PeerRecord {
  PeerAddress address;
  std::optional<identity::IdentityKey> identity_key;
  std::int64_t added_at = 0;                    // unix seconds
  std::optional<std::int64_t> last_synced_at;   // unix seconds
};

enum class AddOutcome { kAdded, kKeyRecorded, kUnchanged };

class PeerStore {
 public:
  explicit PeerStore(store::Database& db) : db_(db) {}

  // Records address (and key). An address already recorded with a different
  // key is refused (kRefused): replacing a pinned key must be deliberate
  // (`peer remove`, then `peer add`), since it is what an impostor would want.
  [[nodiscard]] core::Result<AddOutcome> add(const PeerAddress& address,
                                             const std::optional<identity::IdentityKey>& key, std::int64_t now);
  // false if the address was not recorded.
  [[nodiscard]] core::Result<bool> remove(const PeerAddress& address);
  [[nodiscard]] core::Result<std::vector<PeerRecord>> list();
  [[nodiscard]] core::Result<std::optional<PeerRecord>> find(const PeerAddress& address);
  // Is this identity recorded for any address?
  [[nodiscard]] core::Result<bool> is_allowed(const identity::IdentityKey& key);
  // Trust on first use: records the key for an address that has none yet.
  [[nodiscard]] core::Result<void> record_key(const PeerAddress& address, const identity::IdentityKey& key);
  [[nodiscard]] core::Result<void> mark_synced(const PeerAddress& address, std::int64_t now);

 private:
  store::Database& db_;
};

}  // namespace tumar::peers
