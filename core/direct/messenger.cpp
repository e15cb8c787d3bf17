#include "core/direct/messenger.hpp"

#include <sodium.h>

#include <set>
#include <string>

#include "core/direct/peer_bundle.hpp"
#include "core/error_ids.hpp"
#include "core/log/log.hpp"
#include "core/network/envelope.hpp"
#include "core/network/object_limits.hpp"
#include "core/network/payload_codec.hpp"
#include "core/network/recipient_tag.hpp"
#include "core/ratchet/direct_message.hpp"
#include "core/store/bind.hpp"
#include "tumar/network.pb.h"

namespace tumar::direct {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The ratchet binds each message to the network it travels in (its AD).
std::span<const std::uint8_t> ad_of(const network::NetworkId& net) { return net; }

// Message text is not key material, but it is what a seized laptop must not
// give away: the plaintext's temporary copy is wiped, not just freed.
void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

// Whether the person behind a session or an X3DH header may write to us in
// `net` now: a current (not removed) member whose admitted X25519 key is the
// one the ratchet authenticated, and not us. Checked for every message, not
// only the one that starts a session: a member removed after a session
// started still holds its ratchet keys, and removal must end what they can
// put in front of us (SECURITY.md, "Direct messages").
core::Result<bool> may_write(network::NetworkReplica& replica, const network::NetworkId& net,
                             const identity::IdentityKey& identity_key, const identity::NoiseKey& noise_key,
                             const identity::IdentityKey& me) {
  TUMAR_TRY_ASSIGN(member, replica.directory().member(net, identity_key));
  return member && !member->removed() && member->identity.noise_key == noise_key && identity_key != me;
}

core::Result<bool> handled_before(store::Database& db, const network::ObjectId& id) {
  TUMAR_TRY_ASSIGN(st, store::prepare_bound(db, "SELECT 1 FROM dm_inbox WHERE object_id = ?1", id));
  TUMAR_TRY_ASSIGN(row, st.step());
  return row;
}

}  // namespace

core::Result<network::Written> Messenger::send(const network::NetworkId& net, const identity::IdentityKey& peer,
                                               std::string_view text, std::uint64_t now_ms) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return core::fail<core::ErrorId::kDirectEmptyMessage>(core::Errc::kInvalidArgument);
  }
  if (auto ok = network::check_text("message", text, network::kMaxDirectTextBytes, true); !ok) {
    // The person typing it is told, as for any other bad input of theirs.
    return tl::unexpected(ok.error().with_code(core::Errc::kInvalidArgument));
  }
  return send_content(net, peer, text, false, now_ms);
}

core::Result<network::Written> Messenger::send_content(const network::NetworkId& net,
                                                       const identity::IdentityKey& peer, std::string_view text,
                                                       bool receipt_only, std::uint64_t now_ms) {
  const auto& my_key = me_.public_identity().identity_key;
  if (peer == my_key) return core::fail<core::ErrorId::kDirectToSelf>(core::Errc::kInvalidArgument);
  TUMAR_TRY_ASSIGN(me, replica_.directory().member(net, my_key));
  if (!me || me->removed()) {
    return core::fail<core::ErrorId::kDirectNotAMember>(core::Errc::kRefused);
  }
  TUMAR_TRY_ASSIGN(them, replica_.directory().member(net, peer));
  if (!them || them->removed()) {
    return core::fail<core::ErrorId::kDirectPeerNotAMember>(core::Errc::kRefused);
  }

  auto& db = replica_.store().database();
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  auto stored = sessions_.newest(net, peer);
  if (!stored) return tl::unexpected(stored.error());
  if (!*stored) {
    TUMAR_TRY_ASSIGN(bundle, peer_bundle(replica_, net, *them, my_key));
    if (!bundle) {
      return core::fail<core::ErrorId::kDirectNoPeerKeys>(core::Errc::kRefused);
    }
    TUMAR_TRY_ASSIGN(verified, ratchet::verify_bundle(*bundle));
    TUMAR_TRY_ASSIGN(session, ratchet::start_session(me_, verified, rng_));
    if (const auto& opk = bundle->one_time_prekey) {
      // Never use a one-time prekey twice: its owner deleted it after the
      // first use, and a second message under it could not be read.
      TUMAR_TRY(store::execute(db, "INSERT OR IGNORE INTO dm_used_prekey VALUES (?1, ?2, ?3)", net, peer,
                               static_cast<std::int64_t>(opk->id)));
    }
    stored = std::optional<StoredSession>(StoredSession{std::nullopt, peer, std::move(session)});
  }
  StoredSession& s = **stored;

  proto::DirectContent content;
  MessageId id{};
  rng_.fill(id);
  content.set_message_id(id.data(), id.size());
  content.set_sent_ms(now_ms);
  content.set_text(std::string(text));
  TUMAR_TRY_ASSIGN(receipts, messages_.unsent_receipts(net, peer, network::kMaxReceiptIds));
  for (const auto& r : receipts) {
    content.add_delivered(r.data(), r.size());
    content.add_read(r.data(), r.size());
  }
  if (receipt_only && receipts.empty()) {
    return core::fail<core::ErrorId::kDirectNoReceipt>(core::Errc::kInvalidArgument);
  }
  std::string plain = content.SerializeAsString();
  content.mutable_text()->assign(text.size(), '\0');
  auto message = s.session.encrypt(bytes_of(plain), ad_of(net), rng_);
  wipe(plain);
  if (!message) return tl::unexpected(message.error());

  network::LocalAuthor author(replica_, me_, rng_);
  auto written = author.send_direct(net, peer, *message, now_ms);
  if (!written) return tl::unexpected(written.error());
  TUMAR_TRY(sessions_.save(net, s, now_ms));
  if (!receipt_only) {
    DirectMessage m;
    m.network = net;
    m.peer = peer;
    m.outgoing = true;
    m.message_id = id;
    m.sent_ms = static_cast<std::int64_t>(now_ms);
    m.text = std::string(text);
    TUMAR_TRY(messages_.insert(m));
  }
  TUMAR_TRY(messages_.mark_receipts_sent(net, peer, receipts));
  TUMAR_TRY(txn.commit());
  return written;
}

