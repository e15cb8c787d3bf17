#pragma once
// A node's replica of all its networks: the one place objects enter the
// store, whether a peer sent them or this node wrote them. Every object is
// parsed strictly, its signature verified, its author and kind checked
// against the directory (object_rules.hpp), its payload decrypted and
// checked, and only then stored and projected into the directory, notes
// and broadcasts — all in one transaction, so a failure changes nothing.
//
// Objects that cannot be judged yet (their author's admission or the epoch
// key has not arrived: sync order is by timestamp, not by dependency) wait
// in a bounded in-memory queue and are retried after each batch that
// accepted something. Nothing pending is stored; if the queue overflows
// the oldest are dropped, and reconciliation fetches them again later.
// A removal that arrives after what it invalidates takes that out again
// (replica_purge.cpp).

#include <cstdint>
#include <deque>
#include <set>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/secret.hpp"
#include "core/identity/identity.hpp"
#include "core/network/directory.hpp"
#include "core/network/envelope.hpp"
#include "core/network/library.hpp"
#include "core/network/network_store.hpp"
#include "core/network/object_rules.hpp"
#include "core/network/replica_cache.hpp"
#include "core/network/verify_ahead.hpp"
#include "core/sync/replica.hpp"

namespace tumar::proto {
class ResourceNote;  // generated; only replica.cpp sees it whole
}  // namespace tumar::proto

namespace tumar::network {

inline constexpr std::size_t kMaxPendingObjects = 4096;
inline constexpr std::size_t kMaxPendingBytes = 32u << 20;
// Passes over the pending objects a batch may run before its end, when a
// key grant to us arrives while we hold no key (replica.cpp says why).
inline constexpr std::size_t kEarlyPassesPerBatch = 2;

struct ReplicaCounters {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t pending = 0;
  std::uint64_t rejected = 0;
  std::uint64_t dropped_pending = 0;
};

class NetworkReplica final : public sync::Replica {
 public:
  // `me` must outlive the replica: grants to us are opened with its Noise key.
  NetworkReplica(store::Database& db, const identity::LocalIdentity& me);

  core::Result<std::vector<sync::NetworkId>> shared_networks(const identity::IdentityKey& peer) override;
  core::Result<bool> may_sync(const sync::NetworkId& network, const identity::IdentityKey& peer) override;
  core::Result<std::vector<reconcile::Item>> items(const sync::NetworkId& network) override;
  core::Result<std::vector<std::vector<std::uint8_t>>> envelopes(const sync::NetworkId& network,
                                                                 std::span<const sync::ObjectId> ids) override;
  core::Result<std::vector<std::vector<std::uint8_t>>> bootstrap_envelopes(
      const sync::NetworkId& network, const identity::IdentityKey& peer) override;
  core::Result<sync::IngestResult> ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_ms) override;
  core::Result<std::vector<sync::IngestResult>> ingest_batch(std::span<const std::vector<std::uint8_t>> envelopes,
                                                             std::uint64_t now_ms) override;

  // The same, for a caller that already holds a write transaction (a local
  // author storing a new epoch key and the objects that use it atomically).
  core::Result<std::vector<sync::IngestResult>> ingest_in_transaction(
      std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms);

  // Whether `peer` is a current member of any network we are in (the
  // transport's admission rule, docs/PROTOCOL.md "Admission").
  core::Result<bool> shares_a_network(const identity::IdentityKey& peer);

  const ReplicaCounters& counters() const noexcept { return counters_; }
  // Whether a batch's signatures are verified on a second core while this
  // thread stores (the default; verify_ahead.hpp). Off, everything runs on
  // the calling thread: the benchmark's one-core figure.
  void set_parallel_verify(bool on) noexcept { parallel_verify_ = on; }
  // Whether a genesis was refused because it is a demo network and this a
  // real profile, or the other way round (`tumar join` says so).
  bool sandbox_refused() const noexcept { return sandbox_refused_; }
  NetworkStore& store() noexcept { return store_; }
  Directory& directory() noexcept { return directory_; }
  Library& library() noexcept { return library_; }

 private:
  // An object waiting for what it depends on. Its signature was checked
  // when it arrived (so a retry does not check it again), and a grant to us
  // was opened then: `offered` are its keys, usable to read but never to
  // write until the grant itself is accepted (a forged grant must not
  // choose the key our own objects go under).
  struct Pending {
    VerifiedEnvelope env;
    std::vector<std::pair<std::uint64_t, crypto::Secret<32>>> offered;
    bool settled = false;  // accepted or rejected during a retry pass; removed after it
  };

