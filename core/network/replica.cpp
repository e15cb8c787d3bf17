#include "core/network/replica.hpp"

#include <algorithm>

#include "core/encoding/hex.hpp"
#include "core/log/log.hpp"
#include "core/network/payload_codec.hpp"
#include "core/store/bind.hpp"
#include "core/store/statement.hpp"

namespace tumar::network {
namespace {

identity::PublicIdentity public_identity(const proto::IdentityProof& p, bool& ok) {
  identity::PublicIdentity id;
  ok = p.identity_key().size() == 32 && p.noise_static_key().size() == 32 && p.binding_signature().size() == 64;
  if (!ok) return id;
  std::copy(p.identity_key().begin(), p.identity_key().end(), id.identity_key.begin());
  std::copy(p.noise_static_key().begin(), p.noise_static_key().end(), id.noise_key.begin());
  std::copy(p.binding_signature().begin(), p.binding_signature().end(), id.binding_signature.begin());
  return id;
}

std::string short_id(const ObjectId& id) { return encoding::to_hex(id).substr(0, 12); }

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const std::string& s) {
  std::array<std::uint8_t, N> a{};
  std::copy_n(s.begin(), std::min(N, s.size()), a.begin());
  return a;
}

}  // namespace

NetworkReplica::NetworkReplica(store::Database& db, const identity::LocalIdentity& me)
    : db_(db), me_(me), store_(db), directory_(db), library_(db) {}

core::Result<std::vector<sync::NetworkId>> NetworkReplica::shared_networks(const identity::IdentityKey& peer) {
  auto theirs = directory_.networks_of(peer);
  if (!theirs) return theirs;
  std::vector<sync::NetworkId> out;
  for (const auto& net : *theirs) {
    auto ok = may_sync(net, peer);
    if (!ok) return tl::unexpected(ok.error());
    if (*ok) out.push_back(net);
  }
  return out;
}

core::Result<bool> NetworkReplica::may_sync(const sync::NetworkId& network, const identity::IdentityKey& peer) {
  auto them = directory_.member(network, peer);
  if (!them) return tl::unexpected(them.error());
  if (!*them || !network::may_sync(**them)) return false;
  auto us = directory_.member(network, me_.public_identity().identity_key);
  if (!us) return tl::unexpected(us.error());
  // We must be a current member too: a removed node serves no one.
  return *us && network::may_sync(**us);
}

core::Result<bool> NetworkReplica::shares_a_network(const identity::IdentityKey& peer) {
  auto nets = shared_networks(peer);
  if (!nets) return tl::unexpected(nets.error());
  return !nets->empty();
}

core::Result<std::vector<reconcile::Item>> NetworkReplica::items(const sync::NetworkId& network) {
  return store_.items(network);
}

core::Result<std::vector<std::vector<std::uint8_t>>> NetworkReplica::envelopes(const sync::NetworkId& network,
                                                                               std::span<const sync::ObjectId> ids) {
  return store_.envelopes(network, ids);
}

core::Result<sync::IngestResult> NetworkReplica::ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_ms) {
  std::vector<std::vector<std::uint8_t>> one{std::vector<std::uint8_t>(envelope.begin(), envelope.end())};
  auto r = ingest_batch(one, now_ms);
  if (!r) return tl::unexpected(r.error());
  return std::move(r->front());
}

core::Result<std::vector<sync::IngestResult>> NetworkReplica::ingest_batch(
    std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms) {
  auto txn = store::Transaction::begin(db_);
  if (!txn) return tl::unexpected(txn.error());
  auto out = ingest_in_transaction(envelopes, now_ms);
  if (!out) return out;  // rolls back the whole batch
  if (auto c = txn->commit(); !c) return tl::unexpected(c.error());
  return out;
}

core::Result<std::vector<sync::IngestResult>> NetworkReplica::ingest_in_transaction(
    std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms) {
  std::vector<sync::IngestResult> out;
  out.reserve(envelopes.size());
  for (const auto& e : envelopes) {
    auto r = ingest_one(e, now_ms);
    if (!r) return tl::unexpected(r.error());  // rolls back the whole batch
    if (r->outcome == sync::IngestOutcome::kAccepted && !pending_.empty()) {
      if (auto p = retry_pending(now_ms, r->released); !p) return tl::unexpected(p.error());
    }
    out.push_back(std::move(*r));
  }
  return out;
}

