#include "core/network/local_author.hpp"

#include "core/error_ids.hpp"
#include "core/network/counter.hpp"
#include "core/network/envelope.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/network/object_limits.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/recipient_tag.hpp"
#include "core/store/statement.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

proto::IdentityProof proof_of(const identity::PublicIdentity& id) {
  proto::IdentityProof p;
  p.set_identity_key(id.identity_key.data(), id.identity_key.size());
  p.set_noise_static_key(id.noise_key.data(), id.noise_key.size());
  p.set_binding_signature(id.binding_signature.data(), id.binding_signature.size());
  return p;
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Explains, for the person at the keyboard, why the replica refused what we
// just wrote (it would refuse the same from anyone). The replica's reason is
// an error of its own (an object.* id, or the error of the check that
// refused it); it rides along as the cause, and the edge words the reason
// field from it ("Refused: " and the cause's words). That keeps one wording
// per reason, used alike here and in the debug log, with no sentence made
// in core/; the field holds the cause's key for describe().
core::Result<void> check_stored(const sync::IngestResult& r) {
  switch (r.outcome) {
    case sync::IngestOutcome::kAccepted:
    case sync::IngestOutcome::kDuplicate:
      return {};
    case sync::IngestOutcome::kPending:
      if (!r.reason) core::misuse("check_stored: a held object without a reason");
      return tl::unexpected(
          core::make_error<core::ErrorId::kNetworkHistoryPending>(core::Errc::kRefused, r.reason->key())
              .because(*r.reason));
    case sync::IngestOutcome::kRejected:
      break;
  }
  if (!r.reason) core::misuse("check_stored: a rejected object without a reason");
  return tl::unexpected(
      core::make_error<core::ErrorId::kNetworkRefused>(core::Errc::kRefused, r.reason->key()).because(*r.reason));
}

// A write transaction, unless the caller already holds one (a node
// admitting an invitee marks the invite used and writes the admission in
// one transaction): then everything here joins the caller's.
core::Result<std::optional<store::Transaction>> begin_unless_nested(store::Database& db) {
  if (sqlite3_get_autocommit(db.handle()) == 0) return std::optional<store::Transaction>{};
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  return std::optional<store::Transaction>(std::move(txn));
}

core::Result<void> commit(std::optional<store::Transaction>& txn) {
  if (!txn) return {};
  return txn->commit();
}

}  // namespace

core::Result<Written> LocalAuthor::store(std::vector<std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(results, replica_.ingest_in_transaction(envelopes, now_ms));
  for (const auto& r : results) {
    TUMAR_TRY(check_stored(r));
  }
  Written w;
  w.id = results.front().id;
  w.envelopes = std::move(envelopes);
  return w;
}

core::Result<void> LocalAuthor::require_lead(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(me, replica_.directory().member(net, me_.public_identity().identity_key));
  if (!me || me->removed()) {
    return core::fail<core::ErrorId::kNetworkNotAMember>(core::Errc::kRefused);
  }
  if (me->role != Role::kLead) {
    return core::fail<core::ErrorId::kNetworkLeadOnly>(core::Errc::kRefused);
  }
  return {};
}

core::Result<std::uint64_t> LocalAuthor::next_seq(const NetworkId& net, std::uint64_t ahead) {
  TUMAR_TRY_ASSIGN(last, replica_.store().max_seq(net, me_.public_identity().identity_key));
  std::optional<std::uint64_t> seq = last;
  for (std::uint64_t i = 0; i < ahead && seq; ++i) seq = next_counter(*seq);
  if (!seq) {
    return core::fail<core::ErrorId::kNetworkSeqExhausted>(core::Errc::kLimit);
  }
  return *seq;
}

