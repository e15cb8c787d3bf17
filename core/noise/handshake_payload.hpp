#pragma once
// The payload of XX messages 2 and 3 (tumar.proto.HandshakePayload) and the
// check that turns it into a proof token: the peer's identity proof must name
// the very Noise static key the handshake just authenticated (rs), and its
// binding signature must verify. Only authenticate_peer() can make an
// AuthenticatedPeer, and Established (tumar_handshake.hpp) needs one.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

// Canonical size of a v1 payload: 1+2 + (2+32 + 2+32 + 2+64) = 137 bytes. The
// limit leaves room for the reserved invite field and is checked before parsing.
inline constexpr std::size_t kHandshakePayloadV1Len = 137;
inline constexpr std::size_t kMaxHandshakePayloadLen = 512;
static_assert(kHandshakePayloadV1Len <= kMaxHandshakePayloadLen);

// The serialized payload that proves `me` (no invite in protocol v1).
std::vector<std::uint8_t> encode_handshake_payload(const identity::PublicIdentity& me);

class AuthenticatedPeer {
 public:
  const identity::VerifiedIdentity& identity() const noexcept { return identity_; }

 private:
  friend core::Result<AuthenticatedPeer> authenticate_peer(const PublicKey& remote_static,
                                                           std::span<const std::uint8_t> payload);
  explicit AuthenticatedPeer(identity::VerifiedIdentity id) : identity_(std::move(id)) {}
  identity::VerifiedIdentity identity_;
};

// Decodes `payload` strictly (size limit, canonical protobuf, exact key and
// signature sizes, empty invite), checks in constant time that its
// noise_static_key equals remote_static, and verifies the binding signature.
// kProtocol for a malformed payload, kRefused for a proof that does not hold.
[[nodiscard]] core::Result<AuthenticatedPeer> authenticate_peer(const PublicKey& remote_static,
                                                                std::span<const std::uint8_t> payload);

}  // namespace tumar::noise