core::Result<sync::IngestResult> NetworkReplica::ingest_one(std::span<const std::uint8_t> bytes, std::uint64_t now_ms) {
  sync::IngestResult result;
  auto env = verify_envelope_bytes(bytes);
  if (!env) {
    ++counters_.rejected;
    result.reason = env.error().message();
    log::debug("rejected an object: " + result.reason);
    return result;
  }
  result.id = env->id();
  result.network = env->network();
  auto have = store_.has_object(env->id());
  if (!have) return tl::unexpected(have.error());
  if (*have) {
    ++counters_.duplicates;
    result.outcome = sync::IngestOutcome::kDuplicate;
    return result;
  }
  auto decision = judge_and_apply(*env, now_ms);
  if (!decision) return tl::unexpected(decision.error());
  switch (decision->verdict) {
    case Verdict::kAccept:
      ++counters_.accepted;
      result.outcome = sync::IngestOutcome::kAccepted;
      break;
    case Verdict::kPending:
      ++counters_.pending;
      result.outcome = sync::IngestOutcome::kPending;
      result.reason = decision->reason;
      hold(bytes, env->network());
      break;
    case Verdict::kReject:
      ++counters_.rejected;
      result.outcome = sync::IngestOutcome::kRejected;
      result.reason = decision->reason;
      log::debug("rejected " + std::string(kind_name(env->header().kind)) + " " + short_id(env->id()) + ": " +
                 decision->reason);
      break;
  }
  return result;
}

core::Result<Decision> NetworkReplica::judge_and_apply(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  const Header& h = env.header();
  if (auto d = check_timestamp(h, now_ms); !d.accepted()) return d;
  auto net = store_.network(env.network());
  if (!net) return tl::unexpected(net.error());
  if (!*net) return Decision::reject("it belongs to a network we are not in");
  if (h.kind == Kind::kGenesis) return apply_genesis(env, now_ms);
  if (!(*net)->founder) return Decision::pending("the network's genesis has not arrived");

  auto author = directory_.member(env.network(), h.author);
  if (!author) return tl::unexpected(author.error());
  if (auto d = check_author(*author, h); !d.accepted()) return d;
  if (h.kind == Kind::kEpochGrant) return apply_grant(env, now_ms);
  return apply_sealed(env, **author, now_ms);
}

core::Result<Decision> NetworkReplica::apply_genesis(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  auto payload = open_payload(env);
  if (!payload) return tl::unexpected(payload.error());
  if (!*payload) return Decision::pending("no key for the genesis yet");
  auto g = decode_genesis(**payload);
  if (!g) return Decision::reject(g.error().message());
  bool ok = false;
  auto founder = public_identity(g->founder(), ok);
  if (!ok || founder.identity_key != env.header().author) return Decision::reject("the genesis founder is not its author");
  if (!identity::verify_binding(founder)) return Decision::reject("the founder's Noise key binding does not verify");

  if (auto r = store_.set_genesis(env.network(), g->name(), founder.identity_key); !r) return tl::unexpected(r.error());
  MemberRecord m;
  m.identity = founder;
  m.role = Role::kLead;
  m.admitted_epoch = 0;
  m.admission_id = env.id();
  m.admitted_at_ms = env.header().timestamp_ms;
  if (auto r = directory_.apply_admission(env.network(), m, env.header().timestamp_ms); !r) return tl::unexpected(r.error());
  if (auto r = store_.insert_object(describe(env, founder.identity_key, 0), env.bytes(), static_cast<std::int64_t>(now_ms));
      !r) {
    return tl::unexpected(r.error());
  }
  return Decision::accept();
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
  return keys;
}

core::Result<Decision> NetworkReplica::apply_grant(const VerifiedEnvelope& env, std::uint64_t now_ms) {
  // A grant to someone else is stored and carried unread; one to us hands
  // us the network's keys.
  if (env.header().recipient == me_.public_identity().identity_key) {
    auto keys = open_grant(env);
    if (!keys) return Decision::reject("a grant to us that does not open or does not match its header");
    for (const auto& [epoch, key] : *keys) {
      if (auto r = store_.add_epoch_key(env.network(), epoch, key); !r) return tl::unexpected(r.error());
    }
    candidate_keys_.clear();
  }
  if (auto r = store_.insert_object(describe(env, *env.header().recipient, 0), env.bytes(),
                                    static_cast<std::int64_t>(now_ms));
      !r) {
    return tl::unexpected(r.error());
  }
  return Decision::accept();
}

