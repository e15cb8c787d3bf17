// The epochs half of NetworkReplica (docs/NETWORKS.md, "Epochs" and
// "Removal"): epoch starts, grants and the keys they hand us, and authors
// who used one seq twice. What decides which key a node writes under is
// NetworkStore::current_epoch_key; what a purged start takes with it is in
// replica_purge.cpp.

#include <algorithm>

#include "core/log/log.hpp"
#include "core/network/counter.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/replica.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {

// An author who signs two objects with one seq has equivocated: it could
// otherwise, once removed, sign a new object under a seq the removal still
// counts (an admission of a puppet lead, say) and have it accepted by every
// replica that lacks the original. Neither object counts: both are kept
// as evidence only (synced, so every replica learns of it; the two
// smallest ids, so all keep the same two), the one stored is taken out
// with everything that stood on it, and the seq stays void. The author
// can destroy what it wrote under that seq, never add to it.
core::Result<std::optional<Decision>> NetworkReplica::settle_equivocation(const VerifiedEnvelope& env) {
  const Header& h = env.header();
  const NetworkId& net = env.network();
  TUMAR_TRY_ASSIGN(evidence, store_.equivocation_ids(net, h.author, h.seq));
  if (!evidence.empty()) {
    if (evidence.size() >= 2) {
      if (!(env.id() < evidence.back())) {
        return std::optional<Decision>(Decision::reject<core::ErrorId::kObjectSeqUsedThrice>());
      }
      TUMAR_TRY(store_.delete_equivocation(evidence.back()));
    }
    TUMAR_TRY(store_.add_equivocation(env));
    return std::optional<Decision>(Decision::accept());
  }
  TUMAR_TRY_ASSIGN(holder, store_.slot_holder(net, h.author, h.seq));
  if (!holder) return std::optional<Decision>{};
  // The genesis is never voided: its id is the network's, known to every
  // replica before anything else, so the founder's seq 1 is settled.
  if (holder->kind == Kind::kGenesis) {
    return std::optional<Decision>(Decision::reject<core::ErrorId::kObjectReusesGenesisSeq>());
  }
  TUMAR_TRY_ASSIGN(bytes, store_.envelope(holder->id));
  if (!bytes) return std::optional<Decision>{};
  TUMAR_TRY_ASSIGN(first, verify_envelope_bytes(*bytes));
  log::debug("equivocation: " + short_id(env.id()) + " and " + short_id(holder->id) + " share their author's seq " +
             std::to_string(h.seq) + "; neither counts");
  cache_.clear();
  TUMAR_TRY(store_.add_equivocation(first));
  TUMAR_TRY(store_.add_equivocation(env));
  TUMAR_TRY(purge(net, {std::move(*holder)}));
  cache_.clear();
  return std::optional<Decision>(Decision::accept());
}

std::optional<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> NetworkReplica::open_grant(
    const VerifiedEnvelope& env) {
  const auto& h = env.header();
  if (!h.recipient || *h.recipient != me_.public_identity().identity_key) return std::nullopt;
  auto plain = env.open_sealed(me_.public_identity().noise_key, me_.noise_secret());
  if (!plain) return std::nullopt;
  proto::EpochGrant grant;
  auto decoded = decode_grant(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()));
  if (!decoded) return std::nullopt;
  // The sealed box is anonymous: the repeated network and recipient stop a
  // grant made for one network or person being re-signed into another.
  if (decoded->network_id() != std::string(env.network().begin(), env.network().end()) ||
      decoded->recipient() != std::string(h.recipient->begin(), h.recipient->end())) {
    return std::nullopt;
  }
  std::vector<std::pair<std::uint64_t, crypto::Secret<32>>> keys;
  std::uint64_t newest = 0;
  for (auto& k : *decoded->mutable_keys()) {
    keys.emplace_back(k.epoch(), crypto::Secret<32>::copy_of(std::span<const std::uint8_t, 32>(
                                     reinterpret_cast<const std::uint8_t*>(k.key().data()), 32)));
    newest = std::max(newest, k.epoch());
    crypto::wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(k.mutable_key()->data()), k.key().size()));
  }
  if (newest != h.epoch) return std::nullopt;
  // The header's key id is one of the newest keys': what every replica
  // checks the grant against is what it holds.
  const bool named = std::any_of(keys.begin(), keys.end(), [&](const auto& k) {
    return k.first == newest && h.key_id && epoch_key_id(k.second) == *h.key_id;
  });
  if (!named) return std::nullopt;
  return keys;
}

core::Result<void> NetworkReplica::adopt_keys(const NetworkId& net,
                                              const std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>& keys) {
  // Only keys a start (or the genesis) named: a grant cannot hand us a key
  // of its author's choosing for an epoch, let alone one not started.
  for (const auto& [epoch, key] : keys) {
    TUMAR_TRY_ASSIGN(ids, store_.started_key_ids(net, epoch));
    const KeyId id = epoch_key_id(key);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    if (auto r = store_.add_epoch_key(net, epoch, key); !r) return r;
  }
  return {};
}

