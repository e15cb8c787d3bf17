#include "core/invite/invite_proof.hpp"

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/invite/invite_code.hpp"

namespace tumar::invite {

static_assert(noise::kInviteMacLen == crypto_verify_32_BYTES);
static_assert(noise::kInviteIdLen == crypto_verify_16_BYTES);
static_assert(noise::kInviteSecretLen >= crypto_generichash_KEYBYTES_MIN &&
              noise::kInviteSecretLen <= crypto_generichash_KEYBYTES_MAX);

InviteMac invite_proof_mac(const crypto::Secret<noise::kInviteSecretLen>& secret,
                           std::span<const std::uint8_t, noise::kHashLen> handshake_hash, noise::ProfileKind kind) {
  crypto::ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, secret.data(), noise::kInviteSecretLen, noise::kInviteMacLen);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kInviteProofContext.data()),
                            kInviteProofContext.size());
  crypto_generichash_update(&state, handshake_hash.data(), handshake_hash.size());
  const unsigned char kind_byte = kind == noise::ProfileKind::kDemo ? 0x01 : 0x00;
  crypto_generichash_update(&state, &kind_byte, 1);
  InviteMac mac{};
  crypto_generichash_final(&state, mac.data(), mac.size());
  sodium_memzero(&state, sizeof state);  // it was keyed with the secret
  return mac;
}

bool verify_invite_proof(const crypto::Secret<noise::kInviteSecretLen>& secret,
                         const noise::PresentedInvite& presented) {
  const InviteId id = invite_id(secret);
  InviteMac mac = invite_proof_mac(secret, presented.handshake_hash, presented.kind);
  const bool id_ok = crypto_verify_16(id.data(), presented.invite_id.data()) == 0;
  const bool mac_ok = crypto_verify_32(mac.data(), presented.mac.data()) == 0;
  sodium_memzero(mac.data(), mac.size());
  return id_ok & mac_ok;
}

}  // namespace tumar::invite
