// The other half of NetworkReplica: taking out what a removal invalidated
// (docs/NETWORKS.md, "Removal"). A replica may have stored a removed
// member's later objects before the removal reached it; another replica
// that saw the removal first refused them. To end with the same set, the
// first deletes them when the removal arrives — and everything that stood
// on them:
//
//   * a deleted first version of a note takes its revisions with it (other
//     replicas hold them pending forever, for want of their root);
//   * a deleted admission or removal changes what its subject may do: the
//     subject's row is rebuilt from the admissions and removals that remain,
//     and the subject's objects the new row no longer allows go too (so a
//     removed lead's accomplice, admitted after the removal, is undone with
//     everything it wrote);
//   * a deleted epoch start takes the grants of its key with it, and if
//     its epoch has no other start, the starts that followed and every
//     grant of the epoch;
//   * a deleted grant to us takes back the keys it gave, unless another
//     grant to us gave them too or we have written under them ourselves: a
//     removed lead's key must not stay "current" and receive our writing;
//   * profiles and notes are projected again from what remains.

#include <map>
#include <set>

#include "core/crypto/secret.hpp"
#include "core/log/log.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/replica.hpp"
#include "core/network/replica_internal.hpp"

namespace tumar::network {


core::Result<std::vector<StoredObject>> NetworkReplica::disallowed_objects(const NetworkId& net,
                                                                           const identity::IdentityKey& member) {
  auto record = directory_.member(net, member);
  if (!record) return tl::unexpected(record.error());
  auto written = store_.objects_by_author(net, member);
  if (!written) return tl::unexpected(written.error());
  std::vector<StoredObject> out;
  for (auto& o : *written) {
    if (o.kind == Kind::kGenesis) continue;  // the founder's; the founder is never removed
    Header h;
    h.network_id = net;
    h.author = member;
    h.kind = o.kind;
    h.epoch = o.epoch;
    h.timestamp_ms = o.timestamp_ms;
    h.seq = o.seq;
    bool allowed = record->has_value() && check_author(**record, h).accepted();
    // A removal by a removed member: judged without its target's removals.
    if (allowed && o.kind == Kind::kRemoval && (*record)->removed() && o.subject) {
      auto cutoff = store_.removal_cutoff(net, member, *o.subject);
      if (!cutoff) return tl::unexpected(cutoff.error());
      allowed = check_removal_seq(*cutoff, h).accepted();
    }
    // A revision of someone else's note needed the lead role.
    if (allowed && o.kind == Kind::kNote && o.subject && *o.subject != o.id && (*record)->role != Role::kLead) {
      auto root = store_.object(*o.subject);
      if (!root) return tl::unexpected(root.error());
      allowed = *root && (*root)->author == member;
    }
    if (!allowed) out.push_back(std::move(o));
  }
  return out;
}

core::Result<void> NetworkReplica::rebuild_member(const NetworkId& net, const identity::IdentityKey& member) {
  auto network = store_.network(net);
  if (!network) return tl::unexpected(network.error());
  if (auto r = directory_.forget_member(net, member); !r) return r;
  auto apply = [&](const StoredObject& o, const proto::IdentityProof& proof, Role role) -> core::Result<void> {
    bool ok = false;
    MemberRecord m;
    m.identity = detail::public_identity(proof, ok);
    if (!ok) return {};  // cannot happen: it was checked when it was stored
    m.role = role;
    m.admitted_epoch = o.epoch;
    m.admission_id = o.id;
    m.admitted_at_ms = o.timestamp_ms;
    return directory_.apply_admission(net, m, o.timestamp_ms);
  };
  // The founder's admission is the genesis.
  if (*network && (*network)->founder == member) {
    auto genesis = store_.object(net);
    if (!genesis) return tl::unexpected(genesis.error());
    auto bytes = store_.envelope(net);
    if (!bytes) return tl::unexpected(bytes.error());
    if (*genesis && *bytes) {
      auto env = verify_envelope_bytes(**bytes);
      auto plain = env ? open_payload(*env) : core::Result<std::optional<std::string>>(std::nullopt);
      if (!plain) return tl::unexpected(plain.error());
      if (*plain) {
        if (auto g = decode_genesis(**plain)) {
          if (auto r = apply(**genesis, g->founder(), Role::kLead); !r) return r;
        }
      }
    }
  }
  auto admissions = store_.objects_about(net, Kind::kAdmission, member);
  if (!admissions) return tl::unexpected(admissions.error());
  for (const auto& o : *admissions) {
    auto bytes = store_.envelope(o.id);
    if (!bytes) return tl::unexpected(bytes.error());
    if (!*bytes) continue;
    auto env = verify_envelope_bytes(**bytes);
    if (!env) continue;
    auto plain = open_payload(*env);
    if (!plain) return tl::unexpected(plain.error());
    if (!*plain) continue;
    auto a = decode_admission(**plain);
    if (!a) continue;
    if (auto r = apply(o, a->member(), a->role() == proto::LEAD ? Role::kLead : Role::kMember); !r) return r;
  }
  auto removals = store_.objects_about(net, Kind::kRemoval, member);
  if (!removals) return tl::unexpected(removals.error());
  for (const auto& o : *removals) {
    if (auto r = directory_.apply_removal(net, member, o.epoch, o.timestamp_ms, o.id, o.lamport); !r) return r;
  }
  return {};
}

core::Result<void> NetworkReplica::purge(const NetworkId& net, std::vector<StoredObject> work) {
  const identity::IdentityKey& me = me_.public_identity().identity_key;
  // Notes to project again, by root id, with the first version's timestamp
  // (a note row's key holds it, and the first version may be gone by then).
  std::map<ObjectId, std::uint64_t> notes;
  std::set<identity::IdentityKey> profiles;  // members whose profile to project again
  std::set<identity::IdentityKey> members;   // members whose row to rebuild
  std::vector<std::vector<std::uint8_t>> grants_to_us;
  while (!work.empty() || !members.empty()) {
    if (work.empty()) {
      const identity::IdentityKey member = *members.begin();
      members.erase(members.begin());
      if (auto r = rebuild_member(net, member); !r) return r;
      auto more = disallowed_objects(net, member);
      if (!more) return tl::unexpected(more.error());
      work = std::move(*more);
      continue;
    }
    const StoredObject o = std::move(work.back());
    work.pop_back();
    auto have = store_.has_object(o.id);
    if (!have) return tl::unexpected(have.error());
    if (!*have) continue;  // already taken out
    if (o.kind == Kind::kEpochGrant && o.subject == me) {
      auto bytes = store_.envelope(o.id);
      if (!bytes) return tl::unexpected(bytes.error());
      if (*bytes) grants_to_us.push_back(std::move(**bytes));
    }
    if (auto r = store_.delete_object(o.id); !r) return r;
    log::debug("dropped " + std::string(kind_name(o.kind)) + " " + short_id(o.id) + ": a removal invalidated it");
    switch (o.kind) {
      case Kind::kNote:
        if (o.subject == o.id) {
          auto revisions = store_.objects_about(net, Kind::kNote, o.id);
          if (!revisions) return tl::unexpected(revisions.error());
          for (auto& rev : *revisions) work.push_back(std::move(rev));
          notes[o.id] = o.timestamp_ms;
        } else if (o.subject && notes.count(*o.subject) == 0) {
          auto root = store_.object(*o.subject);
          if (!root) return tl::unexpected(root.error());
          // No first version: it was dropped earlier, and its note row with it.
          if (*root) notes[*o.subject] = (*root)->timestamp_ms;
        }
        break;
      case Kind::kProfile:
        profiles.insert(o.author);
        break;
      case Kind::kBroadcast:
        if (auto r = library_.drop_broadcast(o.id); !r) return r;
        break;
      case Kind::kAdmission:
      case Kind::kRemoval:
        if (o.subject) members.insert(*o.subject);
        break;
      case Kind::kEpochStart: {
        // Its key goes out of use with the grants that handed it on; if no
        // other start begins the epoch, the epoch itself is gone, and with
        // it the starts that followed it and every grant of it. Keys stay
        // held for reading what was sealed under them, but only a key a
        // remaining start names is ever written under (current_epoch_key).
        const std::uint64_t next = o.epoch + 1;  // accepted below kMaxCounter
        auto started = store_.epoch_started(net, next);
        if (!started) return tl::unexpected(started.error());
        auto grants = store_.objects_of_epoch(net, Kind::kEpochGrant, next);
        if (!grants) return tl::unexpected(grants.error());
        for (auto& g : *grants) {
          if (!*started || g.key_id == o.key_id) work.push_back(std::move(g));
        }
        if (!*started) {
          auto following = store_.objects_of_epoch(net, Kind::kEpochStart, next);
          if (!following) return tl::unexpected(following.error());
          for (auto& f : *following) work.push_back(std::move(f));
        }
        break;
      }
      case Kind::kGenesis:
      case Kind::kEpochGrant:
      case Kind::kPrekeys:
      case Kind::kDirect:
        break;
    }
  }
  for (const auto& member : profiles) {
    if (auto r = reproject_profile(net, member); !r) return r;
  }
  for (const auto& [root, created_at_ms] : notes) {
    if (auto r = reproject_note(NoteKey{net, created_at_ms, root}); !r) return r;
  }
  return drop_granted_keys(net, grants_to_us);
}

core::Result<void> NetworkReplica::reproject_profile(const NetworkId& net, const identity::IdentityKey& member) {
  if (auto r = directory_.drop_profile(net, member); !r) return r;
  // The newest profile that survives becomes current again.
  auto profiles = store_.objects_by_author(net, member);
  if (!profiles) return tl::unexpected(profiles.error());
  std::optional<ProfileRecord> best;
  for (const auto& o : *profiles) {
    if (o.kind != Kind::kProfile) continue;
    auto bytes = store_.envelope(o.id);
    if (!bytes) return tl::unexpected(bytes.error());
    if (!*bytes) continue;
    auto env = verify_envelope_bytes(**bytes);
    if (!env) continue;
    auto plain = open_payload(*env);
    if (!plain) return tl::unexpected(plain.error());
    if (!*plain) continue;
    if (auto p = decode_profile(**plain)) {
      if (auto r = directory_.apply_profile(net, member, detail::profile_record(*env, *p)); !r) return r;
    }
  }
  return {};
}

core::Result<void> NetworkReplica::reproject_note(const NoteKey& key) {
  const NetworkId& net = key.network;
  const ObjectId& root = key.root;
  if (auto r = library_.drop_note(key); !r) return r;
  auto root_obj = store_.object(root);
  if (!root_obj) return tl::unexpected(root_obj.error());
  if (!*root_obj) return {};  // the first version itself was dropped (its revisions with it)
  auto best = store_.best_revision(net, root);
  if (!best) return tl::unexpected(best.error());
  if (!*best) return {};
  auto env = verify_envelope_bytes(**best);
  if (!env) return {};
  auto plain = open_payload(*env);
  if (!plain) return tl::unexpected(plain.error());
  if (!*plain) return {};
  auto n = decode_note(**plain);
  if (!n) return {};
  return project_note(*env, *n, (*root_obj)->author, (*root_obj)->timestamp_ms, true);
}

core::Result<void> NetworkReplica::drop_granted_keys(const NetworkId& net,
                                                     const std::vector<std::vector<std::uint8_t>>& grants) {
  if (grants.empty()) return {};
  // What still vouches for a key: a grant to us that remains, or an object
  // of ours sealed under it (the genesis, for the founder's first key; a
  // lead's new epoch key once used).
  auto remaining = keys_granted_to_us(net);
  if (!remaining) return tl::unexpected(remaining.error());
  const auto& vouched = *remaining;
  auto ours = store_.objects_by_author(net, me_.public_identity().identity_key);
  if (!ours) return tl::unexpected(ours.error());
  auto used_by_us = [&](std::uint64_t epoch, const crypto::Secret<32>& key) -> core::Result<bool> {
    for (const auto& o : *ours) {
      if (o.epoch != epoch || o.kind == Kind::kEpochGrant) continue;
      auto bytes = store_.envelope(o.id);
      if (!bytes) return tl::unexpected(bytes.error());
      if (!*bytes) continue;
      auto env = verify_envelope_bytes(**bytes);
      if (env && env->open(key)) return true;
    }
    return false;
  };
  for (const auto& bytes : grants) {
    auto env = verify_envelope_bytes(bytes);
    if (!env) continue;
    auto keys = open_grant(*env);
    if (!keys) continue;
    for (const auto& granted : *keys) {
      const std::uint64_t epoch = granted.first;
      const crypto::Secret<32>& key = granted.second;  // not a structured binding: clang 14 cannot capture one
      const bool still_granted = std::any_of(vouched.begin(), vouched.end(), [&](const auto& v) {
        return v.first == epoch && crypto::constant_time_equal(v.second.span(), key.span());
      });
      if (still_granted) continue;
      auto used = used_by_us(epoch, key);
      if (!used) return tl::unexpected(used.error());
      if (*used) continue;
      if (auto r = store_.delete_epoch_key(net, epoch, key); !r) return r;
      log::debug("forgot a key for epoch " + std::to_string(epoch) + ": the grant that gave it was invalidated");
    }
  }
  return {};
}

}  // namespace tumar::network