core::Result<NetworkId> LocalAuthor::create_network(const std::string& name, bool demo, std::uint64_t now_ms) {
  if (name.empty()) return core::fail<core::ErrorId::kNetworkNameEmpty>(core::Errc::kInvalidArgument);
  if (auto r = check_text("network_name", name, kMaxNetworkNameBytes); !r) {
    return tl::unexpected(r.error().with_code(core::Errc::kInvalidArgument));
  }
  TUMAR_TRY_ASSIGN(existing, replica_.store().networks());
  for (const auto& n : existing) {
    if (n.name == name) {
      return core::fail<core::ErrorId::kNetworkNameTaken>(core::Errc::kInvalidArgument, name);
    }
  }
  TUMAR_TRY_ASSIGN(demo_profile, replica_.store().profile_is_demo());
  if (demo != demo_profile) {
    return demo ? core::fail<core::ErrorId::kNetworkDemoNeedsDemoProfile>(core::Errc::kRefused)
                : core::fail<core::ErrorId::kNetworkDemoProfileOnlyDemo>(core::Errc::kRefused);
  }
  proto::Genesis g;
  g.set_name(name);
  g.set_demo(demo);
  *g.mutable_founder() = proof_of(me_.public_identity());
  const std::string payload = g.SerializeAsString();
  crypto::Secret<32> key;  // from the caller's randomness (sans-I/O): SystemRandom in production
  rng_.fill(key.span());
  Header h;
  h.author = me_.public_identity().identity_key;
  h.kind = Kind::kGenesis;
  h.epoch = 0;
  h.timestamp_ms = now_ms;
  h.seq = 1;
  h.key_id = epoch_key_id(key);
  auto envelope = seal_envelope(h, bytes_of(payload), key, me_, rng_);
  const NetworkId id = object_id(envelope);

  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  NetworkRecord rec;
  rec.id = id;
  rec.joined_at = static_cast<std::int64_t>(now_ms / 1000);
  rec.is_demo = demo;
  TUMAR_TRY(replica_.store().add_network(rec));
  TUMAR_TRY(replica_.store().add_epoch_key(id, 0, key));
  TUMAR_TRY(store({std::move(envelope)}, now_ms));
  TUMAR_TRY(commit(txn));
  return id;
}

core::Result<std::vector<std::uint8_t>> LocalAuthor::grant_envelope(const NetworkId& net,
                                                                    const identity::PublicIdentity& to,
                                                                    std::uint64_t now_ms, std::uint64_t seq) {
  // Every key we hold, and in the header the current epoch and the id of
  // the key we write under: what every replica checks against the starts.
  TUMAR_TRY_ASSIGN(current, replica_.store().current_epoch_key(net));
  if (!current) return core::fail<core::ErrorId::kNetworkNoCurrentKey>(core::Errc::kRefused);
  TUMAR_TRY_ASSIGN(keys, replica_.store().all_epoch_keys(net));
  if (keys.empty()) return core::fail<core::ErrorId::kNetworkNoKey>(core::Errc::kRefused);
  proto::EpochGrant grant;
  grant.set_network_id(net.data(), net.size());
  grant.set_recipient(to.identity_key.data(), to.identity_key.size());
  for (const auto& [epoch, key] : keys) {
    if (epoch > current->first) continue;  // not started here: no one could use it
    auto* k = grant.add_keys();
    k->set_epoch(epoch);
    k->set_key(key.data(), 32);
  }
  crypto::SecretBuffer plain(grant.ByteSizeLong());
  grant.SerializeWithCachedSizesToArray(plain.data());
  for (auto& k : *grant.mutable_keys()) {
    crypto::wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(k.mutable_key()->data()), k.key().size()));
  }
  Header h;
  h.network_id = net;
  h.author = me_.public_identity().identity_key;
  h.kind = Kind::kEpochGrant;
  h.epoch = current->first;
  h.timestamp_ms = now_ms;
  h.recipient = to.identity_key;
  h.seq = seq;
  h.key_id = epoch_key_id(current->second);
  return seal_grant_envelope(h, plain.span(), to.noise_key, me_, rng_);
}

core::Result<Written> LocalAuthor::write_sealed(const NetworkId& net, Kind kind, const std::string& payload,
                                                std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return no_current_key(net);
  Header h;
  h.network_id = net;
  h.author = me_.public_identity().identity_key;
  h.kind = kind;
  h.epoch = key->first;
  h.timestamp_ms = now_ms;
  TUMAR_TRY_ASSIGN(seq, next_seq(net));
  h.seq = seq;
  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  auto w = store({seal_envelope(h, bytes_of(payload), key->second, me_, rng_)}, now_ms);
  if (!w) return w;
  TUMAR_TRY(commit(txn));
  return w;
}

