#pragma once
// The network tables a node keeps (schema v3): which networks it belongs to,
// the epoch keys it holds, every stored envelope, and the invites it issued.
// Members, profiles, notes and broadcasts are projections: directory.hpp
// and library.hpp.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/network/envelope.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/network/object_types.hpp"
#include "core/reconcile/item.hpp"
#include "core/store/database.hpp"

namespace tumar::network {

struct NetworkRecord {
  NetworkId id{};
  std::string name;  // empty until the genesis has been received (a node that just joined)
  std::optional<identity::IdentityKey> founder;
  std::int64_t joined_at = 0;
  bool is_demo = false;
};

struct StoredObject {
  ObjectId id{};
  NetworkId network{};
  std::uint64_t timestamp_ms = 0;
  Kind kind = Kind::kNote;
  identity::IdentityKey author{};
  std::uint64_t epoch = 0;
  std::optional<ObjectId> subject;  // see schema.cpp
  std::uint64_t lamport = 0;        // notes, profiles, prekeys: the revision clock; a removal: its last_seq
  std::uint64_t seq = 0;            // the author's seq (header)
  std::optional<KeyId> key_id;      // genesis, epoch start, grant (header)
};

struct InviteRecord {
  std::array<std::uint8_t, 16> invite_id{};
  NetworkId network{};
  crypto::Secret<32> secret;
  Role role = Role::kMember;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
  std::optional<identity::IdentityKey> used_by;  // who joined with it
};

class NetworkStore {
 public:
  explicit NetworkStore(store::Database& db) : db_(db) {}

  // Networks.
  core::Result<void> add_network(const NetworkRecord& record);
  core::Result<void> set_genesis(const NetworkId& id, const std::string& name, const identity::IdentityKey& founder,
                                 bool is_demo);
  // Whether this profile is a throwaway training profile (`tumar init
  // --demo`: the `demo` row of the setting table). Such a profile holds
  // only demo networks, a real one only real networks (SECURITY.md, "The
  // trainer's demo").
  core::Result<bool> profile_is_demo();
  core::Result<void> mark_profile_demo();
  core::Result<std::vector<NetworkRecord>> networks();
  core::Result<std::optional<NetworkRecord>> network(const NetworkId& id);
  // NET as the user types it: a name, or a hex prefix of the id (at least 4
  // digits). An unknown or ambiguous one is kInvalidArgument with the
  // candidates in the sentence.
  core::Result<NetworkRecord> resolve(const std::string& name_or_prefix);

  // Epoch keys.
  core::Result<void> add_epoch_key(const NetworkId& net, std::uint64_t epoch, const crypto::Secret<32>& key);
  core::Result<std::vector<crypto::Secret<32>>> epoch_keys(const NetworkId& net, std::uint64_t epoch);
  // The key to write under (docs/NETWORKS.md, "Epochs"): the network's
  // current epoch is the highest that an accepted epoch start (or, for 0,
  // the genesis) began, and its key is the one the winning start names
  // (of several starts of one epoch, the smallest id), or failing that any
  // key another start of that epoch names. nullopt if we hold none: a
  // grant may name keys of any epoch, but only a started one is written
  // under.
  core::Result<std::optional<std::pair<std::uint64_t, crypto::Secret<32>>>> current_epoch_key(const NetworkId& net);
  // The highest started epoch; nullopt before the genesis has arrived.
  core::Result<std::optional<std::uint64_t>> current_epoch(const NetworkId& net);
  core::Result<bool> epoch_started(const NetworkId& net, std::uint64_t epoch);
  // The key ids the starts of `epoch` name, the winner first (for epoch 0
  // the genesis's).
  core::Result<std::vector<KeyId>> started_key_ids(const NetworkId& net, std::uint64_t epoch);
  // Whether a grant of `epoch` with `key_id` is stored for `member`.
  core::Result<bool> has_grant(const NetworkId& net, const identity::IdentityKey& member, std::uint64_t epoch,
                               const KeyId& key_id);

  // Seqs and equivocation (docs/NETWORKS.md, "Removal").
  // The highest seq `author` used in the network (stored or as evidence); 0 if none.
  core::Result<std::uint64_t> max_seq(const NetworkId& net, const identity::IdentityKey& author);
  // The stored object holding the author's seq, if any.
  core::Result<std::optional<StoredObject>> slot_holder(const NetworkId& net, const identity::IdentityKey& author,
                                                        std::uint64_t seq);
  // Ids kept as evidence that the author used the seq twice, smallest first.
  core::Result<std::vector<ObjectId>> equivocation_ids(const NetworkId& net, const identity::IdentityKey& author,
                                                       std::uint64_t seq);
  core::Result<void> add_equivocation(const VerifiedEnvelope& env);
  core::Result<void> delete_equivocation(const ObjectId& id);
  // The objects of `kind` in `epoch` (its header's): the starts following
  // an epoch, the grants of one.
  core::Result<std::vector<StoredObject>> objects_of_epoch(const NetworkId& net, Kind kind, std::uint64_t epoch);
  // The smallest last seq among the removals of `member` not written by
  // `except` (nullopt if none): what counts of a removal `member` wrote
  // of `except` (object_rules.hpp, check_removal_seq).
  core::Result<std::optional<std::uint64_t>> removal_cutoff(const NetworkId& net, const identity::IdentityKey& member,
                                                            const identity::IdentityKey& except);
  // Every key we hold, for a grant to a new member (oldest first).
  core::Result<std::vector<std::pair<std::uint64_t, crypto::Secret<32>>>> all_epoch_keys(const NetworkId& net);

