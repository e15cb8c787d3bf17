#pragma once
// One key per purpose (docs/PROTOCOL.md, "Keys derived from the epoch key"):
// the epoch key a lead grants is never used directly. Two subkeys are
// derived from it with libsodium's KDF (BLAKE2b keyed by the epoch key,
// subkey id as salt, an 8-byte context as personalisation):
//
//   envelope key       = crypto_kdf_derive_from_key(32, 1, "tumarenv", epoch key)
//                        the XChaCha20-Poly1305 key of every envelope's payload
//   recipient-tag key  = crypto_kdf_derive_from_key(32, 1, "tumartag", epoch key)
//                        the BLAKE2b key of direct messages' recipient tags
//
// Before, the epoch key was both the AEAD key and the tag's MAC key. Each
// use is believed safe alone, but no proof covers one key in two
// constructions; with subkeys nothing learnt about one use (a tag, a
// ciphertext) says anything about the key of the other.
//
// A derivation costs one BLAKE2b compression (well under a microsecond), so
// the subkey is derived where it is used rather than cached: opening an
// envelope also verifies an Ed25519 signature, about a hundred times more.

#include <cstdint>

#include "core/crypto/secret.hpp"

namespace tumar::network {

// crypto_kdf_CONTEXTBYTES = 8: exactly eight characters, no terminator used.
inline constexpr char kEnvelopeKeyContext[] = "tumarenv";
inline constexpr char kRecipientTagKeyContext[] = "tumartag";
inline constexpr std::uint64_t kEpochSubkeyId = 1;
static_assert(sizeof(kEnvelopeKeyContext) == 9 && sizeof(kRecipientTagKeyContext) == 9);

crypto::Secret<32> envelope_key(const crypto::Secret<32>& epoch_key);
crypto::Secret<32> recipient_tag_key(const crypto::Secret<32>& epoch_key);

}  // namespace tumar::network
