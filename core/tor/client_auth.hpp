#pragma once
// Keys for Tor v3 onion client authorisation (docs/PROTOCOL.md, "Onion
// client authorisation"): an x25519 keypair per profile, whose public key
// the member's signed profile carries, and one derived from each invite's
// one-time secret, so a newcomer can reach the inviter's onion service
// before any directory holds her own key.

#include <cstdint>
#include <span>
#include <string_view>

#include "core/crypto/random.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::tor {

// The BLAKE2b key-derivation context of invite_client_auth_key. Changing it
// changes every invite's key: a new version gets a new string.
inline constexpr std::string_view kInviteClientAuthContext = "tumar onion client auth v1";

// The client-auth private key of an invite: BLAKE2b-256 keyed by the
// invite's 32-byte secret over kInviteClientAuthContext, clamped as X25519
// clamps (so the stored bytes are the scalar every implementation uses).
// Inviter and joiner both hold the secret, so both derive the same key.
[[nodiscard]] ClientAuthPrivateKey invite_client_auth_key(std::span<const std::uint8_t, 32> invite_secret);

// X25519 public key of a client-auth private key (crypto_scalarmult_base).
[[nodiscard]] ClientAuthPublicKey client_auth_public_key(const ClientAuthPrivateKey& key);

// A fresh, clamped client-auth private key from `rng`.
[[nodiscard]] ClientAuthPrivateKey new_client_auth_key(crypto::RandomSource& rng);

}  // namespace tumar::tor