  // Objects.
  core::Result<bool> has_object(const ObjectId& id);
  // Whether it is kept as evidence of an equivocation (not stored as an object).
  core::Result<bool> has_evidence(const ObjectId& id);
  // Whether a grant of `epoch` (its newest key) is addressed to a member
  // who is now removed: the key of that epoch may be in a removed member's
  // hands (two leads removing two members concurrently, docs/NETWORKS.md).
  core::Result<bool> epoch_granted_to_removed(const NetworkId& net, std::uint64_t epoch);
  core::Result<void> insert_object(const StoredObject& meta, std::span<const std::uint8_t> envelope, std::int64_t now);
  core::Result<std::optional<StoredObject>> object(const ObjectId& id);
  core::Result<std::vector<reconcile::Item>> items(const NetworkId& net);
  core::Result<std::vector<std::vector<std::uint8_t>>> envelopes(const NetworkId& net, std::span<const ObjectId> ids);
  core::Result<std::optional<std::vector<std::uint8_t>>> envelope(const ObjectId& id);
  // A joining member's first needs (sync::Replica::bootstrap_envelopes):
  // the genesis, admissions, removals and epoch starts (the oldest `limit` of them) and
  // the grants addressed to `member`, in (timestamp, id) order.
  core::Result<std::vector<std::vector<std::uint8_t>>> bootstrap_envelopes(const NetworkId& net,
                                                                           const identity::IdentityKey& member,
                                                                           std::size_t limit);
  core::Result<std::uint64_t> object_count(const NetworkId& net);
  // Highest rowid: serve polls it to notice objects another process wrote.
  core::Result<std::int64_t> last_rowid();
  // Envelopes with rowid > after, oldest first, at most `limit`.
  core::Result<std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>>> envelopes_after(std::int64_t after,
                                                                                              std::size_t limit);
  // The highest lamport among a note's revisions (or a member's profiles).
  core::Result<std::uint64_t> max_lamport(const NetworkId& net, Kind kind, const ObjectId& subject);
  // Removes one object (a removal made it invalid).
  core::Result<void> delete_object(const ObjectId& id);
  // Every object of a network written by `author` (oldest first).
  core::Result<std::vector<StoredObject>> objects_by_author(const NetworkId& net, const identity::IdentityKey& author);
  // Every object of a network of `kind` about `subject` (oldest first): the
  // admissions or removals of a member, the revisions of a note, the grants
  // to someone.
  core::Result<std::vector<StoredObject>> objects_about(const NetworkId& net, Kind kind, const ObjectId& subject);
  // Forgets one epoch key (it came only from a grant a removal invalidated).
  core::Result<void> delete_epoch_key(const NetworkId& net, std::uint64_t epoch, const crypto::Secret<32>& key);
  // The best remaining revision of a note: highest lamport, then highest id.
  core::Result<std::optional<std::vector<std::uint8_t>>> best_revision(const NetworkId& net, const ObjectId& root);

  // Invites.
  core::Result<void> add_invite(const InviteRecord& invite);
  core::Result<std::optional<InviteRecord>> invite(std::span<const std::uint8_t> invite_id);
  // Every invite we issued for `net`, used or not, oldest first.
  core::Result<std::vector<InviteRecord>> invites(const NetworkId& net);
  // Marks it used; false if it was already used (two joiners racing).
  core::Result<bool> use_invite(std::span<const std::uint8_t> invite_id, const identity::IdentityKey& by,
                                std::int64_t now);

  store::Database& database() { return db_; }

  // Direct messages past their lifetime (direct_expiry.hpp): deletes every
  // DIRECT object of `net` stamped at or before `stamped_at_or_before_ms`,
  // and the recipient's record of having handled it (dm_inbox), except those
  // whose tag is in `unread_tags` (ours) that have not been handled yet;
  // returns the ids deleted.
  core::Result<std::vector<ObjectId>> delete_direct_stamped_before(const NetworkId& net,
                                                                   std::uint64_t stamped_at_or_before_ms,
                                                                   std::span<const identity::IdentityKey> unread_tags);

 private:
  store::Database& db_;
};

StoredObject describe(const VerifiedEnvelope& env, std::optional<ObjectId> subject, std::uint64_t lamport);

}  // namespace tumar::network
