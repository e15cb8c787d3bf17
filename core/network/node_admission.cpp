#include "core/network/node_admission.hpp"

#include "core/error_ids.hpp"
#include "core/identity/identity.hpp"
#include "core/invite/invite_proof.hpp"
#include "core/peers/peer_store.hpp"
#include "core/store/statement.hpp"

namespace tumar::network {

core::Result<std::vector<std::vector<std::uint8_t>>> NodeAdmission::admit(
    const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>& invite,
    std::uint64_t now_ms) {
  using Envelopes = std::vector<std::vector<std::uint8_t>>;
  const auto& key = peer.identity().identity_key;
  if (invite) {
    // A joiner's proof is checked even if they are already known: a used
    // invite must not let anyone in twice, and a bad proof is an attack.
    return redeem(peer, *invite, now_ms);
  }
  auto member = replica_.shares_a_network(key);
  if (!member) return tl::unexpected(member.error());
  if (*member) return Envelopes{};
  peers::PeerStore allow(replica_.store().database());
  auto allowed = allow.is_allowed(key);
  if (!allowed) return tl::unexpected(allowed.error());
  if (*allowed) return Envelopes{};
  return core::fail<core::ErrorId::kNetworkStrangerRefused>(core::Errc::kRefused, identity::fingerprint(key));
}

core::Result<std::vector<std::vector<std::uint8_t>>> NodeAdmission::redeem(const identity::VerifiedIdentity& peer,
                                                                           const noise::PresentedInvite& invite,
                                                                           std::uint64_t now_ms) {
  std::vector<std::vector<std::uint8_t>> written;
  auto record = replica_.store().invite(invite.invite_id);
  if (!record) return tl::unexpected(record.error());
  // Unknown, forged, used and expired all look the same to the joiner: the
  // connection closes. The reason is for our debug log.
  if (!*record) return core::fail<core::ErrorId::kNetworkUnknownInvite>(core::Errc::kRefused);
  if (!invite::verify_invite_proof((*record)->secret, invite)) {
    return core::fail<core::ErrorId::kNetworkInviteProofInvalid>(core::Errc::kRefused);
  }
  // The sandbox (SECURITY.md, "The trainer's demo"): a demo profile never
  // enters a real network, nor a real profile a demo one. Checked before the
  // invite is spent, so the rightful joiner can still use it.
  auto net = replica_.store().network((*record)->network);
  if (!net) return tl::unexpected(net.error());
  if (!*net) return core::fail<core::ErrorId::kNetworkInviteNetworkGone>(core::Errc::kRefused);
  const noise::ProfileKind network_kind = (*net)->is_demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
  if (invite.kind != network_kind) {
    return invite.kind == noise::ProfileKind::kDemo
               ? core::fail<core::ErrorId::kNetworkDemoJoinerRealNetwork>(core::Errc::kRefused)
               : core::fail<core::ErrorId::kNetworkRealJoinerDemoNetwork>(core::Errc::kRefused);
  }
  if ((*record)->used_at) return core::fail<core::ErrorId::kNetworkInviteUsed>(core::Errc::kRefused);
  if (static_cast<std::int64_t>(now_ms / 1000) >= (*record)->expires_at) {
    return core::fail<core::ErrorId::kNetworkInviteExpired>(core::Errc::kRefused);
  }
  auto txn = store::Transaction::begin(replica_.store().database());
  if (!txn) return tl::unexpected(txn.error());
  auto first = replica_.store().use_invite(invite.invite_id, peer.identity().identity_key,
                                           static_cast<std::int64_t>(now_ms / 1000));
  if (!first) return tl::unexpected(first.error());
  if (!*first) return core::fail<core::ErrorId::kNetworkInviteUsed>(core::Errc::kRefused);
  LocalAuthor author(replica_, me_, rng_);
  auto existing = replica_.directory().member((*record)->network, peer.identity().identity_key);
  if (!existing) return tl::unexpected(existing.error());
  if (!*existing) {
    auto written_objects = author.admit((*record)->network, peer.identity(), (*record)->role, now_ms);
    if (!written_objects) return tl::unexpected(written_objects.error());
    written = std::move(written_objects->envelopes);
  }
  if (auto c = txn->commit(); !c) return tl::unexpected(c.error());
  return written;
}


}  // namespace tumar::network
