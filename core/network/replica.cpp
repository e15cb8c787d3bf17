#include "core/network/replica.hpp"

#include <algorithm>

#include "core/encoding/hex.hpp"
#include "core/log/log.hpp"
#include "core/network/direct_expiry.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/replica_internal.hpp"
#include "core/store/bind.hpp"
#include "core/store/statement.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
using detail::public_identity;

NetworkReplica::NetworkReplica(store::Database& db, const identity::LocalIdentity& me)
    : db_(db), me_(me), store_(db), directory_(db), library_(db) {}

core::Result<std::vector<sync::NetworkId>> NetworkReplica::shared_networks(const identity::IdentityKey& peer) {
  auto theirs = directory_.networks_of(peer);
  if (!theirs) return theirs;
  std::vector<sync::NetworkId> out;
  for (const auto& net : *theirs) {
    TUMAR_TRY_ASSIGN(ok, may_sync(net, peer));
    if (ok) out.push_back(net);
  }
  return out;
}

core::Result<bool> NetworkReplica::may_sync(const sync::NetworkId& network, const identity::IdentityKey& peer) {
  TUMAR_TRY_ASSIGN(them, directory_.member(network, peer));
  if (!them || !network::may_sync(*them)) return false;
  TUMAR_TRY_ASSIGN(us, directory_.member(network, me_.public_identity().identity_key));
  // We must be a current member too: a removed node serves no one.
  return us && network::may_sync(*us);
}

core::Result<bool> NetworkReplica::shares_a_network(const identity::IdentityKey& peer) {
  TUMAR_TRY_ASSIGN(nets, shared_networks(peer));
  return !nets.empty();
}

core::Result<std::vector<reconcile::Item>> NetworkReplica::items(const sync::NetworkId& network) {
  return store_.items(network);
}

core::Result<std::vector<std::vector<std::uint8_t>>> NetworkReplica::envelopes(const sync::NetworkId& network,
                                                                               std::span<const sync::ObjectId> ids) {
  return store_.envelopes(network, ids);
}

core::Result<std::vector<std::vector<std::uint8_t>>> NetworkReplica::bootstrap_envelopes(
    const sync::NetworkId& network, const identity::IdentityKey& peer) {
  return store_.bootstrap_envelopes(network, peer, sync::kMaxBootstrapObjects);
}

core::Result<sync::IngestResult> NetworkReplica::ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_ms) {
  std::vector<std::vector<std::uint8_t>> one{std::vector<std::uint8_t>(envelope.begin(), envelope.end())};
  TUMAR_TRY_ASSIGN(r, ingest_batch(one, now_ms));
  return std::move(r.front());
}

core::Result<std::vector<sync::IngestResult>> NetworkReplica::ingest_batch(
    std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms) {
  if (!bulk_writes_) {
    // Batches come in a stream during a sync: a bigger page cache and fewer
    // checkpoints for this connection from now on (Database says why).
    TUMAR_TRY(db_.prepare_for_bulk_writes());
    bulk_writes_ = true;
  }
  // The signatures are verified on a second core, ahead of the storing on
  // this one (verify_ahead.hpp): the two halves of the work overlap. The
  // helper starts before the write transaction, so the first envelopes are
  // ready when it begins. Without a helper, all are verified here, before
  // the transaction takes the write lock.
  VerifyAhead verified(envelopes, parallel_verify_);
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db_));
  auto out = ingest_verified(verified, now_ms);
  if (!out) return out;  // rolls back the whole batch
  TUMAR_TRY(txn.commit());
  return out;
}

core::Result<std::vector<sync::IngestResult>> NetworkReplica::ingest_in_transaction(
    std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms) {
  VerifyAhead verified(envelopes, parallel_verify_);
  return ingest_verified(verified, now_ms);
}

