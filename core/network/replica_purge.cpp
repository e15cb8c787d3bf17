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
  TUMAR_TRY_ASSIGN(record, directory_.member(net, member));
  TUMAR_TRY_ASSIGN(written, store_.objects_by_author(net, member));
  std::vector<StoredObject> out;
  for (auto& o : written) {
    if (o.kind == Kind::kGenesis) continue;  // the founder's; the founder is never removed
    Header h;
    h.network_id = net;
    h.author = member;
    h.kind = o.kind;
    h.epoch = o.epoch;
    h.timestamp_ms = o.timestamp_ms;
    h.seq = o.seq;
    bool allowed = record.has_value() && check_author(*record, h).accepted();
    // A removal by a removed member: judged without its target's removals.
    if (allowed && o.kind == Kind::kRemoval && record->removed() && o.subject) {
      TUMAR_TRY_ASSIGN(cutoff, store_.removal_cutoff(net, member, *o.subject));
      allowed = check_removal_seq(cutoff, h).accepted();
    }
    // A revision of someone else's note needed the lead role.
    if (allowed && o.kind == Kind::kNote && o.subject && *o.subject != o.id && record->role != Role::kLead) {
      TUMAR_TRY_ASSIGN(root, store_.object(*o.subject));
      allowed = root && root->author == member;
    }
    if (!allowed) out.push_back(std::move(o));
  }
  return out;
}