  // One object, inside the caller's transaction.
  // What an object's arrival makes worth judging again.
  enum class Retry { kNone, kBootstrap, kAll };
  // The batch in order, each envelope as its signature check comes back.
  core::Result<std::vector<sync::IngestResult>> ingest_verified(VerifyAhead& envelopes, std::uint64_t now_ms);
  core::Result<sync::IngestResult> ingest_one(core::Result<VerifiedEnvelope> env, std::uint64_t now_ms, Retry& retry);
  core::Result<Decision> judge_and_apply(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_genesis(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_grant(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_epoch_start(const VerifiedEnvelope& env, std::uint64_t now_ms);
  // A decision if the author's seq is taken by another object or void
  // already (an equivocation); nullopt if it is free.
  core::Result<std::optional<Decision>> settle_equivocation(const VerifiedEnvelope& env);
  // Adds the keys a start (or the genesis) named; ignores the rest.
  core::Result<void> adopt_keys(const NetworkId& net,
                                const std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>& keys);
  // Opens every grant to us in the network again and adopts what a start
  // now names (a start arrived after the grant).
  core::Result<void> adopt_granted_keys(const NetworkId& net);
  // Every key in every stored grant to us in the network that opens and
  // matches its header (adopted or not).
  core::Result<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> keys_granted_to_us(const NetworkId& net);
  // The id of the key (held or offered) that opens the object; nullopt if none.
  core::Result<std::optional<KeyId>> opening_key_id(const VerifiedEnvelope& env);
  // What a key from a pending grant to us may open before the grant is
  // accepted: what can validate it (the genesis, admissions, the epoch
  // starts it depends on and the removals they name). All are signed by
  // leads, so the key that opens them is one a lead used.
  static bool opens_with_offered_keys(Kind kind) noexcept {
    return kind == Kind::kGenesis || kind == Kind::kAdmission || kind == Kind::kEpochStart || kind == Kind::kRemoval;
  }
  core::Result<Decision> apply_direct(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_sealed(const VerifiedEnvelope& env, const MemberRecord& author, std::uint64_t now_ms);
  core::Result<void> project_note(const VerifiedEnvelope& env, const proto::ResourceNote& note,
                                  const identity::IdentityKey& root_author, std::uint64_t root_created_ms, bool force);
  // Payload under any key we hold for the epoch; for a genesis or an
  // admission (what validates a grant), also under a key a pending grant
  // to us offers.
  core::Result<std::optional<std::string>> open_payload(const VerifiedEnvelope& env);
  // Keys from a grant addressed to us; nullopt if it is not a valid grant for us.
  std::optional<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> open_grant(const VerifiedEnvelope& env);
  // Judges the pending objects again until a pass makes no progress. With
  // kBootstrap the first pass judges only genesis and admission objects
  // (all that a pending grant's keys may open), and `also` if given.
  core::Result<void> retry_pending(std::uint64_t now_ms,
                                   std::vector<std::pair<NetworkId, std::vector<std::uint8_t>>>& released,
                                   Retry scope, const ObjectId* also = nullptr);
  // Queues an object that cannot be judged yet, dropping the oldest past
  // the limits. kBootstrap if it is a grant to us offering keys for a
  // network we hold no key for: its keys may open the genesis and the
  // admissions that wait (a node joining; otherwise the grant waits for an
  // accepted object like everything else, so a flood of grants to us
  // does not make every arrival a pass over the queue).
  core::Result<Retry> hold(VerifiedEnvelope env);

  // Invalidation (replica_purge.cpp): deletes `objects` and
  // everything that stood on them — the revisions of a deleted first
  // version, the rights an admission or removal gave (and then that
  // member's objects those rights no longer cover), the keys a deleted
  // grant gave us — and re-projects what remains.
  core::Result<void> purge(const NetworkId& net, std::vector<StoredObject> objects);
  // Rebuilds a member's row from the admissions and removals still stored.
  core::Result<void> rebuild_member(const NetworkId& net, const identity::IdentityKey& member);
  // The member's stored objects its directory row does not allow (now).
  core::Result<std::vector<StoredObject>> disallowed_objects(const NetworkId& net,
                                                             const identity::IdentityKey& member);
  core::Result<void> reproject_profile(const NetworkId& net, const identity::IdentityKey& member);
  core::Result<void> reproject_note(const NoteKey& key);
  core::Result<void> drop_granted_keys(const NetworkId& net, const std::vector<std::vector<std::uint8_t>>& grants);

  store::Database& db_;
  const identity::LocalIdentity& me_;
  NetworkStore store_;
  Directory directory_;
  Library library_;
  ReplicaCache cache_;
  bool bulk_writes_ = false;  // Database::prepare_for_bulk_writes() done
  bool parallel_verify_ = true;
  bool sandbox_refused_ = false;
  std::deque<Pending> pending_;
  std::set<ObjectId> pending_ids_;
  std::size_t pending_bytes_ = 0;
  ReplicaCounters counters_;
};

}  // namespace tumar::network
