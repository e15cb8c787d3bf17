#include "core/noise/handshake_payload.hpp"

#include <algorithm>
#include <string>

#include "core/crypto/secret.hpp"
#include "core/error_ids.hpp"
#include "tumar/handshake.pb.h"

namespace tumar::noise {

static_assert(identity::kNoiseKeySize == kDhLen);

namespace {

std::string as_string(std::span<const std::uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::vector<std::uint8_t> serialize(const proto::HandshakePayload& msg) {
  std::string out;
  msg.SerializeToString(&out);
  return std::vector<std::uint8_t>(out.begin(), out.end());
}

std::string serialize_invite(const InviteProof& invite) {
  proto::InviteProof msg;
  msg.set_invite_id(as_string(invite.invite_id));
  msg.set_mac(as_string(invite.mac));
  msg.set_demo(invite.kind == ProfileKind::kDemo);
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

proto::HandshakePayload payload_for(const identity::IdentityKey& identity_key, const identity::NoiseKey& noise_key,
                                    const identity::Signature& signature, const std::optional<InviteProof>& invite,
                                    ProfileKind announced) {
  proto::HandshakePayload msg;
  proto::IdentityProof* proof = msg.mutable_identity();
  proof->set_identity_key(as_string(identity_key));
  proof->set_noise_static_key(as_string(noise_key));
  proof->set_binding_signature(as_string(signature));
  if (invite) msg.set_invite(serialize_invite(*invite));
  msg.set_demo(announced == ProfileKind::kDemo);  // false is not encoded: a real node's bytes are unchanged
  return msg;
}

template <std::size_t N>
bool copy_exact(const std::string& from, std::array<std::uint8_t, N>& to) {
  if (from.size() != N) return false;
  std::copy(from.begin(), from.end(), to.begin());
  return true;
}

core::Result<AuthenticatedPeer> malformed() {
  return core::fail<core::ErrorId::kNoiseProofMalformed>(core::Errc::kProtocol);
}

// The invite field's contents, if they are an InviteProof with exactly
// sized fields. Canonical form is checked with the whole payload below.
std::optional<InviteProof> parse_invite(const std::string& bytes) {
  if (bytes.size() != kInviteProofLen && bytes.size() != kDemoInviteProofLen) return std::nullopt;
  proto::InviteProof msg;
  InviteProof out;
  if (!msg.ParseFromString(bytes) || !copy_exact(msg.invite_id(), out.invite_id) || !copy_exact(msg.mac(), out.mac)) {
    return std::nullopt;
  }
  out.kind = msg.demo() ? ProfileKind::kDemo : ProfileKind::kReal;
  return out;
}

}  // namespace

std::vector<std::uint8_t> encode_handshake_payload(const identity::PublicIdentity& me,
                                                   const std::optional<InviteProof>& invite, ProfileKind announced) {
  return serialize(payload_for(me.identity_key, me.noise_key, me.binding_signature, invite, announced));
}

core::Result<AuthenticatedPeer> authenticate_peer(const PublicKey& remote_static, std::span<const std::uint8_t> payload,
                                                  PayloadFrom from) {
  if (payload.empty() || payload.size() > kMaxHandshakePayloadLen) return malformed();
  proto::HandshakePayload msg;
  if (!msg.ParseFromArray(payload.data(), static_cast<int>(payload.size())) || !msg.has_identity()) {
    return malformed();
  }
  std::optional<InviteProof> invite;
  if (!msg.invite().empty()) {
    // A responder has nothing to present; only a joining initiator does.
    if (from != PayloadFrom::kInitiator) {
      return core::fail<core::ErrorId::kNoiseResponderSentInvite>(core::Errc::kProtocol);
    }
    invite = parse_invite(msg.invite());
    if (!invite) return malformed();
  }
  // A responder says what kind of profile it runs; a joiner says it in its
  // invite proof, where the mac covers it, and a member need not say it.
  const ProfileKind announced = msg.demo() ? ProfileKind::kDemo : ProfileKind::kReal;
  if (msg.demo() && from != PayloadFrom::kResponder) {
    return core::fail<core::ErrorId::kNoiseInitiatorAnnouncedKind>(core::Errc::kProtocol);
  }
  identity::PublicIdentity claimed;
  if (!copy_exact(msg.identity().identity_key(), claimed.identity_key) ||
      !copy_exact(msg.identity().noise_static_key(), claimed.noise_key) ||
      !copy_exact(msg.identity().binding_signature(), claimed.binding_signature)) {
    return malformed();
  }
  // Canonical encoding only: re-encoding the known fields (the invite's
  // too) must give back the exact bytes, which refuses unknown fields,
  // repeats, reordering, over-long varints, an explicitly empty invite and
  // an explicit `demo = false`. One byte string per proof, nothing to smuggle.
  if (serialize(payload_for(claimed.identity_key, claimed.noise_key, claimed.binding_signature, invite, announced)) !=
      std::vector<std::uint8_t>(payload.begin(), payload.end())) {
    return malformed();
  }

  // The proof must be about the static key this handshake authenticated.
  if (!crypto::constant_time_equal(claimed.noise_key, remote_static)) {
    return core::fail<core::ErrorId::kNoiseProofOtherKey>(core::Errc::kRefused);
  }
  auto verified = identity::verify_binding(claimed);
  if (!verified) {
    return core::fail<core::ErrorId::kNoiseProofBadSignature>(core::Errc::kRefused);
  }
  return AuthenticatedPeer(std::move(*verified), invite, announced);
}

}  // namespace tumar::noise