core::Result<Written> LocalAuthor::admit(const NetworkId& net, const identity::PublicIdentity& member, Role role,
                                         std::uint64_t now_ms) {
  TUMAR_TRY(require_lead(net));
  if (!identity::verify_binding(member)) {
    return core::fail<core::ErrorId::kNetworkMemberKeysMismatch>(core::Errc::kRefused);
  }
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return no_current_key(net);
  TUMAR_TRY(next_seq(net, 2));
  proto::Admission a;
  *a.mutable_member() = proof_of(member);
  a.set_role(role == Role::kLead ? proto::LEAD : proto::MEMBER);
  const std::string payload = a.SerializeAsString();
  Header h;
  h.network_id = net;
  h.author = me_.public_identity().identity_key;
  h.kind = Kind::kAdmission;
  h.epoch = key->first;
  h.timestamp_ms = now_ms;
  TUMAR_TRY_ASSIGN(seq, next_seq(net));
  h.seq = seq;
  std::vector<std::vector<std::uint8_t>> envs;
  envs.push_back(seal_envelope(h, bytes_of(payload), key->second, me_, rng_));
  TUMAR_TRY_ASSIGN(grant, grant_envelope(net, member, now_ms, seq + 1));  // next_seq checked one ahead below
  envs.push_back(std::move(grant));
  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  auto w = store(std::move(envs), now_ms);
  if (!w) return w;
  TUMAR_TRY(commit(txn));
  return w;
}

core::Result<Written> LocalAuthor::remove(const NetworkId& net, const identity::IdentityKey& member,
                                          std::uint64_t now_ms) {
  TUMAR_TRY(require_lead(net));
  TUMAR_TRY_ASSIGN(target, replica_.directory().member(net, member));
  if (!target) return core::fail<core::ErrorId::kNetworkNotAMemberPerson>(core::Errc::kInvalidArgument);
  if (target->removed()) return core::fail<core::ErrorId::kNetworkAlreadyRemoved>(core::Errc::kInvalidArgument);
  if (member == me_.public_identity().identity_key) {
    return core::fail<core::ErrorId::kNetworkRemoveSelf>(core::Errc::kInvalidArgument);
  }
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return no_current_key(net);
  const std::uint64_t epoch = key->first;
  if (!next_counter(epoch)) {
    return core::fail<core::ErrorId::kNetworkLastEpochRemoval>(core::Errc::kLimit);
  }
  TUMAR_TRY_ASSIGN(seq, next_seq(net));
  // What the member wrote that we hold is all of theirs that counts: the
  // seq, not a date they chose, decides (docs/NETWORKS.md, "Removal").
  TUMAR_TRY_ASSIGN(last_seq, replica_.store().max_seq(net, member));

  proto::Removal rm;
  rm.set_member(member.data(), member.size());
  rm.set_last_seq(last_seq);
  Header h;
  h.network_id = net;
  h.author = me_.public_identity().identity_key;
  h.kind = Kind::kRemoval;
  h.epoch = epoch;
  h.timestamp_ms = now_ms;
  h.seq = seq;
  std::vector<std::vector<std::uint8_t>> envs;
  envs.push_back(seal_envelope(h, bytes_of(rm.SerializeAsString()), key->second, me_, rng_));

  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  auto removal = store(std::move(envs), now_ms);
  if (!removal) return removal;
  // The new epoch, stored with the removal in one transaction.
  auto grants = start_epoch(net, proto::EPOCH_REMOVAL, &removal->id, saturating_add(now_ms, 1));
  if (!grants) return grants;
  Written w = std::move(*removal);
  for (auto& g : grants->envelopes) w.envelopes.push_back(std::move(g));
  TUMAR_TRY(commit(txn));
  return w;
}

