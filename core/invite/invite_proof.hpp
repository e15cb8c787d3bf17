#pragma once
// The proof a joining initiator presents in message 3 of the handshake
// (docs/PROTOCOL.md, "Invites"):
//
//   mac = BLAKE2b-256(key = invite secret, "tumar/invite-proof/v1" || h)
//
// where h is the Noise handshake hash as it stands when the initiator
// writes message 3 (the responder has the same h before it reads message
// 3). h covers both ephemeral keys and the responder's static key, so the
// mac is good for this one handshake only: a recorded proof cannot be
// replayed in another, and a proof made for another responder is useless
// here. The secret itself never crosses the wire.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/crypto/secret.hpp"
#include "core/noise/handshake_payload.hpp"

namespace tumar::invite {

inline constexpr std::string_view kInviteProofContext = "tumar/invite-proof/v2";
using InviteMac = std::array<std::uint8_t, noise::kInviteMacLen>;

// The mac above, for a joining profile of `kind` in the handshake whose
// hash is `handshake_hash`.
InviteMac invite_proof_mac(const crypto::Secret<noise::kInviteSecretLen>& secret,
                           std::span<const std::uint8_t, noise::kHashLen> handshake_hash, noise::ProfileKind kind);

// True if `presented` was made with `secret` in the handshake it came from:
// its invite_id is the secret's (invite_code.hpp, invite_id) and its mac is
// invite_proof_mac(secret, presented.handshake_hash, presented.kind). Both comparisons are
// constant time (crypto_verify_16/32), and both are always made.
[[nodiscard]] bool verify_invite_proof(const crypto::Secret<noise::kInviteSecretLen>& secret,
                                       const noise::PresentedInvite& presented);

}  // namespace tumar::invite
