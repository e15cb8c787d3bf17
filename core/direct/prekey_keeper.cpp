#include "core/direct/prekey_keeper.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <sqlite3.h>

#include "core/error_ids.hpp"
#include "core/network/object_limits.hpp"
#include "core/store/bind.hpp"

namespace tumar::direct {
namespace {

using store::collect;
using store::execute;
using store::prepare_bound;

constexpr std::int64_t ms(std::chrono::hours h) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(h).count();
}

core::Error damaged() { return core::make_error<core::ErrorId::kDirectStoredPrekeyDamaged>(core::Errc::kCorrupt); }

// A prekey as stored; the private half is read only by load().
struct Row {
  std::uint32_t id = 0;
  bool is_signed = false;
  std::optional<identity::IdentityKey> sender;
  ratchet::PublicKey public_key{};
  identity::Signature signature{};
  std::int64_t created_at = 0;
};

core::Result<Row> read_row(store::Statement& st) {
  Row r;
  r.id = static_cast<std::uint32_t>(st.column_int64(0));
  r.is_signed = st.column_int64(1) != 0;
  if (!st.column_is_null(2)) {
    identity::IdentityKey k{};
    if (!store::column_array(st, 2, k)) return tl::unexpected(damaged());
    r.sender = k;
  }
  if (!store::column_array(st, 3, r.public_key)) return tl::unexpected(damaged());
  if (r.is_signed && !store::column_array(st, 4, r.signature)) return tl::unexpected(damaged());
  r.created_at = st.column_int64(5);
  return r;
}

// Signed prekeys newest first, then dedicated one-time prekeys. Newest is
// the highest id (ids only grow), not the latest created_at: a key made
// while the clock ran fast would otherwise stay "current" after one made
// once the clock was put right. Retired one-time prekeys are left out:
// ensure() only deletes them, by age, in SQL, so however many there are
// they are never read here.
core::Result<std::vector<Row>> rows(store::Database& db, const network::NetworkId& net) {
  return collect<Row>(prepare_bound(db,
                                    "SELECT id, signed, sender, public_key, signature, created_at FROM dm_prekey "
                                    "WHERE network_id = ?1 AND (signed = 1 OR sender IS NOT NULL) "
                                    "ORDER BY signed DESC, id DESC",
                                    net),
                      read_row);
}

// A time stored ahead of now was written while the clock ran fast. Its age
// cannot be known, so it counts as old: otherwise, once the clock is put
// right, nothing would rotate or be deleted until real time caught up with
// it (SECURITY.md promises rotation at most an hour late).
bool at_least(std::int64_t now, std::int64_t since, std::int64_t age) { return since > now || now - since >= age; }

core::Result<void> insert(store::Database& db, const network::NetworkId& net, std::uint32_t id,
                          const std::optional<identity::IdentityKey>& sender, const ratchet::PublicKey& pub,
                          const std::optional<identity::Signature>& signature, const ratchet::Key& secret,
                          std::int64_t now) {
  return execute(db,
                 "INSERT INTO dm_prekey (network_id, id, signed, sender, public_key, signature, private_key, "
                 "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                 net, static_cast<std::int64_t>(id), signature ? 1 : 0, sender, pub, signature,
                 std::span<const std::uint8_t>(secret.data(), ratchet::Key::kSize), now);
}

}  // namespace

core::Result<std::uint32_t> PrekeyKeeper::next_id(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(replica_.store().database(),
                                     "SELECT coalesce(max(id), 0) FROM dm_prekey WHERE network_id = ?1", net));
  TUMAR_TRY(st.step());
  const auto max = st.column_int64(0);
  // Ids only grow, so a peer's "prekey id N" never names a later key. 2^32
  // of them would take millennia of weekly rotations.
  if (max >= 0xFFFFFFFFLL) return core::fail<core::ErrorId::kDirectPrekeyIdsUsedUp>(core::Errc::kLimit);
  return static_cast<std::uint32_t>(max + 1);
}

core::Result<bool> PrekeyKeeper::published_before(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(lamport,
                   replica_.store().max_lamport(net, network::Kind::kPrekeys, me_.public_identity().identity_key));
  return lamport > 0;
}