core::Result<Written> LocalAuthor::start_epoch(const NetworkId& net, int reason, const ObjectId* removal,
                                              std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(current, replica_.store().current_epoch_key(net));
  if (!current) return no_current_key(net);
  const std::uint64_t epoch = current->first;
  const auto next_epoch = next_counter(epoch);
  if (!next_epoch) {
    return core::fail<core::ErrorId::kNetworkLastEpochRekey>(core::Errc::kLimit);
  }
  TUMAR_TRY_ASSIGN(seq, next_seq(net));
  crypto::Secret<32> next;
  rng_.fill(next.span());
  proto::EpochStart start;
  start.set_reason(static_cast<proto::EpochReason>(reason));
  if (removal) start.set_removal(removal->data(), removal->size());
  Header h;
  h.network_id = net;
  h.author = me_.public_identity().identity_key;
  h.kind = Kind::kEpochStart;
  h.epoch = epoch;  // the epoch it follows, whose key seals it
  h.timestamp_ms = now_ms;
  h.seq = seq;
  h.key_id = epoch_key_id(next);
  // Our own key needs no grant; the start then makes it current.
  TUMAR_TRY(replica_.store().add_epoch_key(net, *next_epoch, next));
  auto started = store({seal_envelope(h, bytes_of(start.SerializeAsString()), current->second, me_, rng_)}, now_ms);
  if (!started) return started;
  TUMAR_TRY_ASSIGN(entries, replica_.directory().entries(net));
  // Everyone who remains.
  std::vector<std::vector<std::uint8_t>> grants;
  for (const auto& e : entries) {
    if (e.member.removed() || e.member.identity.identity_key == me_.public_identity().identity_key) continue;
    TUMAR_TRY_ASSIGN(g, grant_envelope(net, e.member.identity, now_ms, seq + 1 + grants.size()));
    grants.push_back(std::move(g));
  }
  TUMAR_TRY(next_seq(net, 1 + grants.size()));
  Written w = std::move(*started);
  if (grants.empty()) return w;
  auto stored = store(grants, now_ms);
  if (!stored) return stored;
  for (auto& g : stored->envelopes) w.envelopes.push_back(std::move(g));
  return w;
}

core::Result<Written> LocalAuthor::rekey_if_exposed(const NetworkId& net, std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(me, replica_.directory().member(net, me_.public_identity().identity_key));
  if (!me || me->removed() || me->role != Role::kLead) return Written{};
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return Written{};
  const std::uint64_t epoch = key->first;
  TUMAR_TRY_ASSIGN(exposed, replica_.store().epoch_granted_to_removed(net, epoch));
  std::vector<identity::PublicIdentity> behind;
  if (!exposed) {
    TUMAR_TRY_ASSIGN(due, catch_up_due(net));
    if (due.empty()) return Written{};  // the usual case: no write transaction at all
    behind = std::move(due);
  }
  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  core::Result<Written> w = Written{};
  if (exposed) {
    w = start_epoch(net, proto::EPOCH_REKEY, nullptr, now_ms);
  } else {
    std::vector<std::vector<std::uint8_t>> grants;
    for (const auto& who : behind) {
      TUMAR_TRY_ASSIGN(seq, next_seq(net, 1 + grants.size()));
      TUMAR_TRY_ASSIGN(g, grant_envelope(net, who, now_ms, seq));
      grants.push_back(std::move(g));
    }
    w = store(std::move(grants), now_ms);
  }
  if (!w) return w;
  TUMAR_TRY(commit(txn));
  return w;
}

