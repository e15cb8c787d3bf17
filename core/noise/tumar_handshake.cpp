// tumar's handshake:
//
//   Noise_XX_25519_ChaChaPoly_BLAKE2b, prologue "tumar/1"
//     -> e
//     <- e, ee, s, es     payload: responder's HandshakePayload [+ demo mark]
//     -> s, se            payload: initiator's HandshakePayload [+ invite proof bound to h and the joiner's kind]
//
// The token work itself (// e, // ee, // s, // es, // se) is done by
// HandshakeState::write_message/read_message, driven by the XX entry of the
// pattern table; this file sequences the messages, checks sizes and the
// identity proofs, and names what was expected when something else arrives.

#include "core/error.hpp"
#include "core/noise/tumar_handshake.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "core/error_ids.hpp"
#include "core/noise/invite_mac.hpp"

namespace tumar::noise {

namespace {

const Pattern& xx() {
  static const Pattern* const pattern = find_pattern("XX");
  if (pattern == nullptr) core::misuse("noise: the XX pattern is missing from the table");
  return *pattern;
}

HandshakeState make_noise(const identity::LocalIdentity& me, Role role) {
  const auto prologue = std::span(reinterpret_cast<const std::uint8_t*>(kTumarPrologue.data()), kTumarPrologue.size());
  KeyPair s{crypto::Secret<kDhLen>::copy_of(me.noise_secret().span()), me.public_identity().noise_key};
  auto hs = HandshakeState::initialize(HandshakeConfig{&xx(), role, prologue, std::move(s), {}, {}, {}});
  if (!hs) core::misuse("noise: XX initialization with a static key failed");
  return std::move(*hs);
}

// `message`: which of the three handshake messages (1, 2 or 3).
core::Error rejected(int message) {
  return core::make_error<core::ErrorId::kNoiseMessageRejected>(core::Errc::kProtocol, message);
}

}  // namespace

// ---- Established ------------------------------------------------------------

Established::Established(AuthenticatedPeer peer, HandshakeResult result,
                         std::optional<PresentedInvite> invite) noexcept
    : peer_(std::move(peer)),
      handshake_hash_(result.handshake_hash),
      presented_invite_(invite),
      send_(std::move(result.send)),
      receive_(std::move(result.receive)) {}

Transport Established::into_transport() && { return Transport(std::move(send_), std::move(receive_)); }

// ---- TumarHandshake ---------------------------------------------------------

TumarHandshake::TumarHandshake(State state, const identity::PublicIdentity& me, ProfileKind announced)
    : state_(std::move(state)), me_(me), own_payload_(encode_handshake_payload(me, std::nullopt, announced)) {}

TumarHandshake TumarHandshake::initiator(const identity::LocalIdentity& me,
                                         std::optional<identity::IdentityKey> expected_responder,
                                         std::optional<InviteCredential> invite) {
  if (invite && !expected_responder) core::misuse("noise: an invite must go only to the inviter: pin its identity key");
  // An initiator announces no kind in its payload; a joiner's is in its invite proof.
  TumarHandshake hs(state::Start{make_noise(me, Role::kInitiator)}, me.public_identity(), ProfileKind::kReal);
  hs.expected_responder_ = expected_responder;
  hs.invite_ = std::move(invite);
  return hs;
}

TumarHandshake TumarHandshake::responder(const identity::LocalIdentity& me, ProfileKind kind) {
  return TumarHandshake(state::AwaitingMessage1{make_noise(me, Role::kResponder)}, me.public_identity(), kind);
}

std::string_view TumarHandshake::state_name() const noexcept {
  switch (state_.index()) {
    case 0: return "not started";
    case 1: return "awaiting message 1";
    case 2: return "awaiting message 2";
    case 3: return "awaiting message 3";
    case 4: return "complete";
    default: return "failed";
  }
}

core::Result<HandshakeStep> TumarHandshake::fail(core::Error error) {
  state_ = state::Failed{error};  // destroys (and so wipes) the Noise state
  return tl::unexpected<core::Error>(std::move(error));
}

core::Result<HandshakeStep> TumarHandshake::start(crypto::RandomSource& rng) {
  if (auto* s = std::get_if<state::Start>(&state_)) return write_message1(std::move(*s), rng);
  if (auto* f = std::get_if<state::Failed>(&state_)) return tl::unexpected<core::Error>(f->error);
  if (std::holds_alternative<state::AwaitingMessage1>(state_)) {
    return fail(core::make_error<core::ErrorId::kNoiseStartAsResponder>(core::Errc::kInvalidArgument));
  }
  if (std::holds_alternative<state::Complete>(state_)) {
    return fail(core::make_error<core::ErrorId::kNoiseStartWhenComplete>(core::Errc::kInvalidArgument));
  }
  return fail(core::make_error<core::ErrorId::kNoiseStartAgain>(core::Errc::kInvalidArgument));
}

core::Result<HandshakeStep> TumarHandshake::receive(std::span<const std::uint8_t> message, crypto::RandomSource& rng) {
  if (auto* s = std::get_if<state::AwaitingMessage1>(&state_)) return read_message1(std::move(*s), message, rng);
  if (auto* s = std::get_if<state::AwaitingMessage2>(&state_)) return read_message2(std::move(*s), message, rng);
  if (auto* s = std::get_if<state::AwaitingMessage3>(&state_)) return read_message3(std::move(*s), message);
  if (auto* f = std::get_if<state::Failed>(&state_)) return tl::unexpected<core::Error>(f->error);
  if (std::holds_alternative<state::Start>(state_)) {
    return fail(core::make_error<core::ErrorId::kNoisePeerSentFirst>(core::Errc::kProtocol, message.size()));
  }
  return fail(core::make_error<core::ErrorId::kNoiseAfterComplete>(core::Errc::kProtocol, message.size()));
}

// Initiator: -> e
core::Result<HandshakeStep> TumarHandshake::write_message1(state::Start&& s, crypto::RandomSource& rng) {
  auto m1 = s.noise.write_message({}, rng);  // // e; message 1 has no payload
  if (!m1) return fail(m1.error());
  HandshakeStep step;
  step.send = std::move(*m1);
  state_ = state::AwaitingMessage2{std::move(s.noise)};
  return step;
}

// Responder: read -> e; write <- e, ee, s, es
core::Result<HandshakeStep> TumarHandshake::read_message1(state::AwaitingMessage1&& s,
                                                          std::span<const std::uint8_t> message,
                                                          crypto::RandomSource& rng) {
  // Exactly e and nothing else: message 1 is in clear, so it may carry no payload.
  if (message.size() != kMessage1Len) {
    return fail(
        core::make_error<core::ErrorId::kNoiseMessage1Size>(core::Errc::kProtocol, message.size(), kMessage1Len));
  }
  auto payload = s.noise.read_message(message);  // // e
  if (!payload || !payload->empty()) return fail(rejected(1));
  auto m2 = s.noise.write_message(own_payload_, rng);  // // e, ee, s, es + our identity proof
  if (!m2) return fail(m2.error().code() == core::Errc::kProtocol ? rejected(1) : m2.error());
  HandshakeStep step;
  step.send = std::move(*m2);
  state_ = state::AwaitingMessage3{std::move(s.noise)};
  return step;
}

// Initiator: read <- e, ee, s, es; check the responder's proof; write -> s, se
core::Result<HandshakeStep> TumarHandshake::read_message2(state::AwaitingMessage2&& s,
                                                          std::span<const std::uint8_t> message,
                                                          crypto::RandomSource& rng) {
  if (message.size() < kMessage2MinLen || message.size() > kMessage2MaxLen) {
    return fail(core::make_error<core::ErrorId::kNoiseMessage2Size>(core::Errc::kProtocol, message.size(),
                                                                   kMessage2MinLen, kMessage2MaxLen));
  }
  auto payload = s.noise.read_message(message);  // // e, ee, s, es
  if (!payload) return fail(rejected(2));
  // rs is authenticated by es: only its private key could have produced this payload.
  auto peer = authenticate_peer(*s.noise.remote_static(), *payload, PayloadFrom::kResponder);
  if (!peer) return fail(peer.error());
  // Our identity is about to be revealed: only to the party we meant to reach.
  if (expected_responder_ &&
      !crypto::constant_time_equal(*expected_responder_, peer->identity().identity().identity_key)) {
    return fail(core::make_error<core::ErrorId::kNoiseOtherIdentity>(core::Errc::kRefused));
  }
  // A joiner shows itself only to a network of its own kind (the sandbox,
  // SECURITY.md "The trainer's demo"). The inviter's node checks the same
  // again, from our proof, before it spends the invite.
  if (invite_ && peer->kind() != invite_->kind) {
    return fail(invite_->kind == ProfileKind::kDemo
                    ? core::make_error<core::ErrorId::kNoiseInviterRealJoinerDemo>(core::Errc::kRefused)
                    : core::make_error<core::ErrorId::kNoiseInviterDemoJoinerReal>(core::Errc::kRefused));
  }
  std::vector<std::uint8_t> payload3;
  if (invite_) {
    // Bound to h as it stands now, before message 3: the responder has the
    // same h before it reads message 3, and no other handshake has it.
    auto mac = invite_proof_mac(invite_->secret, s.noise.handshake_hash(), invite_->kind);
    payload3 = encode_handshake_payload(me_, InviteProof{invite_->invite_id, mac, invite_->kind});
    crypto::wipe(mac);
    invite_.reset();  // one proof per handshake; the secret is wiped now
  }
  auto m3 = s.noise.write_message(payload3.empty() ? own_payload_ : payload3, rng);  // // s, se + our proof(s)
  crypto::wipe(payload3);  // the mac is good for this handshake only, but it need not linger
  if (!m3) return fail(m3.error());
  HandshakeStep step;
  step.send = std::move(*m3);
  step.established.emplace(Established(std::move(*peer), std::move(s.noise).finish(), std::nullopt));
  state_ = state::Complete{};
  return step;
}

// Responder: read -> s, se; check the initiator's proof
core::Result<HandshakeStep> TumarHandshake::read_message3(state::AwaitingMessage3&& s,
                                                          std::span<const std::uint8_t> message) {
  if (message.size() < kMessage3MinLen || message.size() > kMessage3MaxLen) {
    return fail(core::make_error<core::ErrorId::kNoiseMessage3Size>(core::Errc::kProtocol, message.size(),
                                                                   kMessage3MinLen, kMessage3MaxLen));
  }
  // The h an invite proof in this message must be bound to: ours, before
  // message 3 changes it (it is the initiator's h when it wrote the proof).
  std::array<std::uint8_t, kHashLen> h_before{};
  std::copy_n(s.noise.handshake_hash().begin(), kHashLen, h_before.begin());
  auto payload = s.noise.read_message(message);  // // s, se
  if (!payload) return fail(rejected(3));
  // rs is authenticated by se: only its private key could have produced this payload.
  auto peer = authenticate_peer(*s.noise.remote_static(), *payload, PayloadFrom::kInitiator);
  if (!peer) return fail(peer.error());
  std::optional<PresentedInvite> presented;
  if (const auto& proof = peer->invite()) {
    presented = PresentedInvite{proof->invite_id, proof->mac, proof->kind, h_before};
  }
  HandshakeStep step;
  step.established.emplace(Established(std::move(*peer), std::move(s.noise).finish(), presented));
  state_ = state::Complete{};
  return step;
}

}  // namespace tumar::noise