core::Result<std::optional<network::Written>> PrekeyKeeper::ensure(const network::NetworkId& net,
                                                                   std::uint64_t now_ms) {
  auto& db = replica_.store().database();
  const auto now = static_cast<std::int64_t>(now_ms);
  const auto& my_key = me_.public_identity().identity_key;
  TUMAR_TRY_ASSIGN(me, replica_.directory().member(net, my_key));
  if (!me || me->removed()) return std::optional<network::Written>{};
  TUMAR_TRY_ASSIGN(entries, replica_.directory().entries(net));

  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  TUMAR_TRY_ASSIGN(existing, rows(db, net));
  bool changed = false;
  bool deleted = false;  // a private prekey went

  // The signed prekey: rotate when due, drop retired ones past retention.
  const Row* current = nullptr;
  for (const auto& r : existing) {
    if (r.is_signed) { current = &r; break; }
  }
  std::optional<Row> fresh_spk;
  if (!current || at_least(now, current->created_at, ms(ratchet::kSignedPrekeyRotation))) {
    TUMAR_TRY_ASSIGN(id, next_id(net));
    auto spk = ratchet::generate_signed_prekey(me_, id, rng_);
    TUMAR_TRY(insert(db, net, id, std::nullopt, spk.pub.key, spk.pub.signature, spk.private_key, now));
    fresh_spk = Row{id, true, std::nullopt, spk.pub.key, spk.pub.signature, now};
    changed = true;
  }
  // A retired key was current until its successor was made; keep it for
  // the retention period after that (measured from its successor's birth).
  std::int64_t successor_born = fresh_spk ? now : (current ? current->created_at : now);
  for (const auto& r : existing) {
    if (!r.is_signed || (!fresh_spk && &r == current)) continue;
    if (at_least(now, successor_born, ms(ratchet::kSignedPrekeyRetention))) {
      TUMAR_TRY(execute(db, "DELETE FROM dm_prekey WHERE network_id = ?1 AND id = ?2", net,
                        static_cast<std::int64_t>(r.id)));
      deleted = deleted || sqlite3_changes(db.handle()) > 0;
    }
    successor_born = r.created_at;
  }

  // One dedicated one-time prekey per other current member (the first
  // kMaxDedicatedPrekeys by key); none for anyone else.
  std::vector<identity::IdentityKey> senders;
  for (const auto& e : entries) {
    if (e.member.removed() || e.member.identity.identity_key == my_key) continue;
    senders.push_back(e.member.identity.identity_key);
  }
  std::sort(senders.begin(), senders.end());
  if (senders.size() > network::kMaxDedicatedPrekeys) senders.resize(network::kMaxDedicatedPrekeys);
  std::map<identity::IdentityKey, const Row*> have;
  for (const auto& r : existing) {
    if (r.is_signed || !r.sender) continue;
    if (!std::binary_search(senders.begin(), senders.end(), *r.sender)) {
      // A removed member's: their removal is public, so this says nothing new.
      TUMAR_TRY(execute(db, "DELETE FROM dm_prekey WHERE network_id = ?1 AND id = ?2", net,
                        static_cast<std::int64_t>(r.id)));
      deleted = deleted || sqlite3_changes(db.handle()) > 0;
      changed = true;
      continue;
    }
    have[*r.sender] = &r;
  }
  // Anyone without one (they used theirs, or they are new): replace them
  // all, not just theirs. A bundle that changed only one member's entry
  // would tell every member comparing our bundles that this member had just
  // written to us for the first time (SECURITY.md, "Direct messages"). The
  // replaced ones are retired, not deleted: a first message made with one
  // may still be in store-and-forward transit.
  const bool replace_all =
      std::any_of(senders.begin(), senders.end(), [&](const auto& s) { return !have.contains(s); });
  if (replace_all) {
    TUMAR_TRY(execute(db,
                      "UPDATE dm_prekey SET sender = NULL, created_at = ?2 "
                      "WHERE network_id = ?1 AND signed = 0 AND sender IS NOT NULL",
                      net, now));
    for (const auto& s : senders) {
      TUMAR_TRY_ASSIGN(id, next_id(net));
      auto opk = ratchet::generate_one_time_prekeys(id, 1, rng_);
      TUMAR_TRY(insert(db, net, id, s, opk.front().pub.key, std::nullopt, opk.front().private_key, now));
    }
    changed = true;
  }
  // Retired one-time prekeys are kept as long as a retired signed prekey
  // (X3DH §4.4 forward secrecy against a later seizure), and no fewer: see
  // prekey_keeper.hpp for why there is no count limit. Retired at now - 14
  // days exactly is gone; 1 ms younger is kept. One retired in the future
  // (a fast clock) is deleted, as at_least() says.
  TUMAR_TRY(execute(db,
                    "DELETE FROM dm_prekey WHERE network_id = ?1 AND signed = 0 AND sender IS NULL AND "
                    "(created_at <= ?2 OR created_at > ?3)",
                    net, now - ms(ratchet::kSignedPrekeyRetention), now));
  deleted = deleted || sqlite3_changes(db.handle()) > 0;

  // Private prekeys deleted above must not survive anywhere on disk
  // (Database::purge_old_copies; the log is emptied when we commit).
  if (deleted) {
    TUMAR_TRY(db.purge_old_copies("dm_prekey"));
  }

  TUMAR_TRY_ASSIGN(before, published_before(net));
  if (!changed && before) {
    TUMAR_TRY(txn.commit());
    return std::optional<network::Written>{};
  }

  // The bundle: the current signed prekey and every dedicated one.
  TUMAR_TRY_ASSIGN(now_rows, rows(db, net));
  network::PrekeyFields bundle;
  bool have_spk = false;
  std::vector<const Row*> dedicated;
  for (const auto& r : now_rows) {
    if (r.is_signed) {
      if (have_spk) continue;
      have_spk = true;
      bundle.signed_prekey_id = r.id;
      bundle.signed_prekey = r.public_key;
      bundle.signed_prekey_signature = r.signature;
    } else if (r.sender) {
      dedicated.push_back(&r);
    }
  }
  // Ordered by member, as decode_prekeys requires (one answer per sender).
  std::sort(dedicated.begin(), dedicated.end(), [](const Row* x, const Row* y) { return *x->sender < *y->sender; });
  for (const Row* r : dedicated) bundle.one_time_prekeys.push_back({*r->sender, r->id, r->public_key});
  network::LocalAuthor author(replica_, me_, rng_);
  TUMAR_TRY_ASSIGN(written, author.publish_prekeys(net, bundle, now_ms));
  TUMAR_TRY(txn.commit());
  return std::optional<network::Written>(std::move(written));
}