core::Result<std::vector<sync::IngestResult>> NetworkReplica::ingest_verified(VerifyAhead& envelopes,
                                                                            std::uint64_t now_ms) {
  // Lookups are cached for this batch only (replica_cache.hpp).
  cache_.activate();
  struct Deactivate {
    ReplicaCache& cache;
    ~Deactivate() { cache.deactivate(); }
  } deactivate{cache_};
  std::vector<sync::IngestResult> out;
  out.reserve(envelopes.size());
  Retry scope = Retry::kNone;  // what this batch made worth judging again
  std::vector<std::pair<NetworkId, std::vector<std::uint8_t>>> released;
  std::size_t early_passes = 0;
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    Retry retry = Retry::kNone;
    TUMAR_TRY_ASSIGN(r, ingest_one(envelopes.take(i), now_ms, retry));
    scope = std::max(scope, retry);
    out.push_back(std::move(r));
    // A joining member's first batch: its key grant, the genesis and the
    // admissions it needs arrive first (oldest first), and all wait for one
    // another. Settled at once (the genesis and admissions, then this
    // grant), not after the batch, the notes behind them are accepted as
    // they come; otherwise each waited in memory and was judged twice, and
    // a batch larger than the pending queue pushed the genesis itself out.
    // The pass is the one the batch's end would run anyway, plus one
    // grant, and twice per batch at most: fake grants to us buy no more.
    if (retry == Retry::kBootstrap && early_passes < kEarlyPassesPerBatch) {
      ++early_passes;
      const ObjectId grant = out.back().id;
      TUMAR_TRY(retry_pending(now_ms, released, Retry::kBootstrap, &grant));
    }
  }
  // Once per batch, not once per accepted object: a pass judges every
  // pending object again, and a peer can keep the queue full.
  if (scope != Retry::kNone && !pending_.empty()) {
    TUMAR_TRY(retry_pending(now_ms, released, scope));
  }
  // Each goes with the last result of its own network (the sync layer
  // floods a result's released objects to that network's peers). One of a
  // network this batch did not touch (it waited from an earlier sync) is
  // stored but not reported: reconciliation spreads it, and it must not be
  // pushed to peers of another network.
  for (auto& [net, bytes] : released) {
    for (auto r = out.rbegin(); r != out.rend(); ++r) {
      if (r->network == net && r->outcome != sync::IngestOutcome::kRejected) {
        r->released.push_back(std::move(bytes));
        break;
      }
    }
  }
  return out;
}

core::Result<sync::IngestResult> NetworkReplica::ingest_one(core::Result<VerifiedEnvelope> env, std::uint64_t now_ms,
                                                            Retry& retry) {
  sync::IngestResult result;
  if (!env) {
    ++counters_.rejected;
    result.reason = env.error();
    log::debug("rejected an object: " + env.error().describe());
    return result;
  }
  result.id = env->id();
  result.network = env->network();
  TUMAR_TRY_ASSIGN(have, store_.has_object(env->id()));
  TUMAR_TRY_ASSIGN(evidence, store_.has_evidence(env->id()));
  if (have || evidence || pending_ids_.count(env->id()) != 0) {
    // Already stored, or already waiting: a peer resending a pending
    // object must not push others out of the queue.
    ++counters_.duplicates;
    result.outcome = sync::IngestOutcome::kDuplicate;
    return result;
  }
  TUMAR_TRY_ASSIGN(decision, judge_and_apply(*env, now_ms));
  switch (decision.verdict) {
    case Verdict::kAccept:
      ++counters_.accepted;
      result.outcome = sync::IngestOutcome::kAccepted;
      retry = Retry::kAll;
      break;
    case Verdict::kPending:
      ++counters_.pending;
      result.outcome = sync::IngestOutcome::kPending;
      result.reason = decision.reason;
      // A grant to us offers keys that may open what already waits (the
      // genesis, when it arrived first): that is progress too.
      {
        TUMAR_TRY_ASSIGN(held, hold(std::move(*env)));
        retry = held;
      }
      break;
    case Verdict::kReject:
      ++counters_.rejected;
      result.outcome = sync::IngestOutcome::kRejected;
      result.reason = decision.reason;
      log::debug("rejected " + std::string(kind_name(env->header().kind)) + " " + short_id(env->id()) + ": " +
                 decision.reason->describe());
      break;
  }
  return result;
}