core::Result<std::optional<std::string>> NetworkReplica::open_payload(const VerifiedEnvelope& env) {
  auto keys = store_.epoch_keys(env.network(), env.header().epoch);
  if (!keys) return tl::unexpected(keys.error());
  for (const auto& k : *keys) {
    if (auto p = env.open(k)) return std::optional<std::string>(std::move(*p));
  }
  auto c = candidate_keys_.find({env.network(), env.header().epoch});
  if (c != candidate_keys_.end()) {
    for (const auto& k : c->second) {
      if (auto p = env.open(k)) return std::optional<std::string>(std::move(*p));
    }
  }
  return std::optional<std::string>{};
}

core::Result<Decision> NetworkReplica::apply_sealed(const VerifiedEnvelope& env, const MemberRecord& author,
                                                    std::uint64_t now_ms) {
  const Header& h = env.header();
  const NetworkId& net = env.network();
  auto payload = open_payload(env);
  if (!payload) return tl::unexpected(payload.error());
  if (!*payload) return Decision::pending("we hold no key that opens it (epoch " + std::to_string(h.epoch) + ")");
  const std::string& plain = **payload;
  const auto now = static_cast<std::int64_t>(now_ms);

  switch (h.kind) {
    case Kind::kAdmission: {
      auto a = decode_admission(plain);
      if (!a) return Decision::reject(a.error().message());
      bool ok = false;
      MemberRecord m;
      m.identity = public_identity(a->member(), ok);
      if (!ok || !identity::verify_binding(m.identity)) return Decision::reject("the admitted key's binding does not verify");
      m.role = a->role() == proto::LEAD ? Role::kLead : Role::kMember;
      m.admitted_epoch = h.epoch;
      m.admission_id = env.id();
      m.admitted_at_ms = h.timestamp_ms;
      if (auto r = directory_.apply_admission(net, m, h.timestamp_ms); !r) return tl::unexpected(r.error());
      if (auto r = store_.insert_object(describe(env, m.identity.identity_key, 0), env.bytes(), now); !r) {
        return tl::unexpected(r.error());
      }
      return Decision::accept();
    }
    case Kind::kRemoval: {
      auto rm = decode_removal(plain);
      if (!rm) return Decision::reject(rm.error().message());
      const auto target = to_array<32>(rm->member());
      auto network = store_.network(net);
      if (!network) return tl::unexpected(network.error());
      if ((*network)->founder == target) return Decision::reject("the founder cannot be removed");
      auto member = directory_.member(net, target);
      if (!member) return tl::unexpected(member.error());
      if (!*member) return Decision::pending("the removed member's admission has not arrived");
      if (auto r = store_.insert_object(describe(env, target, 0), env.bytes(), now); !r) return tl::unexpected(r.error());
      if (auto r = directory_.apply_removal(net, target, h.epoch, h.timestamp_ms, env.id()); !r) {
        return tl::unexpected(r.error());
      }
      auto after = directory_.member(net, target);
      if (!after) return tl::unexpected(after.error());
      if (auto r = purge_after_removal(net, target, *(*after)->removed_epoch, *(*after)->removed_at_ms); !r) {
        return tl::unexpected(r.error());
      }
      return Decision::accept();
    }
    case Kind::kProfile: {
      auto p = decode_profile(plain);
      if (!p) return Decision::reject(p.error().message());
      ProfileRecord rec;
      rec.lamport = p->lamport();
      rec.object_id = env.id();
      rec.display_name = p->display_name();
      rec.organisation = p->organisation();
      rec.region = p->region();
      rec.contact = p->contact();
      rec.languages.assign(p->languages().begin(), p->languages().end());
      rec.services.assign(p->services().begin(), p->services().end());
      rec.updated_at_ms = h.timestamp_ms;
      if (auto r = store_.insert_object(describe(env, h.author, p->lamport()), env.bytes(), now); !r) {
        return tl::unexpected(r.error());
      }
      if (auto r = directory_.apply_profile(net, h.author, rec); !r) return tl::unexpected(r.error());
      return Decision::accept();
    }
    case Kind::kNote: {
      auto n = decode_note(plain);
      if (!n) return Decision::reject(n.error().message());
      if (n->root().empty()) {
        if (auto r = store_.insert_object(describe(env, env.id(), 0), env.bytes(), now); !r) {
          return tl::unexpected(r.error());
        }
        if (auto r = project_note(env, *n, h.author, h.timestamp_ms, false); !r) return tl::unexpected(r.error());
        return Decision::accept();
      }
      const auto root_id = to_array<32>(n->root());
      auto root = store_.object(root_id);
      if (!root) return tl::unexpected(root.error());
      if (!*root) return Decision::pending("the note it revises has not arrived");
      if ((*root)->kind != Kind::kNote || (*root)->network != net || (*root)->subject != root_id) {
        return Decision::reject("it revises something that is not a note of this network");
      }
      // Editable by the note's author or a lead (docs/PROTOCOL.md, "Notes").
      if ((*root)->author != h.author && author.role != Role::kLead) {
        return Decision::reject("only the note's author or a lead may revise it");
      }
      if (auto r = store_.insert_object(describe(env, root_id, n->lamport()), env.bytes(), now); !r) {
        return tl::unexpected(r.error());
      }
      if (auto r = project_note(env, *n, (*root)->author, (*root)->timestamp_ms, false); !r) {
        return tl::unexpected(r.error());
      }
      return Decision::accept();
    }
    case Kind::kBroadcast: {
      auto b = decode_broadcast(plain);
      if (!b) return Decision::reject(b.error().message());
      BroadcastRecord rec;
      rec.id = env.id();
      rec.network = net;
      rec.author = h.author;
      rec.urgent = b->priority() == proto::URGENT;
      rec.text = b->text();
      rec.created_at_ms = h.timestamp_ms;
      rec.expires_at_ms = b->expires_ms();
      if (auto r = store_.insert_object(describe(env, std::nullopt, 0), env.bytes(), now); !r) {
        return tl::unexpected(r.error());
      }
      if (auto r = library_.apply_broadcast(rec); !r) return tl::unexpected(r.error());
      return Decision::accept();
    }
    case Kind::kGenesis:
    case Kind::kEpochGrant:
      break;
  }
  return Decision::reject("unexpected kind");
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
  return library_.apply_note(rec, force);
}

