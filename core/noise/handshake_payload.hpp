#pragma once
// The payload of XX messages 2 and 3 (tumar.proto.HandshakePayload) and the
// check that turns it into a proof token: the peer's identity proof must name
// the very Noise static key the handshake just authenticated (rs), and its
// binding signature must verify. Only authenticate_peer() can make an
// AuthenticatedPeer, and Established (tumar_handshake.hpp) needs one.
//
// Message 3 may also carry an invite proof (tumar.proto.InviteProof,
// docs/PROTOCOL.md, "Invites"): it is decoded here, strictly, and handed on
// unverified; only the holder of the invite's secret can check it
// (core/invite/invite_proof.hpp).
//
// The sandbox (SECURITY.md, "The trainer's demo"): a responder says in
// message 2 whether it runs a demo profile, and a joiner's invite proof
// says whether the joining profile is one, so that each side can refuse the
// other before the joiner's identity is shown or the invite is spent.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

inline constexpr std::size_t kInviteSecretLen = 32;  // the one-time secret in an invite code
inline constexpr std::size_t kInviteIdLen = 16;      // invite_id: keyed BLAKE2b-128 of the secret
inline constexpr std::size_t kInviteMacLen = 32;     // keyed BLAKE2b-256 over the handshake hash

// Which kind of profile a party runs. A demo profile (`tumar init --demo`)
// holds only demo networks and a real one only real networks, so a node's
// kind is also the kind of every network it serves. On the wire, kReal is
// the absent field (proto3's false): a real node's payloads are the same
// bytes as before the mark existed.
enum class ProfileKind : std::uint8_t { kReal = 0, kDemo = 1 };

// Canonical sizes, byte for byte (docs/PROTOCOL.md, "Handshake payload" and
// "Invites"):
//   payload without an invite: 1+2 + (2+32 + 2+32 + 2+64)             = 137
//   a demo responder's:        137 + (1+1)                             = 139
//   InviteProof (real joiner): (1+1+16) + (1+1+32)                     =  52
//   InviteProof (demo joiner): 52 + (1+1)                              =  54
//   payload with an invite:    137 + (1+1+52)                          = 191 (193 for a demo joiner)
// The limit is checked before parsing. It is well above the largest
// canonical payload so that a later field fits without changing the frame
// limits, which every node enforces from the length field alone.
inline constexpr std::size_t kHandshakePayloadV1Len = 137;
inline constexpr std::size_t kDemoMarkLen = 2;  // tag and value of `demo = true`
inline constexpr std::size_t kInviteProofLen = (2 + kInviteIdLen) + (2 + kInviteMacLen);
inline constexpr std::size_t kDemoInviteProofLen = kInviteProofLen + kDemoMarkLen;
inline constexpr std::size_t kHandshakePayloadWithInviteLen = kHandshakePayloadV1Len + 2 + kInviteProofLen;
inline constexpr std::size_t kMaxHandshakePayloadLen = 512;
static_assert(kInviteProofLen == 52 && kDemoInviteProofLen < 128, "one-byte length prefix inside the payload");
static_assert(kHandshakePayloadWithInviteLen == 191);
static_assert(kHandshakePayloadV1Len <= kHandshakePayloadWithInviteLen &&
              kHandshakePayloadWithInviteLen + kDemoMarkLen <= kMaxHandshakePayloadLen);

// The invite proof as it travels in message 3 (public values).
struct InviteProof {
  std::array<std::uint8_t, kInviteIdLen> invite_id{};
  std::array<std::uint8_t, kInviteMacLen> mac{};
  ProfileKind kind = ProfileKind::kReal;  // the joining profile's; the mac covers it
};

// An invite proof as the responder received it in message 3, with the
// handshake hash it must be bound to. Public values: the mac can only be
// checked (core/invite/invite_proof.hpp) by whoever holds the invite secret.
struct PresentedInvite {
  std::array<std::uint8_t, kInviteIdLen> invite_id{};
  std::array<std::uint8_t, kInviteMacLen> mac{};
  // The joining profile's kind, as the proof says (and its mac covers).
  ProfileKind kind = ProfileKind::kReal;
  // The responder's own h before it read message 3, never a value from the wire.
  std::array<std::uint8_t, kHashLen> handshake_hash{};
};

// The serialized payload that proves `me`, with an invite proof if given
// (message 3 of a joining initiator only), and `announced` as the sender's
// kind (message 2 of a responder only; an initiator's is always kReal,
// which is not encoded).
std::vector<std::uint8_t> encode_handshake_payload(const identity::PublicIdentity& me,
                                                   const std::optional<InviteProof>& invite = std::nullopt,
                                                   ProfileKind announced = ProfileKind::kReal);

// Which message a payload came in: only the initiator's message 3 may carry
// an invite.
enum class PayloadFrom { kResponder, kInitiator };

class AuthenticatedPeer {
 public:
  const identity::VerifiedIdentity& identity() const noexcept { return identity_; }
  // The invite proof the peer sent, undecided (initiators only).
  const std::optional<InviteProof>& invite() const noexcept { return invite_; }
  // The kind of profile a responder said it runs (kReal from an initiator,
  // whose payload never says; a joiner's kind is in its invite proof).
  ProfileKind kind() const noexcept { return kind_; }

 private:
  friend core::Result<AuthenticatedPeer> authenticate_peer(const PublicKey& remote_static,
                                                           std::span<const std::uint8_t> payload, PayloadFrom from);
  AuthenticatedPeer(identity::VerifiedIdentity id, std::optional<InviteProof> invite, ProfileKind kind)
      : identity_(std::move(id)), invite_(invite), kind_(kind) {}
  identity::VerifiedIdentity identity_;
  std::optional<InviteProof> invite_;
  ProfileKind kind_;
};

// Decodes `payload` strictly (size limit, canonical protobuf, exact key,
// signature, invite id and mac sizes; an invite only from the initiator, a
// profile kind in the payload only from the responder),
// checks in constant time that its noise_static_key equals remote_static,
// and verifies the binding signature. kProtocol for a malformed payload,
// kRefused for a proof that does not hold.
[[nodiscard]] core::Result<AuthenticatedPeer> authenticate_peer(const PublicKey& remote_static,
                                                                std::span<const std::uint8_t> payload,
                                                                PayloadFrom from);

}  // namespace tumar::noise
