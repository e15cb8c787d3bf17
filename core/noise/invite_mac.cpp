#include "core/noise/invite_mac.hpp"

#include <sodium.h>

#include "core/crypto/sodium.hpp"

namespace tumar::noise {

static_assert(kInviteMacLen == crypto_verify_32_BYTES);
static_assert(kInviteSecretLen >= crypto_generichash_KEYBYTES_MIN && kInviteSecretLen <= crypto_generichash_KEYBYTES_MAX);

InviteMac invite_proof_mac(const crypto::Secret<kInviteSecretLen>& secret,
                           std::span<const std::uint8_t, kHashLen> handshake_hash, ProfileKind kind) {
  crypto::ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, secret.data(), kInviteSecretLen, kInviteMacLen);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kInviteProofContext.data()),
                            kInviteProofContext.size());
  crypto_generichash_update(&state, handshake_hash.data(), handshake_hash.size());
  const unsigned char kind_byte = kind == ProfileKind::kDemo ? 0x01 : 0x00;
  crypto_generichash_update(&state, &kind_byte, 1);
  InviteMac mac{};
  crypto_generichash_final(&state, mac.data(), mac.size());
  sodium_memzero(&state, sizeof state);  // it was keyed with the secret
  return mac;
}

}  // namespace tumar::noise
