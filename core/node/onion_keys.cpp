#include "core/node/onion_keys.hpp"

#include <span>
#include <string_view>

#include "core/error_ids.hpp"
#include "core/store/bind.hpp"
#include "core/tor/client_auth.hpp"

namespace tumar::node {
namespace {

// The tor_key rows' names: public, shown in kTorStoredKeyDamaged.
constexpr std::string_view kOnionServiceName = "onion_service";
constexpr std::string_view kClientAuthName = "client_auth";

// The key named `name`, copied from SQLite's buffer straight into sodium
// memory; nullopt if there is none.
template <std::size_t N>
core::Result<std::optional<crypto::Secret<N>>> load_key(store::Database& db, std::string_view name) {
  TUMAR_TRY_ASSIGN(st, store::prepare_bound(db, "SELECT key FROM tor_key WHERE name = ?1", name));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<crypto::Secret<N>>{};
  auto blob = st.column_blob(0);
  if (blob.size() != N) {
    return core::fail<core::ErrorId::kTorStoredKeyDamaged>(core::Errc::kCorrupt, name);
  }
  auto key = crypto::Secret<N>::copy_of(std::span<const std::uint8_t, N>(blob.data(), N));
  st.reset();  // SQLite's copy of the row goes now, not when the cached statement is reused
  return std::optional<crypto::Secret<N>>(std::move(key));
}

}  // namespace

core::Result<std::optional<tor::OnionServiceKey>> load_onion_service_key(store::Database& db) {
  return load_key<tor::kOnionKeyLen>(db, kOnionServiceName);
}

core::Result<void> store_onion_service_key(store::Database& db, const tor::OnionServiceKey& key) {
  return store::execute(db, "INSERT OR REPLACE INTO tor_key (name, key) VALUES (?1, ?2)", kOnionServiceName,
                        std::span<const std::uint8_t>(key.span()));
}

core::Result<ClientAuthKeypair> client_auth_keypair(store::Database& db, crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(stored, load_key<tor::kX25519KeyLen>(db, kClientAuthName));
  if (!stored) {
    // INSERT OR IGNORE, then read back: if another process stored one
    // first, we use its key, not ours.
    const tor::ClientAuthPrivateKey fresh = tor::new_client_auth_key(rng);
    TUMAR_TRY(store::execute(db, "INSERT OR IGNORE INTO tor_key (name, key) VALUES (?1, ?2)", kClientAuthName,
                             std::span<const std::uint8_t>(fresh.span())));
    TUMAR_TRY_ASSIGN(again, load_key<tor::kX25519KeyLen>(db, kClientAuthName));
    if (!again) return core::fail<core::ErrorId::kTorStoredKeyDamaged>(core::Errc::kCorrupt, kClientAuthName);
    stored = std::move(again);
  }
  ClientAuthKeypair pair{tor::client_auth_public_key(*stored), std::move(*stored)};
  return pair;
}

core::Result<std::optional<tor::ClientAuthPublicKey>> profile_client_key(network::NetworkStore& store,
                                                                         crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(demo, store.profile_is_demo());
  if (demo) return std::optional<tor::ClientAuthPublicKey>{};
  TUMAR_TRY_ASSIGN(pair, client_auth_keypair(store.database(), rng));
  return std::optional<tor::ClientAuthPublicKey>(pair.public_key);
}

}  // namespace tumar::node