core::Result<Decision> NetworkReplica::judge_and_apply(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  const Header& h = env.header();
  // An object that may change membership or keys empties the cache before
  // it is judged and again after (replica_cache.hpp): what it changes is
  // then seen by every later object of the batch.
  struct Invalidate {
    ReplicaCache& cache;
    bool on;
    ~Invalidate() {
      if (on) cache.clear();
    }
  } invalidate{cache_, !ReplicaCache::leaves_rows_alone(h.kind)};
  if (invalidate.on) cache_.clear();
  if (auto d = check_timestamp(h, now_ms); !d.accepted()) return d;
  TUMAR_TRY_ASSIGN(net, cache_.network(store_, env.network()));
  if (!net) return Decision::reject<core::ErrorId::kObjectOtherNetwork>();
  if (h.kind == Kind::kGenesis) return apply_genesis(env, now_ms);
  if (!net->founder) return Decision::pending<core::ErrorId::kObjectGenesisMissing>();
  // A direct message's author is a one-time key that hides the sender:
  // there is no member to check (apply_direct says what is checked instead).
  if (h.kind == Kind::kDirect) return apply_direct(env, now_ms);

  TUMAR_TRY_ASSIGN(author, cache_.member(directory_, env.network(), h.author));
  if (auto d = check_author(author, h); !d.accepted()) return d;
  TUMAR_TRY_ASSIGN(equivocation, settle_equivocation(env));
  if (equivocation) return std::move(*equivocation);
  if (h.kind == Kind::kEpochGrant) return apply_grant(env, now_ms);
  if (h.kind == Kind::kEpochStart) return apply_epoch_start(env, now_ms);
  return apply_sealed(env, *author, now_ms);
}

core::Result<Decision> NetworkReplica::apply_genesis(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(payload, open_payload(env));
  if (!payload) return Decision::pending<core::ErrorId::kObjectNoGenesisKey>();
  // The key it names is epoch 0's: the one that opened it.
  TUMAR_TRY_ASSIGN(opened_by, opening_key_id(env));
  if (opened_by != env.header().key_id) {
    return Decision::reject<core::ErrorId::kObjectGenesisOtherKey>();
  }
  auto g = decode_genesis(*payload);
  if (!g) return Decision::reject(g.error());
  bool ok = false;
  auto founder = public_identity(g->founder(), ok);
  if (!ok || founder.identity_key != env.header().author) {
    return Decision::reject<core::ErrorId::kObjectFounderNotAuthor>();
  }
  if (!identity::verify_binding(founder)) return Decision::reject<core::ErrorId::kObjectFounderBindingInvalid>();
  // The sandbox: without its genesis nothing of a network is accepted (every
  // other object waits for it in memory), so refusing the genesis keeps a
  // training and a real network apart entirely.
  TUMAR_TRY_ASSIGN(demo_profile, store_.profile_is_demo());
  if (g->demo() != demo_profile) {
    sandbox_refused_ = true;
    return g->demo() ? Decision::reject<core::ErrorId::kObjectDemoNetworkRealProfile>()
                     : Decision::reject<core::ErrorId::kObjectRealNetworkDemoProfile>();
  }

  TUMAR_TRY(store_.set_genesis(env.network(), g->name(), founder.identity_key, g->demo()));
  MemberRecord m;
  m.identity = founder;
  m.role = Role::kLead;
  m.admitted_epoch = 0;
  m.admission_id = env.id();
  m.admitted_at_ms = env.header().timestamp_ms;
  TUMAR_TRY(directory_.apply_admission(env.network(), m, env.header().timestamp_ms));
  TUMAR_TRY(store_.insert_object(describe(env, founder.identity_key, 0), env.bytes(), static_cast<std::int64_t>(now_ms)));
  return Decision::accept();
}