core::Result<void> NetworkReplica::purge_after_removal(const NetworkId& net, const identity::IdentityKey& member,
                                                       std::uint64_t removed_epoch, std::uint64_t removed_at_ms) {
  auto invalid = store_.objects_invalidated_by_removal(net, member, removed_epoch, removed_at_ms);
  if (!invalid) return tl::unexpected(invalid.error());
  std::vector<ObjectId> notes_to_redo;
  bool profile_gone = false;
  for (const auto& o : *invalid) {
    if (auto r = store_.delete_object(o.id); !r) return r;
    if (o.kind == Kind::kNote && o.subject) notes_to_redo.push_back(*o.subject);
    if (o.kind == Kind::kProfile) profile_gone = true;
    if (o.kind == Kind::kBroadcast) {
      if (auto r = library_.drop_broadcast(o.id); !r) return r;
    }
    log::debug("dropped " + std::string(kind_name(o.kind)) + " " + short_id(o.id) + ": its author was removed");
  }
  if (profile_gone) {
    if (auto r = directory_.drop_profile(net, member); !r) return r;
    // The newest profile that survives the removal becomes current again.
    auto st = store_.database().prepare(
        "SELECT envelope FROM object WHERE network_id = ?1 AND kind = ?2 AND author = ?3 "
        "ORDER BY lamport DESC, id DESC LIMIT 1");
    if (!st) return tl::unexpected(st.error());
    if (auto b = store::bind_all(*st, net, static_cast<int>(Kind::kProfile), member); !b) return b;
    auto row = st->step();
    if (!row) return tl::unexpected(row.error());
    if (*row) {
      auto blob = st->column_blob(0);
      auto env = verify_envelope_bytes(std::vector<std::uint8_t>(blob.begin(), blob.end()));
      auto plain = env ? open_payload(*env) : core::Result<std::optional<std::string>>(std::nullopt);
      if (!plain) return tl::unexpected(plain.error());
      if (env && *plain) {
        if (auto p = decode_profile(**plain)) {
          ProfileRecord rec;
          rec.lamport = p->lamport();
          rec.object_id = env->id();
          rec.display_name = p->display_name();
          rec.organisation = p->organisation();
          rec.region = p->region();
          rec.contact = p->contact();
          rec.languages.assign(p->languages().begin(), p->languages().end());
          rec.services.assign(p->services().begin(), p->services().end());
          rec.updated_at_ms = env->header().timestamp_ms;
          if (auto r = directory_.apply_profile(net, member, rec); !r) return r;
        }
      }
    }
  }
  std::sort(notes_to_redo.begin(), notes_to_redo.end());
  notes_to_redo.erase(std::unique(notes_to_redo.begin(), notes_to_redo.end()), notes_to_redo.end());
  for (const auto& root : notes_to_redo) {
    if (auto r = library_.drop_note(root); !r) return r;
    auto best = store_.best_revision(net, root);
    if (!best) return tl::unexpected(best.error());
    if (!*best) continue;
    auto env = verify_envelope_bytes(**best);
    if (!env) continue;
    auto plain = open_payload(*env);
    if (!plain) return tl::unexpected(plain.error());
    if (!*plain) continue;
    auto n = decode_note(**plain);
    if (!n) continue;
    auto root_obj = store_.object(root);
    if (!root_obj) return tl::unexpected(root_obj.error());
    if (!*root_obj) continue;  // the first version itself was dropped: the revisions stay unlisted
    if (auto r = project_note(*env, *n, (*root_obj)->author, (*root_obj)->timestamp_ms, true); !r) return r;
  }
  return {};
}

