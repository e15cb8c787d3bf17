#pragma once
// The mac a joining initiator puts in message 3 of the handshake
// (docs/PROTOCOL.md, "Invites"):
//
//   mac = BLAKE2b-256(key = invite secret, "tumar/invite-proof/v2" || h || kind)
//
// where h is the Noise handshake hash as it stands when the initiator
// writes message 3 (the responder has the same h before it reads message
// 3). h covers both ephemeral keys and the responder's static key, so the
// mac is good for this one handshake only: a recorded proof cannot be
// replayed in another, and a proof made for another responder is useless
// here. The secret itself never crosses the wire.
//
// The handshake makes the mac, so it lives here; checking a presented proof
// needs the invite's records and is core/invite/invite_proof.hpp's.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/crypto/secret.hpp"
#include "core/noise/handshake_payload.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

inline constexpr std::string_view kInviteProofContext = "tumar/invite-proof/v2";
using InviteMac = std::array<std::uint8_t, kInviteMacLen>;

// The mac above, for a joining profile of `kind` in the handshake whose
// hash is `handshake_hash`.
InviteMac invite_proof_mac(const crypto::Secret<kInviteSecretLen>& secret,
                           std::span<const std::uint8_t, kHashLen> handshake_hash, ProfileKind kind);

}  // namespace tumar::noise