// A direct message (docs/PROTOCOL.md, "Direct messages: in the network").
// Its signature is by a one-time key, so it proves only integrity; what
// shows a member wrote it is the epoch key that seals it. It must be the
// newest epoch we hold a key for or the one before (a message written just
// before a removal may still be in transit): a removed member, who keeps
// old keys, can then inject only until the epoch after next, and only
// noise — the ratchet inside authenticates the sender to the recipient.
core::Result<Decision> NetworkReplica::apply_direct(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  const Header& h = env.header();
  // Past its lifetime every replica has dropped it or is about to
  // (direct_expiry.hpp): a peer that still holds it must not bring it back.
  if (direct_expired(h.timestamp_ms, now_ms)) return Decision::reject<core::ErrorId::kObjectDirectExpired>();
  TUMAR_TRY_ASSIGN(current, store_.current_epoch_key(env.network()));
  if (!current) return Decision::pending<core::ErrorId::kObjectNoNetworkKey>();
  const std::uint64_t newest = current->first;
  if (h.epoch > newest) return Decision::pending<core::ErrorId::kObjectNoEpochKey>();
  if (h.epoch + 1 < newest) return Decision::reject<core::ErrorId::kObjectDirectEpochTooOld>();
  TUMAR_TRY_ASSIGN(payload, open_payload(env));
  if (!payload) return Decision::reject<core::ErrorId::kObjectEpochKeyDoesNotOpen>();
  auto d = decode_direct(*payload);
  if (!d) return Decision::reject(d.error());
  TUMAR_TRY(store_.insert_object(describe(env, *h.recipient, 0), env.bytes(), static_cast<std::int64_t>(now_ms)));
  return Decision::accept();
}

core::Result<std::optional<std::string>> NetworkReplica::open_payload(const VerifiedEnvelope& env) {
  TUMAR_TRY_ASSIGN(keys, cache_.epoch_keys(store_, env.network(), env.header().epoch));
  for (const auto& k : *keys) {
    if (auto p = env.open(k)) return std::optional<std::string>(std::move(*p));
  }
  // A key from a grant that has not validated yet opens only what can
  // validate it (opens_with_offered_keys): the genesis, the admissions (of its author, and of the
  // leads before), the starts and removals of the epochs it grants. Those are signed by leads, so the key that opens them is
  // the one a lead used. Anything else waits for the grant: otherwise
  // whether a member's object was accepted would depend on whether the
  // grant offering its key was judged (and perhaps rejected) before it.
  const Kind kind = env.header().kind;
  if (!opens_with_offered_keys(kind)) return std::optional<std::string>{};
  for (const auto& p : pending_) {
    if (p.settled || p.offered.empty() || p.env.network() != env.network()) continue;
    for (const auto& [epoch, key] : p.offered) {
      if (epoch != env.header().epoch) continue;
      if (auto opened = env.open(key)) return std::optional<std::string>(std::move(*opened));
    }
  }
  return std::optional<std::string>{};
}