core::Result<std::vector<identity::PublicIdentity>> LocalAuthor::catch_up_due(const NetworkId& net) {
  using Due = std::vector<identity::PublicIdentity>;
  // Two leads who start the same epoch at once each grant their own key to
  // the members they know. Every replica takes the start with the smaller
  // id as the winner; a lead holding the winner's key grants it to every
  // current member who has no grant of it (one admitted meanwhile by the
  // other lead, say), so all end up writing under one key.
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return Due{};
  const std::uint64_t epoch = key->first;
  TUMAR_TRY_ASSIGN(ids, replica_.store().started_key_ids(net, epoch));
  const KeyId mine = epoch_key_id(key->second);
  if (ids.empty() || ids.front() != mine) return Due{};
  TUMAR_TRY_ASSIGN(entries, replica_.directory().entries(net));
  // Who started the winning key holds it without a grant: the founder at
  // epoch 0, else the winning start's author.
  std::optional<identity::IdentityKey> starter;
  if (epoch == 0) {
    TUMAR_TRY_ASSIGN(n, replica_.store().network(net));
    if (n) starter = n->founder;
  } else {
    TUMAR_TRY_ASSIGN(starts, replica_.store().objects_of_epoch(net, Kind::kEpochStart, epoch - 1));
    for (const auto& s : starts) {
      if (s.key_id == mine) starter = s.author;
    }
  }
  Due due;
  for (const auto& e : entries) {
    const auto& who = e.member.identity.identity_key;
    if (e.member.removed() || who == me_.public_identity().identity_key || who == starter) continue;
    TUMAR_TRY_ASSIGN(has, replica_.store().has_grant(net, who, epoch, mine));
    if (!has) due.push_back(e.member.identity);
  }
  return due;
}

core::Result<Written> LocalAuthor::no_current_key(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(epoch, replica_.store().current_epoch(net));
  if (epoch && *epoch > 0) {
    TUMAR_TRY_ASSIGN(any, replica_.store().all_epoch_keys(net));
    if (!any.empty()) {
      return core::fail<core::ErrorId::kNetworkNewKeyNotArrived>(core::Errc::kRefused);
    }
  }
  return core::fail<core::ErrorId::kNetworkKeyNotYetHeld>(core::Errc::kRefused);
}

core::Result<Written> LocalAuthor::set_profile(const NetworkId& net, const ProfileFields& f, std::uint64_t now_ms) {
  const auto& me = me_.public_identity().identity_key;
  TUMAR_TRY_ASSIGN(lamport, replica_.store().max_lamport(net, Kind::kProfile, me));
  const auto next = next_counter(lamport);
  if (!next) return core::fail<core::ErrorId::kNetworkProfileClockMax>(core::Errc::kLimit);
  proto::MemberProfile p;
  p.set_lamport(*next);
  p.set_display_name(f.display_name);
  p.set_organisation(f.organisation);
  p.set_region(f.region);
  p.set_contact(f.contact);
  for (const auto& l : f.languages) p.add_languages(l);
  for (const auto& s : f.services) p.add_services(s);
  for (const auto& a : f.addresses) p.add_addresses(a);
  if (f.onion_client_key) p.set_onion_client_key(f.onion_client_key->data(), f.onion_client_key->size());
  const std::string payload = p.SerializeAsString();
  if (auto ok = decode_profile(payload); !ok) return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  return write_sealed(net, Kind::kProfile, payload, now_ms);
}

namespace {
proto::ResourceNote note_payload(const NoteFields& f) {
  proto::ResourceNote n;
  n.set_title(f.title);
  n.set_body(f.body);
  for (const auto& t : f.tags) n.add_tags(t);
  n.set_region(f.region);
  n.set_contact(f.contact);
  n.set_verified_on(f.verified_on);
  n.set_valid_until(f.valid_until);
  return n;
}
}  // namespace

core::Result<Written> LocalAuthor::add_note(const NetworkId& net, const NoteFields& fields, std::uint64_t now_ms) {
  const auto n = note_payload(fields);
  if (auto ok = check_note_dates(n, now_ms); !ok) {
    return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  }
  const std::string payload = n.SerializeAsString();
  if (auto ok = decode_note(payload); !ok) return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  return write_sealed(net, Kind::kNote, payload, now_ms);
}

