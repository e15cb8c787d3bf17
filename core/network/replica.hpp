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
// in a bounded in-memory queue and are retried after every accepted object.
// Nothing pending is stored; if the queue overflows the oldest are dropped,
// and reconciliation fetches them again later.

#include <cstdint>
#include <deque>
#include <map>
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
#include "core/sync/replica.hpp"

namespace tumar::network {

inline constexpr std::size_t kMaxPendingObjects = 4096;
inline constexpr std::size_t kMaxPendingBytes = 32u << 20;

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
  core::Result<sync::IngestResult> ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_ms) override;
  core::Result<std::vector<sync::IngestResult>> ingest_batch(std::span<const std::vector<std::uint8_t>> envelopes,
                                                             std::uint64_t now_ms) override;

  // The same, for a caller that already holds a write transaction (a local
  // author storing a new epoch key and the objects that use it atomically).
  core::Result<std::vector<sync::IngestResult>> ingest_in_transaction(
      std::span<const std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms);

  // Whether `peer` is a current member of any network we are in (the
  // transport's admission rule, DESIGN.md "Transport").
  core::Result<bool> shares_a_network(const identity::IdentityKey& peer);

  const ReplicaCounters& counters() const noexcept { return counters_; }
  NetworkStore& store() noexcept { return store_; }
  Directory& directory() noexcept { return directory_; }
  Library& library() noexcept { return library_; }

 private:
  struct Pending {
    std::vector<std::uint8_t> bytes;
    NetworkId network{};
    bool grant_to_us = false;
  };

  // One object, inside the caller's transaction.
  core::Result<sync::IngestResult> ingest_one(std::span<const std::uint8_t> bytes, std::uint64_t now_ms);
  core::Result<Decision> judge_and_apply(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_genesis(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_grant(const VerifiedEnvelope& env, std::uint64_t now_ms);
  core::Result<Decision> apply_sealed(const VerifiedEnvelope& env, const MemberRecord& author, std::uint64_t now_ms);
  core::Result<void> purge_after_removal(const NetworkId& net, const identity::IdentityKey& member,
                                         std::uint64_t removed_epoch, std::uint64_t removed_at_ms);
  core::Result<void> project_note(const VerifiedEnvelope& env, const proto::ResourceNote& note,
                                  const identity::IdentityKey& root_author, std::uint64_t root_created_ms, bool force);
  // Payload under any key we hold (or were offered in a pending grant) for the epoch.
  core::Result<std::optional<std::string>> open_payload(const VerifiedEnvelope& env);
  // Keys from a grant addressed to us; nullopt if it is not a valid grant for us.
  std::optional<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> open_grant(const VerifiedEnvelope& env);
  core::Result<void> retry_pending(std::uint64_t now_ms, std::vector<std::vector<std::uint8_t>>& released);
  void hold(std::span<const std::uint8_t> bytes, const NetworkId& network);
  void refresh_candidate_keys();

  store::Database& db_;
  const identity::LocalIdentity& me_;
  NetworkStore store_;
  Directory directory_;
  Library library_;
  std::deque<Pending> pending_;
  std::size_t pending_bytes_ = 0;
  // Keys offered by grants to us that wait for their author's admission:
  // used only to read, never to write, until the grant itself is accepted
  // (a forged grant must not choose the key our own objects go under).
  std::map<std::pair<NetworkId, std::uint64_t>, std::vector<crypto::Secret<32>>> candidate_keys_;
  ReplicaCounters counters_;
};

}  // namespace tumar::network