core::Result<Decision> NetworkReplica::apply_sealed(const VerifiedEnvelope& env, const MemberRecord& author,
                                                    std::uint64_t now_ms) {
  const Header& h = env.header();
  const NetworkId& net = env.network();
  TUMAR_TRY_ASSIGN(payload, open_payload(env));
  if (!payload) return Decision::pending<core::ErrorId::kObjectNoKeyOpens>(h.epoch);
  const std::string& plain = *payload;
  const auto now = static_cast<std::int64_t>(now_ms);

  switch (h.kind) {
    case Kind::kAdmission: {
      auto a = decode_admission(plain);
      if (!a) return Decision::reject(a.error());
      bool ok = false;
      MemberRecord m;
      m.identity = public_identity(a->member(), ok);
      if (!ok || !identity::verify_binding(m.identity)) {
        return Decision::reject<core::ErrorId::kObjectAdmittedBindingInvalid>();
      }
      m.role = a->role() == proto::LEAD ? Role::kLead : Role::kMember;
      m.admitted_epoch = h.epoch;
      m.admission_id = env.id();
      m.admitted_at_ms = h.timestamp_ms;
      TUMAR_TRY(directory_.apply_admission(net, m, h.timestamp_ms));
      TUMAR_TRY(store_.insert_object(describe(env, m.identity.identity_key, 0), env.bytes(), now));
      return Decision::accept();
    }
    case Kind::kRemoval: {
      auto rm = decode_removal(plain);
      if (!rm) return Decision::reject(rm.error());
      const auto target = to_array<32>(rm->member());
      TUMAR_TRY_ASSIGN(network, store_.network(net));
      if (network->founder == target) return Decision::reject<core::ErrorId::kObjectFounderRemoval>();
      TUMAR_TRY_ASSIGN(member, directory_.member(net, target));
      if (!member) return Decision::pending<core::ErrorId::kObjectRemovedAdmissionMissing>();
      if (author.removed()) {
        // Judged without the removals its target wrote (object_rules.hpp).
        TUMAR_TRY_ASSIGN(cutoff, store_.removal_cutoff(net, h.author, target));
        if (auto d = check_removal_seq(cutoff, h); !d.accepted()) return d;
      }
      TUMAR_TRY(store_.insert_object(describe(env, target, rm->last_seq()), env.bytes(), now));
      TUMAR_TRY(directory_.apply_removal(net, target, h.epoch, h.timestamp_ms, env.id(), rm->last_seq()));
      // What the member wrote after the (combined) removal goes, with
      // everything that stood on it.
      TUMAR_TRY_ASSIGN(invalid, disallowed_objects(net, target));
      TUMAR_TRY(purge(net, std::move(invalid)));
      return Decision::accept();
    }
    case Kind::kProfile: {
      auto p = decode_profile(plain);
      if (!p) return Decision::reject(p.error());
      const ProfileRecord rec = detail::profile_record(env, *p);
      TUMAR_TRY(store_.insert_object(describe(env, h.author, p->lamport()), env.bytes(), now));
      TUMAR_TRY(directory_.apply_profile(net, h.author, rec));
      return Decision::accept();
    }
    case Kind::kNote: {
      auto n = decode_note(plain);
      if (!n) return Decision::reject(n.error());
      if (auto d = check_note_dates(*n, h.timestamp_ms); !d) return Decision::reject(d.error());
      if (auto d = check_note_clock(*n, h.timestamp_ms); !d) return Decision::reject(d.error());
      if (n->root().empty()) {
        TUMAR_TRY(store_.insert_object(describe(env, env.id(), 0), env.bytes(), now));
        TUMAR_TRY(project_note(env, *n, h.author, h.timestamp_ms, false));
        return Decision::accept();
      }
      const auto root_id = to_array<32>(n->root());
      TUMAR_TRY_ASSIGN(root, store_.object(root_id));
      if (!root) return Decision::pending<core::ErrorId::kObjectRevisedNoteMissing>();
      if (root->kind != Kind::kNote || root->network != net || root->subject != root_id) {
        return Decision::reject<core::ErrorId::kObjectRevisesNonNote>();
      }
      // Editable by the note's author or a lead (docs/NETWORKS.md, "Kinds and who may write them").
      if (root->author != h.author && author.role != Role::kLead) {
        return Decision::reject<core::ErrorId::kObjectNoteReviserNotAllowed>();
      }
      TUMAR_TRY(store_.insert_object(describe(env, root_id, n->lamport()), env.bytes(), now));
      TUMAR_TRY(project_note(env, *n, root->author, root->timestamp_ms, false));
      return Decision::accept();
    }
    case Kind::kBroadcast: {
      auto b = decode_broadcast(plain);
      if (!b) return Decision::reject(b.error());
      BroadcastRecord rec;
      rec.id = env.id();
      rec.network = net;
      rec.author = h.author;
      rec.urgent = b->priority() == proto::URGENT;
      rec.text = b->text();
      rec.created_at_ms = h.timestamp_ms;
      rec.expires_at_ms = b->expires_ms();
      TUMAR_TRY(store_.insert_object(describe(env, std::nullopt, 0), env.bytes(), now));
      TUMAR_TRY(library_.apply_broadcast(rec));
      return Decision::accept();
    }
    case Kind::kPrekeys: {
      // Stored and carried; whoever writes to the author reads the newest
      // (core/direct/peer_bundle.hpp). Nothing to project.
      auto b = decode_prekeys(plain);
      if (!b) return Decision::reject(b.error());
      TUMAR_TRY(store_.insert_object(describe(env, h.author, b->lamport()), env.bytes(), now));
      return Decision::accept();
    }
    case Kind::kGenesis:
    case Kind::kEpochGrant:
    case Kind::kDirect:
    case Kind::kEpochStart:
      break;
  }
  return Decision::reject<core::ErrorId::kObjectUnexpectedKind>();
}