core::Result<InboxReport> Messenger::receive(std::uint64_t now_ms) {
  InboxReport report;
  auto& db = replica_.store().database();
  TUMAR_TRY_ASSIGN(networks, replica_.store().networks());
  for (const auto& n : networks) {
    TUMAR_TRY_ASSIGN(keys, replica_.store().all_epoch_keys(n.id));
    std::set<network::ObjectId> tags;
    for (const auto& [epoch, key] : keys) tags.insert(network::recipient_tag(key, me_.public_identity().identity_key));
    for (const auto& tag : tags) {
      TUMAR_TRY_ASSIGN(objects, replica_.store().objects_about(n.id, network::Kind::kDirect, tag));
      for (const auto& o : objects) {
        TUMAR_TRY_ASSIGN(seen, handled_before(db, o.id));
        if (seen) continue;
        TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
        TUMAR_TRY_ASSIGN(handled, handle(n.id, o, now_ms, report));
        if (handled == Handled::kWaiting) {
          ++report.waiting;
          continue;  // the transaction rolls back: nothing changed
        }
        if (handled == Handled::kUnreadable) {
          ++report.unreadable;
          log::debug("direct message " + network::short_id(o.id) + " is unreadable; skipped");
        }
        TUMAR_TRY(store::execute(db, "INSERT INTO dm_inbox (object_id, outcome) VALUES (?1, ?2)", o.id,
                                 handled == Handled::kRead ? 1 : 2));
        TUMAR_TRY(txn.commit());
      }
    }
  }
  return report;
}

