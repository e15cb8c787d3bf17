#include "core/invite/invite_proof.hpp"

#include <sodium.h>

#include "core/invite/invite_code.hpp"

namespace tumar::invite {

static_assert(noise::kInviteMacLen == crypto_verify_32_BYTES);
static_assert(noise::kInviteIdLen == crypto_verify_16_BYTES);

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