core::Result<void> NetworkReplica::project_note(const VerifiedEnvelope& env, const proto::ResourceNote& n,
                                                const identity::IdentityKey& root_author,
                                                std::uint64_t root_created_ms, bool force) {
  NoteRecord rec;
  rec.root = n.root().empty() ? env.id() : to_array<32>(n.root());
  rec.network = env.network();
  rec.author = root_author;
  rec.created_at_ms = root_created_ms;
  rec.revision = env.id();
  rec.lamport = n.lamport();
  rec.editor = env.header().author;
  rec.updated_at_ms = env.header().timestamp_ms;
  rec.title = n.title();
  rec.body = n.body();
  rec.tags.assign(n.tags().begin(), n.tags().end());
  rec.region = n.region();
  rec.contact = n.contact();
  rec.verified_on = n.verified_on();
  rec.valid_until = n.valid_until();
  // A first version just accepted has a new id for its root: nothing there
  // to compare with (apply_first_version still checks).
  if (!force && n.root().empty()) return library_.apply_first_version(rec);
  return library_.apply_note(rec, force);
}

core::Result<NetworkReplica::Retry> NetworkReplica::hold(VerifiedEnvelope env) {
  Pending p{std::move(env), {}, false};
  if (p.env.header().kind == Kind::kEpochGrant && p.env.header().recipient == me_.public_identity().identity_key) {
    if (auto keys = open_grant(p.env)) p.offered = std::move(*keys);
  }
  Retry retry = Retry::kNone;
  if (!p.offered.empty()) {
    TUMAR_TRY_ASSIGN(held, store_.current_epoch_key(p.env.network()));
    if (!held) retry = Retry::kBootstrap;
  }
  pending_ids_.insert(p.env.id());
  // The envelope's bytes; the decoded copy inside VerifiedEnvelope about
  // doubles what this holds in memory.
  pending_bytes_ += p.env.bytes().size();
  pending_.push_back(std::move(p));
  while (pending_.size() > kMaxPendingObjects || pending_bytes_ > kMaxPendingBytes) {
    pending_bytes_ -= pending_.front().env.bytes().size();
    pending_ids_.erase(pending_.front().env.id());
    pending_.pop_front();
    ++counters_.dropped_pending;
  }
  return retry;
}

core::Result<void> NetworkReplica::retry_pending(std::uint64_t now_ms,
                                                 std::vector<std::pair<NetworkId, std::vector<std::uint8_t>>>& released,
                                                 Retry scope, const ObjectId* also) {
  // Until a pass makes no progress: each accepted object may unblock others.
  // Entries are settled in place and removed after the pass, so the keys
  // pending grants offer stay visible to open_payload() during it.
  bool progress = true;
  while (progress && !pending_.empty()) {
    progress = false;
    for (auto& p : pending_) {
      if (p.settled) continue;
      const Kind kind = p.env.header().kind;
      if (scope == Retry::kBootstrap && !opens_with_offered_keys(kind) && (also == nullptr || p.env.id() != *also)) {
        continue;
      }
      TUMAR_TRY_ASSIGN(have, store_.has_object(p.env.id()));
      TUMAR_TRY_ASSIGN(evidence, store_.has_evidence(p.env.id()));
      if (have || evidence) {
        p.settled = true;
        continue;
      }
      TUMAR_TRY_ASSIGN(d, judge_and_apply(p.env, now_ms));
      if (d.verdict == Verdict::kAccept) {
        ++counters_.accepted;
        released.emplace_back(p.env.network(), std::vector<std::uint8_t>(p.env.bytes().begin(), p.env.bytes().end()));
        p.settled = true;
        progress = true;
      } else if (d.verdict == Verdict::kReject) {
        ++counters_.rejected;
        log::debug("rejected " + std::string(kind_name(p.env.header().kind)) + " " + short_id(p.env.id()) + ": " +
                   d.reason->describe());
        p.settled = true;
      }
    }
    for (const auto& p : pending_) {
      if (!p.settled) continue;
      pending_bytes_ -= p.env.bytes().size();
      pending_ids_.erase(p.env.id());
    }
    std::erase_if(pending_, [](const Pending& p) { return p.settled; });
    scope = Retry::kAll;  // once anything was accepted, everything is worth another look
  }
  return {};
}

}  // namespace tumar::network
