#pragma once
// tumar's transport handshake (docs/PROTOCOL.md, "Transport"):
//
//   Noise_XX_25519_ChaChaPoly_BLAKE2b, prologue "tumar/1"
//     -> e                      message 1: no payload
//     <- e, ee, s, es           message 2: payload = HandshakePayload(responder's identity proof
//                                                                     [, demo mark])
//     -> s, se                  message 3: payload = HandshakePayload(initiator's identity proof
//                                                                     [, invite proof bound to h
//                                                                        and to the joiner's kind])
//
// A sans-I/O state machine: bytes in, bytes out, randomness passed in. Each
// state is a type; a transition consumes the old state. On receiving message
// 2 (initiator) or 3 (responder) the peer's identity proof must name the
// Noise static key the handshake just authenticated and its binding signature
// must verify; only then is an Established built, and it cannot be built
// without that proof token (AuthenticatedPeer).
//
// ADMISSION IS NOT DECIDED HERE. Established says who the peer is (a verified
// identity key), not whether the peer is welcome. The caller must check that
// the identity is a member of a network both share, or that the invite it
// presented is valid (core/invite/invite_proof.hpp), before it passes any
// data, and close the connection otherwise.
//
// Failure: the first error is kept; every later call returns it. The peer is
// told nothing; the caller just closes the connection, so every failure looks
// the same to the peer.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/handshake_payload.hpp"
#include "core/noise/handshake_state.hpp"
#include "core/noise/transport.hpp"

namespace tumar::noise {

inline constexpr std::string_view kTumarPrologue = "tumar/1";
inline constexpr std::string_view kTumarProtocolName = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::size_t kMessage1Len = kDhLen;                                         // e
inline constexpr std::size_t kMessage2MinLen = kDhLen + (kDhLen + kTagLen) + kTagLen;       // e, s, payload
inline constexpr std::size_t kMessage2MaxLen = kMessage2MinLen + kMaxHandshakePayloadLen;
inline constexpr std::size_t kMessage3MinLen = (kDhLen + kTagLen) + kTagLen;                // s, payload
inline constexpr std::size_t kMessage3MaxLen = kMessage3MinLen + kMaxHandshakePayloadLen;
static_assert(kMessage2MaxLen <= kMaxMessageLen && kMessage3MaxLen <= kMaxMessageLen);

// The result of a successful handshake: who the peer proved to be, the
// handshake hash (for channel binding), and the transport keys.
class Established {
 public:
  Established(Established&&) noexcept = default;
  Established& operator=(Established&&) noexcept = default;

  // The peer's identity, proven in this handshake. Not an admission decision.
  const identity::VerifiedIdentity& peer() const noexcept { return peer_.identity(); }
  const std::array<std::uint8_t, kHashLen>& handshake_hash() const noexcept { return handshake_hash_; }
  // Responder: the invite proof the initiator presented in message 3, with
  // the h it must be bound to; NOT VERIFIED (only the secret's holder can).
  // Always nullopt on the initiator.
  const std::optional<PresentedInvite>& presented_invite() const noexcept { return presented_invite_; }

  // The transport for this connection. Call once, after admitting the peer.
  Transport into_transport() &&;

 private:
  friend class TumarHandshake;
  Established(AuthenticatedPeer peer, HandshakeResult result, std::optional<PresentedInvite> invite) noexcept;

