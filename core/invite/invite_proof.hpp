#pragma once
// Checking the proof a joining initiator presents in message 3 of the
// handshake (docs/PROTOCOL.md, "Invites"). The handshake makes the mac
// (core/noise/invite_mac.hpp: bound to this handshake's h and the joiner's
// kind); only the holder of the invite's secret can check it, here. The
// secret itself never crosses the wire.

#include "core/crypto/secret.hpp"
#include "core/noise/handshake_payload.hpp"
#include "core/noise/invite_mac.hpp"

namespace tumar::invite {

using noise::invite_proof_mac;
using noise::InviteMac;
using noise::kInviteProofContext;

// True if `presented` was made with `secret` in the handshake it came from:
// its invite_id is the secret's (invite_code.hpp, invite_id) and its mac is
// invite_proof_mac(secret, presented.handshake_hash, presented.kind). Both comparisons are
// constant time (crypto_verify_16/32), and both are always made.
[[nodiscard]] bool verify_invite_proof(const crypto::Secret<noise::kInviteSecretLen>& secret,
                                       const noise::PresentedInvite& presented);

}  // namespace tumar::invite
