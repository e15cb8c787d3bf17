#include "core/node/join_plan.hpp"

#include "core/error_ids.hpp"
#include "core/network/replica.hpp"
#include "core/peers/peer_store.hpp"
#include "core/store/bind.hpp"

namespace tumar::node {

core::Result<void> check_not_expired(const invite::InviteCode& code, std::uint64_t now_ms) {
  if (code.expires_at <= now_ms / 1000) {
    // Unix seconds: the front end shows the date in its own words.
    return core::fail<core::ErrorId::kNodeInviteExpired>(core::Errc::kRefused, code.expires_at);
  }
  return {};
}

core::Result<JoinPlan> plan_join(network::NetworkReplica& replica, const identity::LocalIdentity& me,
                                 const invite::InviteCode& code, std::string display_name, std::uint64_t now_ms) {
  TUMAR_TRY(check_not_expired(code, now_ms));
  if (code.inviter == me.public_identity().identity_key) {
    return core::fail<core::ErrorId::kNodeOwnInvite>(core::Errc::kInvalidArgument);
  }
  TUMAR_TRY_ASSIGN(demo, replica.store().profile_is_demo());
  const auto kind = demo ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
  // The sandbox: the code says the network's kind, so a profile of the other
  // kind refuses it here, before dialling: nothing is sent, and the invite
  // stays unused for its rightful holder. (The inviter's node and the
  // handshake check it again.)
  if (code.kind != kind) {
    return demo ? core::fail<core::ErrorId::kNodeRealInviteDemoProfile>(core::Errc::kRefused)
                : core::fail<core::ErrorId::kNodeDemoInviteRealProfile>(core::Errc::kRefused);
  }
  TUMAR_TRY_ASSIGN(existing, replica.directory().member(code.network_id, me.public_identity().identity_key));
  if (existing && !existing->removed()) return core::fail<core::ErrorId::kNodeAlreadyMember>(core::Errc::kInvalidArgument);

  JoinPlan plan;
  plan.network = code.network_id;
  plan.inviter_address = code.address;
  plan.profile_is_demo = demo;
  network::NetworkRecord rec;
  rec.id = code.network_id;
  rec.joined_at = static_cast<std::int64_t>(now_ms / 1000);
  TUMAR_TRY(replica.store().add_network(rec));
  // The inviter's node is where this profile's node keeps syncing the
  // network from (serve re-dials it), pinned to the key in the code.
  peers::PeerStore peers(replica.store().database());
  auto added = peers.add(code.address, code.inviter, static_cast<std::int64_t>(now_ms / 1000));
  if (!added) {
    abandon_join(replica, plan);  // then the error, unchanged
    return tl::unexpected(added.error());
  }
  plan.added_peer = *added == peers::AddOutcome::kAdded;

  plan.job.address = code.address;
  plan.job.identity_key = code.inviter;
  plan.job.invite = noise::InviteCredential{invite::invite_id(code.secret),
                                            crypto::Secret<invite::kInviteSecretLen>::copy_of(code.secret.span()),
                                            kind};
  plan.job.network = code.network_id;
  plan.job.publish_name = std::move(display_name);
  return plan;
}

void abandon_join(network::NetworkReplica& replica, const JoinPlan& plan) {
  auto count = replica.store().object_count(plan.network);
  if (count && *count == 0) {
    (void)store::execute(replica.store().database(), "DELETE FROM network WHERE id = ?1", plan.network);
    if (plan.added_peer) {
      peers::PeerStore peers(replica.store().database());
      (void)peers.remove(plan.inviter_address);
    }
  }
}

core::Result<Joined> complete_join(network::NetworkReplica& replica, const JoinPlan& plan) {
  // Only a node that lied about its kind gets here: the genesis says the
  // network's kind again, signed by its founder.
  if (replica.sandbox_refused()) {
    abandon_join(replica, plan);
    return plan.profile_is_demo ? core::fail<core::ErrorId::kNodeJoinedRealNetworkAsDemo>(core::Errc::kRefused)
                                : core::fail<core::ErrorId::kNodeJoinedDemoNetworkAsReal>(core::Errc::kRefused);
  }
  auto net = replica.store().network(plan.network);
  if (!net || !*net || (*net)->name.empty()) {
    return core::fail<core::ErrorId::kNodeJoinIncomplete>(core::Errc::kProtocol);
  }
  Joined joined;
  joined.name = (*net)->name;
  auto members = replica.directory().entries(plan.network);
  auto notes = replica.library().notes(plan.network);
  joined.members = members ? members->size() : 0;
  joined.notes = notes ? notes->size() : 0;
  return joined;
}

}  // namespace tumar::node