core::Result<void> NetworkReplica::adopt_granted_keys(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(keys, keys_granted_to_us(net));
  return adopt_keys(net, keys);
}

core::Result<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> NetworkReplica::keys_granted_to_us(
    const NetworkId& net) {
  std::vector<std::pair<std::uint64_t, crypto::Secret<32>>> out;
  TUMAR_TRY_ASSIGN(grants, store_.objects_about(net, Kind::kEpochGrant, me_.public_identity().identity_key));
  for (const auto& o : grants) {
    TUMAR_TRY_ASSIGN(bytes, store_.envelope(o.id));
    if (!bytes) continue;
    auto env = verify_envelope_bytes(*bytes);
    if (!env) continue;
    if (auto keys = open_grant(*env)) {
      for (auto& k : *keys) out.push_back(std::move(k));
    }
  }
  return out;
}

core::Result<std::optional<KeyId>> NetworkReplica::opening_key_id(const VerifiedEnvelope& env) {
  TUMAR_TRY_ASSIGN(keys, cache_.epoch_keys(store_, env.network(), env.header().epoch));
  for (const auto& k : *keys) {
    if (env.open(k)) return std::optional<KeyId>(epoch_key_id(k));
  }
  for (const auto& p : pending_) {
    if (p.settled || p.env.network() != env.network()) continue;
    for (const auto& [epoch, key] : p.offered) {
      if (epoch == env.header().epoch && env.open(key)) return std::optional<KeyId>(epoch_key_id(key));
    }
  }
  return std::optional<KeyId>{};
}

// An epoch start (docs/NETWORKS.md, "Epochs"): a lead begins the epoch
// after the header's. It counts only if the epoch it follows has started
// here, so epochs go up one at a time from the genesis and none can be
// pushed to the top of the range; a removal's start names the removal,
// which must be the same lead's and in the same epoch.
core::Result<Decision> NetworkReplica::apply_epoch_start(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  const Header& h = env.header();
  const NetworkId& net = env.network();
  if (!next_counter(h.epoch)) return Decision::reject<core::ErrorId::kObjectNoEpochAfterLargest>();
  TUMAR_TRY_ASSIGN(started, store_.epoch_started(net, h.epoch));
  if (!started) return Decision::pending<core::ErrorId::kObjectPreviousEpochNotStarted>();
  TUMAR_TRY_ASSIGN(payload, open_payload(env));
  if (!payload) return Decision::pending<core::ErrorId::kObjectNoKeyForPreviousEpoch>();
  auto start = decode_epoch_start(*payload);
  if (!start) return Decision::reject(start.error());
  std::optional<ObjectId> removal;
  if (start->reason() == proto::EPOCH_REMOVAL) {
    removal = to_array<32>(start->removal());
    TUMAR_TRY_ASSIGN(r, store_.object(*removal));
    if (!r) return Decision::pending<core::ErrorId::kObjectFollowedRemovalMissing>();
    if (r->kind != Kind::kRemoval || r->network != net || r->author != h.author || r->epoch != h.epoch) {
      return Decision::reject<core::ErrorId::kObjectFollowedRemovalNotAuthors>();
    }
  }
  TUMAR_TRY(store_.insert_object(describe(env, removal, 0), env.bytes(), static_cast<std::int64_t>(now_ms)));
  // Keys granted to us before this start arrived may be its key.
  TUMAR_TRY(adopt_granted_keys(net));
  return Decision::accept();
}

core::Result<Decision> NetworkReplica::apply_grant(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  // A grant is valid only for a started epoch and a key a start of it
  // names: every replica checks this on the header alone. (A lead granting
  // epoch 2^63-1 with a key of its own once moved every member's writing
  // onto that key.)
  const Header& h = env.header();
  TUMAR_TRY_ASSIGN(started, store_.epoch_started(env.network(), h.epoch));
  if (!started) return Decision::pending<core::ErrorId::kObjectGrantedEpochNotStarted>();
  TUMAR_TRY_ASSIGN(ids, store_.started_key_ids(env.network(), h.epoch));
  if (!h.key_id || std::find(ids.begin(), ids.end(), *h.key_id) == ids.end()) {
    return Decision::pending<core::ErrorId::kObjectGrantedKeyUnnamed>();
  }
  // A grant to someone else is stored and carried unread; one to us hands
  // us the keys in it that starts named. One to us that does not open is
  // stored all the same (every other replica stores it), but gives nothing.
  if (h.recipient == me_.public_identity().identity_key) {
    if (auto keys = open_grant(env)) {
      TUMAR_TRY(adopt_keys(env.network(), *keys));
    } else {
      log::debug("a grant to us that does not open or does not match its header: " + short_id(env.id()));
    }
  }
  TUMAR_TRY(store_.insert_object(describe(env, *env.header().recipient, 0), env.bytes(),
                                 static_cast<std::int64_t>(now_ms)));
  return Decision::accept();
}

}  // namespace tumar::network