core::Result<Messenger::Handled> Messenger::handle(const network::NetworkId& net, const network::StoredObject& object,
                                                   std::uint64_t now_ms, InboxReport& report) {
  TUMAR_TRY_ASSIGN(bytes, replica_.store().envelope(object.id));
  if (!bytes) return Handled::kUnreadable;
  auto env = network::verify_envelope_bytes(*bytes);
  if (!env) return Handled::kUnreadable;
  TUMAR_TRY_ASSIGN(keys, replica_.store().epoch_keys(net, env->header().epoch));
  std::optional<std::string> payload;
  for (const auto& k : keys) {
    if ((payload = env->open(k))) break;
  }
  if (!payload) return Handled::kUnreadable;
  auto direct = network::decode_direct(*payload);
  if (!direct) return Handled::kUnreadable;
  const auto message = bytes_of(direct->ratchet_message());

  TUMAR_TRY_ASSIGN(sessions, sessions_.all(net));
  std::vector<const ratchet::RatchetSession*> candidates;
  for (const auto& s : sessions) candidates.push_back(&s.session);
  auto route = ratchet::route_message(candidates, message);
  if (!route) {
    // Perhaps its session's first message has not arrived yet.
    return now_ms > object.timestamp_ms + kUnroutableGiveUpMs ? Handled::kUnreadable : Handled::kWaiting;
  }
  if (route->route == ratchet::Route::kSession) {
    StoredSession& s = sessions[route->index];
    // Before decrypting, so a refused message changes no session.
    TUMAR_TRY_ASSIGN(allowed,
                     may_write(replica_, net, s.peer, s.session.peer_noise_key(), me_.public_identity().identity_key));
    if (!allowed) return Handled::kUnreadable;
    auto plain = s.session.decrypt(message, ad_of(net), now_ms);
    if (!plain) return Handled::kUnreadable;  // the session is unchanged (ratchet: decrypt on a copy)
    auto taken = take_content(net, s.peer, *plain, now_ms, report);
    if (!taken || *taken != Handled::kRead) return taken;
    TUMAR_TRY(sessions_.save(net, s, now_ms));
    return Handled::kRead;
  }

  TUMAR_TRY_ASSIGN(signed_prekeys, prekeys_.signed_prekeys(net));
  // Only the one-time prekey the header names is read, so the retired ones
  // kept for 14 days cost nothing here. A store failure is kept apart from
  // a bad message: it must not mark a readable message unreadable.
  std::optional<core::Error> store_failure;
  const ratchet::OneTimePrekeyLookup one_time = [&](std::uint32_t id) {
    auto found = prekeys_.one_time(net, id);
    if (!found) store_failure = found.error();
    return found;
  };
  auto accepted = ratchet::accept_initial(me_, signed_prekeys, one_time, message, ad_of(net), now_ms);
  if (store_failure) return tl::unexpected(*store_failure);
  if (!accepted) return Handled::kUnreadable;
  // X3DH proved who holds the keys; the directory says whether that person
  // belongs here (the X25519 key must be the one a lead admitted).
  const auto& sender = accepted->sender.identity();
  TUMAR_TRY_ASSIGN(allowed,
                   may_write(replica_, net, sender.identity_key, sender.noise_key, me_.public_identity().identity_key));
  if (!allowed) return Handled::kUnreadable;
  if (accepted->used_one_time_prekey) {
    TUMAR_TRY(prekeys_.consume_one_time(net, *accepted->used_one_time_prekey));
  }
  StoredSession s{std::nullopt, sender.identity_key, std::move(accepted->session)};
  auto taken = take_content(net, s.peer, accepted->plaintext, now_ms, report);
  if (!taken || *taken != Handled::kRead) return taken;
  TUMAR_TRY(sessions_.save(net, s, now_ms));
  return Handled::kRead;
}

core::Result<Messenger::Handled> Messenger::take_content(const network::NetworkId& net,
                                                         const identity::IdentityKey& from,
                                                         const crypto::SecretBuffer& plaintext, std::uint64_t now_ms,
                                                         InboxReport& report) {
  auto content = network::decode_direct_content(
      std::string_view(reinterpret_cast<const char*>(plaintext.data()), plaintext.size()));
  if (!content) return Handled::kUnreadable;
  const auto now = static_cast<std::int64_t>(now_ms);
  for (const auto& id : content->delivered()) {
    TUMAR_TRY(messages_.apply_receipt(net, from, network::to_array<16>(id), false, now));
    ++report.receipts;
  }
  for (const auto& id : content->read()) {
    TUMAR_TRY(messages_.apply_receipt(net, from, network::to_array<16>(id), true, now));
  }
  if (!content->text().empty()) {
    DirectMessage m;
    m.network = net;
    m.peer = from;
    m.outgoing = false;
    m.message_id = network::to_array<16>(content->message_id());
    m.sent_ms = static_cast<std::int64_t>(content->sent_ms());
    m.received_ms = now;
    m.text = content->text();
    TUMAR_TRY_ASSIGN(inserted, messages_.insert(m));
    if (inserted) ++report.received;
  }
  wipe(*content->mutable_text());
  return Handled::kRead;
}

core::Result<std::vector<network::Written>> Messenger::send_receipts(std::uint64_t now_ms) {
  struct Pair {
    network::NetworkId net{};
    identity::IdentityKey peer{};
  };
  auto pairs = store::collect<Pair>(
      store::prepare_bound(replica_.store().database(),
                           "SELECT DISTINCT network_id, peer FROM dm_message WHERE outgoing = 0 AND "
                           "read_at IS NOT NULL AND receipt_sent = 0"),
      [](store::Statement& st) -> core::Result<Pair> {
        Pair p;
        if (!store::column_array(st, 0, p.net) || !store::column_array(st, 1, p.peer)) {
          return core::fail<core::ErrorId::kDirectStoredMessageDamaged>(core::Errc::kCorrupt);
        }
        return p;
      });
  if (!pairs) return tl::unexpected(pairs.error());
  std::vector<network::Written> out;
  for (const auto& p : *pairs) {
    auto w = send_content(p.net, p.peer, "", true, now_ms);
    // A receipt is a courtesy: one that cannot go now (the peer was
    // removed, we have no key yet) is tried again next time.
    if (w) out.push_back(std::move(*w));
  }
  return out;
}

}  // namespace tumar::direct
