#pragma once
// TEMPORARY: stand-ins for interfaces two branches deliver (onion keys and
// client auth; bridges and tor options). Deleted when they merge.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <sodium.h>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/store/bind.hpp"
#include "core/store/database.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::node {
inline core::Result<std::optional<tor::OnionServiceKey>> load_onion_service_key(store::Database& db) {
  TUMAR_TRY_ASSIGN(st, db.prepare("SELECT value FROM setting WHERE name = 'onion_key_shim'"));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<tor::OnionServiceKey>{};
  std::string hex = st.column_text(0);
  tor::OnionServiceKey key;
  std::size_t n = 0;
  sodium_hex2bin(key.data(), 64, hex.data(), hex.size(), nullptr, &n, nullptr);
  return std::optional<tor::OnionServiceKey>(std::move(key));
}
inline core::Result<void> store_onion_service_key(store::Database& db, const tor::OnionServiceKey& key) {
  char hex[129];
  sodium_bin2hex(hex, sizeof hex, key.data(), 64);
  return store::execute(db,
                        "INSERT INTO setting (name, value) VALUES ('onion_key_shim', ?1) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        std::string(hex));
}
struct ClientAuthKeypair {
  tor::ClientAuthPublicKey public_key{};
  tor::ClientAuthPrivateKey private_key;
};
inline core::Result<ClientAuthKeypair> client_auth_keypair(store::Database&, crypto::RandomSource&) {
  ClientAuthKeypair k;
  randombytes_buf(k.private_key.data(), 32);
  crypto_scalarmult_base(k.public_key.data(), k.private_key.data());
  return k;
}
inline core::Result<std::vector<tor::ClientAuthPublicKey>> authorized_onion_clients(network::NetworkReplica&,
                                                                                    const identity::IdentityKey&,
                                                                                    std::uint64_t) {
  return std::vector<tor::ClientAuthPublicKey>{};
}
inline core::Result<std::vector<std::vector<std::uint8_t>>> publish_reachability(network::NetworkReplica&,
                                                                                const identity::LocalIdentity&,
                                                                                crypto::RandomSource&,
                                                                                const std::string&,
                                                                                const tor::ClientAuthPublicKey&,
                                                                                std::uint64_t) {
  return std::vector<std::vector<std::uint8_t>>{};
}
}  // namespace tumar::node

namespace tumar::tor {
inline ClientAuthPrivateKey invite_client_auth_key(std::span<const std::uint8_t, 32> secret) {
  ClientAuthPrivateKey k;
  crypto_generichash(k.data(), 32, secret.data(), 32, nullptr, 0);
  return k;
}
}  // namespace tumar::tor

