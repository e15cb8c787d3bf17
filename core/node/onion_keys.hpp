#pragma once
// This node's Tor secrets in the profile's encrypted store (the tor_key
// table, schema 9): the onion service's ED25519-V3 key, so the onion
// address stays the same across restarts and peers' profiles keep pointing
// at it, and our x25519 client-auth key (docs/PROTOCOL.md, "Onion client
// authorisation"), whose public half our member profiles carry. Each is read
// straight into sodium memory; a stored key of the wrong size is
// kTorStoredKeyDamaged (kCorrupt), never silently replaced: a new key would
// change our address or lock us out of every peer's onion service.

#include <optional>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/network/network_store.hpp"
#include "core/store/database.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::node {

// The stored onion service key, or nullopt before the first publication
// (then tor makes one: ADD_ONION NEW, and store_onion_service_key keeps it).
core::Result<std::optional<tor::OnionServiceKey>> load_onion_service_key(store::Database& db);
// Keeps `key`, replacing any stored one.
core::Result<void> store_onion_service_key(store::Database& db, const tor::OnionServiceKey& key);

struct ClientAuthKeypair {
  tor::ClientAuthPublicKey public_key;
  tor::ClientAuthPrivateKey private_key;
};

// Our client-auth keypair: the stored one, or a new one from `rng`, stored
// at once (only the private key is kept; the public key is derived). Two
// processes racing here end with the same stored key.
core::Result<ClientAuthKeypair> client_auth_keypair(store::Database& db, crypto::RandomSource& rng);

// The client-auth public key a profile we write carries: ours (made on first
// use) in a real profile, none in a demo one, whose networks are a training
// sandbox (SECURITY.md, "The trainer's demo") that is not published over Tor.
core::Result<std::optional<tor::ClientAuthPublicKey>> profile_client_key(network::NetworkStore& store,
                                                                         crypto::RandomSource& rng);

}  // namespace tumar::node