void NetworkReplica::hold(std::span<const std::uint8_t> bytes, const NetworkId& network) {
  auto parsed = parse_envelope(bytes);
  const bool grant_to_us = parsed && parsed->header().kind == Kind::kEpochGrant &&
                           parsed->header().recipient == me_.public_identity().identity_key;
  pending_.push_back(Pending{std::vector<std::uint8_t>(bytes.begin(), bytes.end()), network, grant_to_us});
  pending_bytes_ += bytes.size();
  while (pending_.size() > kMaxPendingObjects || pending_bytes_ > kMaxPendingBytes) {
    pending_bytes_ -= pending_.front().bytes.size();
    pending_.pop_front();
    ++counters_.dropped_pending;
  }
  if (grant_to_us) refresh_candidate_keys();
}

void NetworkReplica::refresh_candidate_keys() {
  candidate_keys_.clear();
  for (const auto& p : pending_) {
    if (!p.grant_to_us) continue;
    auto env = verify_envelope_bytes(p.bytes);
    if (!env || env->header().kind != Kind::kEpochGrant) continue;
    auto keys = open_grant(*env);
    if (!keys) continue;
    for (auto& [epoch, key] : *keys) candidate_keys_[{env->network(), epoch}].push_back(std::move(key));
  }
}

core::Result<void> NetworkReplica::retry_pending(std::uint64_t now_ms, std::vector<std::vector<std::uint8_t>>& released) {
  // Until a pass makes no progress: each accepted object may unblock others.
  bool progress = true;
  while (progress && !pending_.empty()) {
    progress = false;
    std::deque<Pending> waiting;
    waiting.swap(pending_);
    pending_bytes_ = 0;
    refresh_candidate_keys();
    for (auto& p : waiting) {
      auto env = verify_envelope_bytes(p.bytes);
      if (!env) continue;
      auto have = store_.has_object(env->id());
      if (!have) return tl::unexpected(have.error());
      if (*have) continue;
      auto d = judge_and_apply(*env, now_ms);
      if (!d) return tl::unexpected(d.error());
      if (d->verdict == Verdict::kAccept) {
        ++counters_.accepted;
        released.push_back(std::move(p.bytes));
        progress = true;
      } else if (d->verdict == Verdict::kPending) {
        pending_bytes_ += p.bytes.size();
        pending_.push_back(std::move(p));
      } else {
        ++counters_.rejected;
      }
    }
    refresh_candidate_keys();
  }
  return {};
}

}  // namespace tumar::network
