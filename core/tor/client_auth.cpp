#include "core/tor/client_auth.hpp"

#include <sodium.h>

namespace tumar::tor {
namespace {
// RFC 7748 section 5's clamping. crypto_scalarmult_base clamps a copy
// anyway; clamping the stored key too means tor, libsodium and a test vector
// all see one canonical scalar.
void clamp(std::span<std::uint8_t, kX25519KeyLen> k) noexcept {
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
}
}  // namespace

ClientAuthPrivateKey invite_client_auth_key(std::span<const std::uint8_t, 32> invite_secret) {
  static_assert(crypto_generichash_KEYBYTES_MIN <= 32 && 32 <= crypto_generichash_KEYBYTES_MAX);
  ClientAuthPrivateKey key;
  crypto_generichash(key.data(), kX25519KeyLen,
                     reinterpret_cast<const unsigned char*>(kInviteClientAuthContext.data()),
                     kInviteClientAuthContext.size(), invite_secret.data(), invite_secret.size());
  clamp(key.span());
  return key;
}

ClientAuthPublicKey client_auth_public_key(const ClientAuthPrivateKey& key) {
  ClientAuthPublicKey pub{};
  // Fails only when the product is the identity. crypto_scalarmult_base
  // clamps its own copy of any key, and a clamped scalar (a multiple of 8 in
  // [2^254, 2^255)) is never a multiple of the base point's odd order (about
  // 2^252), so that cannot happen.
  (void)crypto_scalarmult_base(pub.data(), key.data());
  return pub;
}

ClientAuthPrivateKey new_client_auth_key(crypto::RandomSource& rng) {
  ClientAuthPrivateKey key;
  rng.fill(key.span());
  clamp(key.span());
  return key;
}

}  // namespace tumar::tor
