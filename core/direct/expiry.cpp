#include "core/direct/expiry.hpp"

#include "core/direct/session_store.hpp"
#include "core/network/direct_expiry.hpp"
#include "core/store/statement.hpp"

namespace tumar::direct {

core::Result<ExpiryReport> expire_direct_metadata(network::NetworkStore& store, const identity::IdentityKey& me,
                                                  std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(store.database()));
  ExpiryReport report;
  TUMAR_TRY_ASSIGN(objects, network::sweep_expired_direct(store, me, now_ms));
  report.objects = std::move(objects);
  TUMAR_TRY_ASSIGN(keys, SessionStore(store.database()).expire_skipped_keys(now_ms));
  report.skipped_keys = keys;
  TUMAR_TRY(txn.commit());
  return report;
}

}  // namespace tumar::direct