core::Result<OurPrekeys> PrekeyKeeper::load(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(replica_.store().database(),
                                     "SELECT id, signed, sender, public_key, signature, private_key FROM dm_prekey "
                                     "WHERE network_id = ?1 ORDER BY signed DESC, id DESC",
                                     net));
  OurPrekeys out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    const auto id = static_cast<std::uint32_t>(st.column_int64(0));
    ratchet::PublicKey pub{};
    auto secret = st.column_blob(5);
    if (!store::column_array(st, 3, pub) || secret.size() != ratchet::kKeyLen) return tl::unexpected(damaged());
    auto key = ratchet::Key::copy_of(std::span<const std::uint8_t, ratchet::kKeyLen>(secret.data(), ratchet::kKeyLen));
    if (st.column_int64(1) != 0) {
      ratchet::SignedPrekeyPair p{ratchet::SignedPrekeyPublic{id, pub, {}}, std::move(key)};
      if (!store::column_array(st, 4, p.pub.signature)) return tl::unexpected(damaged());
      out.signed_prekeys.push_back(std::move(p));
    } else {
      out.one_time_prekeys.push_back(ratchet::OneTimePrekeyPair{ratchet::OneTimePrekeyPublic{id, pub}, std::move(key)});
    }
  }
  return out;
}

core::Result<std::vector<ratchet::SignedPrekeyPair>> PrekeyKeeper::signed_prekeys(const network::NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(replica_.store().database(),
                                     "SELECT id, public_key, signature, private_key FROM dm_prekey "
                                     "WHERE network_id = ?1 AND signed = 1 ORDER BY id DESC",
                                     net));
  std::vector<ratchet::SignedPrekeyPair> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    ratchet::PublicKey pub{};
    auto secret = st.column_blob(3);
    if (!store::column_array(st, 1, pub) || secret.size() != ratchet::kKeyLen) return tl::unexpected(damaged());
    ratchet::SignedPrekeyPair p{
        ratchet::SignedPrekeyPublic{static_cast<std::uint32_t>(st.column_int64(0)), pub, {}},
        ratchet::Key::copy_of(std::span<const std::uint8_t, ratchet::kKeyLen>(secret.data(), ratchet::kKeyLen))};
    if (!store::column_array(st, 2, p.pub.signature)) return tl::unexpected(damaged());
    out.push_back(std::move(p));
  }
  return out;
}

core::Result<std::optional<ratchet::OneTimePrekeyPair>> PrekeyKeeper::one_time(const network::NetworkId& net,
                                                                               std::uint32_t id) {
  // By primary key: one row read however many retired keys are kept.
  TUMAR_TRY_ASSIGN(st, prepare_bound(replica_.store().database(),
                                     "SELECT public_key, private_key FROM dm_prekey WHERE network_id = ?1 AND id = ?2 AND signed = 0",
                                     net, static_cast<std::int64_t>(id)));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<ratchet::OneTimePrekeyPair>{};
  ratchet::PublicKey pub{};
  auto secret = st.column_blob(1);
  if (!store::column_array(st, 0, pub) || secret.size() != ratchet::kKeyLen) return tl::unexpected(damaged());
  return std::optional<ratchet::OneTimePrekeyPair>(ratchet::OneTimePrekeyPair{
      ratchet::OneTimePrekeyPublic{id, pub},
      ratchet::Key::copy_of(std::span<const std::uint8_t, ratchet::kKeyLen>(secret.data(), ratchet::kKeyLen))});
}

core::Result<void> PrekeyKeeper::consume_one_time(const network::NetworkId& net, std::uint32_t id) {
  auto& db = replica_.store().database();
  if (auto r = execute(db, "DELETE FROM dm_prekey WHERE network_id = ?1 AND id = ?2 AND signed = 0", net,
                       static_cast<std::int64_t>(id));
      !r) {
    return r;
  }
  // Its copies elsewhere on disk go too (the log is emptied when the
  // caller's transaction commits, or now outside one).
  return db.purge_old_copies("dm_prekey");
}

}  // namespace tumar::direct
