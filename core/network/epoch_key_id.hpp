#pragma once
// The public id of an epoch key (docs/NETWORKS.md, "Epochs"): a 16-byte
// commitment every replica can compare without learning the key. A genesis
// and an epoch start name the id of the key they create, a grant the id of
// the newest key it hands over; a node writes only under a key whose id an
// accepted start (or the genesis) names, so no lead can move the network
// onto a key of its choosing with grants alone.
//
//   id = crypto_kdf_derive_from_key(16, subkey 1, context "tmkeyid1", key)
//
// BLAKE2b keyed with the epoch key (libsodium's KDF): a PRF output, which
// says nothing about the key, under a context no other derivation uses.

#include "core/crypto/secret.hpp"
#include "core/network/envelope.hpp"

namespace tumar::network {

inline constexpr char kKeyIdContext[] = "tmkeyid1";  // crypto_kdf_CONTEXTBYTES = 8
inline constexpr std::uint64_t kKeyIdSubkey = 1;

KeyId epoch_key_id(const crypto::Secret<32>& key);

}  // namespace tumar::network