core::Result<Written> LocalAuthor::revise_note(const ObjectId& root, const NoteFields& fields, std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(obj, replica_.store().object(root));
  if (!obj || obj->kind != Kind::kNote) {
    return core::fail<core::ErrorId::kNetworkNoSuchNote>(core::Errc::kInvalidArgument);
  }
  TUMAR_TRY_ASSIGN(lamport, replica_.store().max_lamport(obj->network, Kind::kNote, root));
  auto n = note_payload(fields);
  n.set_root(root.data(), root.size());
  const auto next = next_counter(lamport);
  if (!next) return core::fail<core::ErrorId::kNetworkNoteClockMax>(core::Errc::kLimit);
  n.set_lamport(*next);
  if (!check_note_clock(n, now_ms)) {
    // Only a revision written on a machine whose clock ran ahead, or forged
    // to freeze the note, gets here; ours wins once our clock passes it.
    const std::uint64_t wait_min = (*next - now_ms + 59'999) / 60'000;
    return core::fail<core::ErrorId::kNetworkNoteClockAhead>(core::Errc::kInvalidArgument, wait_min);
  }
  if (auto ok = check_note_dates(n, now_ms); !ok) {
    return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  }
  const std::string payload = n.SerializeAsString();
  if (auto ok = decode_note(payload); !ok) return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  return write_sealed(obj->network, Kind::kNote, payload, now_ms);
}

core::Result<Written> LocalAuthor::broadcast(const NetworkId& net, const std::string& text, bool urgent,
                                             std::uint64_t expires_ms, std::uint64_t now_ms) {
  TUMAR_TRY(require_lead(net));
  proto::Broadcast b;
  b.set_priority(urgent ? proto::URGENT : proto::NORMAL);
  b.set_text(text);
  b.set_expires_ms(expires_ms);
  const std::string payload = b.SerializeAsString();
  if (auto ok = decode_broadcast(payload); !ok) {
    return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  }
  return write_sealed(net, Kind::kBroadcast, payload, now_ms);
}

}  // namespace tumar::network

namespace tumar::network {

core::Result<Written> LocalAuthor::publish_prekeys(const NetworkId& net, const PrekeyFields& prekeys,
                                                   std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(lamport, replica_.store().max_lamport(net, Kind::kPrekeys, me_.public_identity().identity_key));
  const auto next = next_counter(lamport);
  if (!next) return core::fail<core::ErrorId::kNetworkPrekeyClockMax>(core::Errc::kLimit);
  proto::PrekeyBundle bundle;
  bundle.set_lamport(*next);
  bundle.set_signed_prekey_id(prekeys.signed_prekey_id);
  bundle.set_signed_prekey(prekeys.signed_prekey.data(), prekeys.signed_prekey.size());
  bundle.set_signed_prekey_signature(prekeys.signed_prekey_signature.data(), prekeys.signed_prekey_signature.size());
  for (const auto& d : prekeys.one_time_prekeys) {
    auto* k = bundle.add_one_time_prekeys();
    k->set_sender(d.sender.data(), d.sender.size());
    k->set_id(d.id);
    k->set_key(d.key.data(), d.key.size());
  }
  return write_sealed(net, Kind::kPrekeys, bundle.SerializeAsString(), now_ms);
}

core::Result<Written> LocalAuthor::send_direct(const NetworkId& net, const identity::IdentityKey& recipient,
                                               std::span<const std::uint8_t> ratchet_message, std::uint64_t now_ms) {
  TUMAR_TRY_ASSIGN(key, replica_.store().current_epoch_key(net));
  if (!key) return no_current_key(net);
  proto::DirectPayload payload;
  payload.set_ratchet_message(ratchet_message.data(), ratchet_message.size());
  // A fresh signing key for this one message: the signature then says
  // nothing about who wrote it (the ratchet authenticates the sender to the
  // recipient alone).
  const auto one_time = identity::LocalIdentity::generate(rng_);
  Header h;
  h.network_id = net;
  h.author = one_time.public_identity().identity_key;
  h.kind = Kind::kDirect;
  h.epoch = key->first;
  h.timestamp_ms = now_ms;
  h.recipient = recipient_tag(key->second, recipient);
  const std::string bytes = payload.SerializeAsString();
  TUMAR_TRY_ASSIGN(txn, begin_unless_nested(replica_.store().database()));
  auto w = store({seal_envelope(h, bytes_of(bytes), key->second, one_time, rng_)}, now_ms);
  if (!w) return w;
  TUMAR_TRY(commit(txn));
  return w;
}

}  // namespace tumar::network