  AuthenticatedPeer peer_;
  std::array<std::uint8_t, kHashLen> handshake_hash_{};
  std::optional<PresentedInvite> presented_invite_;
  CipherState send_;
  CipherState receive_;
};

// What a joining initiator presents in message 3: the invite's public id and
// its one-time secret, from which the proof for this handshake is computed,
// and the kind of the joining profile, which the proof states. The secret
// never crosses the wire.
struct InviteCredential {
  std::array<std::uint8_t, kInviteIdLen> invite_id{};
  crypto::Secret<kInviteSecretLen> secret;
  ProfileKind kind = ProfileKind::kReal;
};

// What one call produced: a Noise message to frame and send, and/or the
// established session.
struct HandshakeStep {
  std::optional<std::vector<std::uint8_t>> send;
  std::optional<Established> established;
};

namespace state {
// Initiator: Start → AwaitingMessage2 → Complete.
struct Start { HandshakeState noise; };
struct AwaitingMessage2 { HandshakeState noise; };
// Responder: AwaitingMessage1 → AwaitingMessage3 → Complete.
struct AwaitingMessage1 { HandshakeState noise; };
struct AwaitingMessage3 { HandshakeState noise; };
// Established was handed out; nothing more is expected.
struct Complete {};
struct Failed { core::Error error; };
}  // namespace state

class TumarHandshake {
 public:
  // `me` is copied (its Noise secret into protected memory); it need not outlive the handshake.
  //
  // expected_responder: the identity key the dialer means to reach, if it
  // knows it (a peer from the directory). Message 3 reveals our identity, so
  // if the responder proves a different identity the initiator refuses
  // (kRefused) BEFORE writing message 3: an impostor at the dialled address
  // learns nothing about who dialled. Without it, our identity goes to any
  // responder that completes message 2 (Noise §7.8: XX's initiator identity
  // is hidden only from parties that are not the authenticated responder).
  //
  // invite: a proof of it, bound to this handshake's h, goes in message 3
  // (docs/PROTOCOL.md, "Invites"). It needs expected_responder (the
  // inviter's key from the code), so that only the inviter ever sees it or
  // learns who is joining; an invite without one aborts (a caller bug).
  // A responder whose message 2 announces another kind of profile than
  // invite->kind (a demo node to a real joiner, or the reverse) is refused
  // (kRefused) before message 3 too: a joiner never shows who it is to a
  // network of the other kind.
  static TumarHandshake initiator(const identity::LocalIdentity& me,
                                  std::optional<identity::IdentityKey> expected_responder = std::nullopt,
                                  std::optional<InviteCredential> invite = std::nullopt);
  // kind: the kind of profile this node runs, announced in message 2.
  static TumarHandshake responder(const identity::LocalIdentity& me, ProfileKind kind = ProfileKind::kReal);

  // Initiator only: writes message 1 (-> e).
  [[nodiscard]] core::Result<HandshakeStep> start(crypto::RandomSource& rng);
  // Consumes one Noise message (a frame body) from the peer.
  [[nodiscard]] core::Result<HandshakeStep> receive(std::span<const std::uint8_t> message,
                                                    crypto::RandomSource& rng);

  // "awaiting message 2", "failed" ... for logs.
  std::string_view state_name() const noexcept;
  bool failed() const noexcept { return std::holds_alternative<state::Failed>(state_); }

 private:
  using State = std::variant<state::Start, state::AwaitingMessage1, state::AwaitingMessage2,
                             state::AwaitingMessage3, state::Complete, state::Failed>;
  TumarHandshake(State state, const identity::PublicIdentity& me, ProfileKind announced);
  core::Result<HandshakeStep> fail(core::Error error);

  core::Result<HandshakeStep> write_message1(state::Start&& s, crypto::RandomSource& rng);
  core::Result<HandshakeStep> read_message1(state::AwaitingMessage1&& s, std::span<const std::uint8_t> message,
                                            crypto::RandomSource& rng);
  core::Result<HandshakeStep> read_message2(state::AwaitingMessage2&& s, std::span<const std::uint8_t> message,
                                            crypto::RandomSource& rng);
  core::Result<HandshakeStep> read_message3(state::AwaitingMessage3&& s, std::span<const std::uint8_t> message);

  State state_;
  identity::PublicIdentity me_;
  std::vector<std::uint8_t> own_payload_;  // our HandshakePayload without an invite, with a responder's kind (public)
  std::optional<identity::IdentityKey> expected_responder_;
  std::optional<InviteCredential> invite_;  // initiator only
};

}  // namespace tumar::noise
