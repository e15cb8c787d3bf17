#include "core/direct/expiry.hpp"

#include "core/direct/session_store.hpp"
#include "core/network/direct_expiry.hpp"
#include "core/store/statement.hpp"

namespace tumar::direct {

core::Result<ExpiryReport> expire_direct_metadata(network::NetworkStore& store, const identity::IdentityKey& me,
                                                  std::uint64_t now_ms) {
  auto txn = store::Transaction::begin(store.database());
  if (!txn) return tl::unexpected(txn.error());
  ExpiryReport report;
  auto objects = network::sweep_expired_direct(store, me, now_ms);
  if (!objects) return tl::unexpected(objects.error());
  report.objects = std::move(*objects);
  auto keys = SessionStore(store.database()).expire_skipped_keys(now_ms);
  if (!keys) return tl::unexpected(keys.error());
  report.skipped_keys = *keys;
  if (auto c = txn->commit(); !c) return tl::unexpected(c.error());
  return report;
}

}  // namespace tumar::direct