core::Result<void> NetworkReplica::rebuild_member(const NetworkId& net, const identity::IdentityKey& member) {
  TUMAR_TRY_ASSIGN(network, store_.network(net));
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
  if (network && network->founder == member) {
    TUMAR_TRY_ASSIGN(genesis, store_.object(net));
    TUMAR_TRY_ASSIGN(bytes, store_.envelope(net));
    if (genesis && bytes) {
      auto env = verify_envelope_bytes(*bytes);
      TUMAR_TRY_ASSIGN(plain, env ? open_payload(*env) : core::Result<std::optional<std::string>>(std::nullopt));
      if (plain) {
        if (auto g = decode_genesis(*plain)) {
          if (auto r = apply(*genesis, g->founder(), Role::kLead); !r) return r;
        }
      }
    }
  }
  TUMAR_TRY_ASSIGN(admissions, store_.objects_about(net, Kind::kAdmission, member));
  for (const auto& o : admissions) {
    TUMAR_TRY_ASSIGN(bytes, store_.envelope(o.id));
    if (!bytes) continue;
    auto env = verify_envelope_bytes(*bytes);
    if (!env) continue;
    TUMAR_TRY_ASSIGN(plain, open_payload(*env));
    if (!plain) continue;
    auto a = decode_admission(*plain);
    if (!a) continue;
    if (auto r = apply(o, a->member(), a->role() == proto::LEAD ? Role::kLead : Role::kMember); !r) return r;
  }
  TUMAR_TRY_ASSIGN(removals, store_.objects_about(net, Kind::kRemoval, member));
  for (const auto& o : removals) {
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
      TUMAR_TRY_ASSIGN(more, disallowed_objects(net, member));
      work = std::move(more);
      continue;
    }
    const StoredObject o = std::move(work.back());
    work.pop_back();
    TUMAR_TRY_ASSIGN(have, store_.has_object(o.id));
    if (!have) continue;  // already taken out
    if (o.kind == Kind::kEpochGrant && o.subject == me) {
      TUMAR_TRY_ASSIGN(bytes, store_.envelope(o.id));
      if (bytes) grants_to_us.push_back(std::move(*bytes));
    }
    if (auto r = store_.delete_object(o.id); !r) return r;
    log::debug("dropped " + std::string(kind_name(o.kind)) + " " + short_id(o.id) + ": a removal invalidated it");
    switch (o.kind) {
      case Kind::kNote:
        if (o.subject == o.id) {
          TUMAR_TRY_ASSIGN(revisions, store_.objects_about(net, Kind::kNote, o.id));
          for (auto& rev : revisions) work.push_back(std::move(rev));
          notes[o.id] = o.timestamp_ms;
        } else if (o.subject && notes.count(*o.subject) == 0) {
          TUMAR_TRY_ASSIGN(root, store_.object(*o.subject));
          // No first version: it was dropped earlier, and its note row with it.
          if (root) notes[*o.subject] = root->timestamp_ms;
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
        TUMAR_TRY_ASSIGN(started, store_.epoch_started(net, next));
        TUMAR_TRY_ASSIGN(grants, store_.objects_of_epoch(net, Kind::kEpochGrant, next));
        for (auto& g : grants) {
          if (!started || g.key_id == o.key_id) work.push_back(std::move(g));
        }
        if (!started) {
          TUMAR_TRY_ASSIGN(following, store_.objects_of_epoch(net, Kind::kEpochStart, next));
          for (auto& f : following) work.push_back(std::move(f));
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
  TUMAR_TRY_ASSIGN(profiles, store_.objects_by_author(net, member));
  std::optional<ProfileRecord> best;
  for (const auto& o : profiles) {
    if (o.kind != Kind::kProfile) continue;
    TUMAR_TRY_ASSIGN(bytes, store_.envelope(o.id));
    if (!bytes) continue;
    auto env = verify_envelope_bytes(*bytes);
    if (!env) continue;
    TUMAR_TRY_ASSIGN(plain, open_payload(*env));
    if (!plain) continue;
    if (auto p = decode_profile(*plain)) {
      if (auto r = directory_.apply_profile(net, member, detail::profile_record(*env, *p)); !r) return r;
    }
  }
  return {};
}

core::Result<void> NetworkReplica::reproject_note(const NoteKey& key) {
  const NetworkId& net = key.network;
  const ObjectId& root = key.root;
  if (auto r = library_.drop_note(key); !r) return r;
  TUMAR_TRY_ASSIGN(root_obj, store_.object(root));
  if (!root_obj) return {};  // the first version itself was dropped (its revisions with it)
  TUMAR_TRY_ASSIGN(best, store_.best_revision(net, root));
  if (!best) return {};
  auto env = verify_envelope_bytes(*best);
  if (!env) return {};
  TUMAR_TRY_ASSIGN(plain, open_payload(*env));
  if (!plain) return {};
  auto n = decode_note(*plain);
  if (!n) return {};
  return project_note(*env, *n, root_obj->author, root_obj->timestamp_ms, true);
}

core::Result<void> NetworkReplica::drop_granted_keys(const NetworkId& net,
                                                     const std::vector<std::vector<std::uint8_t>>& grants) {
  if (grants.empty()) return {};
  // What still vouches for a key: a grant to us that remains, or an object
  // of ours sealed under it (the genesis, for the founder's first key; a
  // lead's new epoch key once used).
  TUMAR_TRY_ASSIGN(remaining, keys_granted_to_us(net));
  const auto& vouched = remaining;
  TUMAR_TRY_ASSIGN(ours, store_.objects_by_author(net, me_.public_identity().identity_key));
  auto used_by_us = [&](std::uint64_t epoch, const crypto::Secret<32>& key) -> core::Result<bool> {
    for (const auto& o : ours) {
      if (o.epoch != epoch || o.kind == Kind::kEpochGrant) continue;
      TUMAR_TRY_ASSIGN(bytes, store_.envelope(o.id));
      if (!bytes) continue;
      auto env = verify_envelope_bytes(*bytes);
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
      TUMAR_TRY_ASSIGN(used, used_by_us(epoch, key));
      if (used) continue;
      if (auto r = store_.delete_epoch_key(net, epoch, key); !r) return r;
      log::debug("forgot a key for epoch " + std::to_string(epoch) + ": the grant that gave it was invalidated");
    }
  }
  return {};
}

}  // namespace tumar::network
