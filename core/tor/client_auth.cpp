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
  // Fails only for a point of small order, which a clamped scalar times the
  // base point never is; the key types make an unclamped scalar impossible
  // here only by convention, so the result is checked in the tests instead.
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
