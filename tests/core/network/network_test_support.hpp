#pragma once
// A harness for the network layer: several people, each with their own
// identity and profile database, exchanging envelopes by calling the
// replica directly (no sockets). Time is passed in, randomness comes from
// DeterministicRandom, so every scenario replays exactly.
//
// Also used by the network fuzz targets (tests/fuzz/network_object_fuzz.cpp),
// so nothing here depends on GoogleTest.

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/encoding/hex.hpp"
#include "core/identity/identity.hpp"
#include "core/network/envelope.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "tumar/network.pb.h"

namespace tumar::network::test {

using Bytes = std::vector<std::uint8_t>;
using Log = std::vector<Bytes>;

// 2023-11-14T22:13:20Z: every scenario's clock starts here.
inline constexpr std::uint64_t kT0 = 1'700'000'000'000;
inline constexpr std::uint64_t kMinute = 60'000;
inline constexpr std::uint64_t kDay = 86'400'000;

inline std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// One person: an identity, a database at `path` with the schema, and the
// replica and author over it. Not movable (the replica holds references).
class Node {
 public:
  Node(const std::filesystem::path& path, std::uint64_t seed)
      : rng_(seed), me_(identity::LocalIdentity::generate(rng_)) {
    auto db = store::Database::open_plain(path);
    if (!db) std::abort();
    db_.emplace(std::move(*db));
    if (!profile::migrate(*db_)) std::abort();
    replica_.emplace(*db_, me_);
    author_.emplace(*replica_, me_, rng_);
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const identity::LocalIdentity& me() const { return me_; }
  const identity::PublicIdentity& pub() const { return me_.public_identity(); }
  const identity::IdentityKey& key() const { return me_.public_identity().identity_key; }
  crypto::RandomSource& rng() { return rng_; }
  store::Database& db() { return *db_; }
  NetworkReplica& replica() { return *replica_; }
  LocalAuthor& author() { return *author_; }
  NetworkStore& store() { return replica_->store(); }

  // What `tumar join` does before the first sync: the network row, no name yet.
  void join(const NetworkId& net) {
    NetworkRecord r;
    r.id = net;
    if (!store().add_network(r)) std::abort();
  }

 private:
  crypto::DeterministicRandom rng_;
  identity::LocalIdentity me_;
  std::optional<store::Database> db_;
  std::optional<NetworkReplica> replica_;
  std::optional<LocalAuthor> author_;
};

// The seq a hand-crafted object gets: one more than the author's highest
// in `node`'s store, so crafted objects continue the author's count there.
// Tests that need a particular seq (equivocation) pass it.
inline std::uint64_t next_seq_in(NetworkStore& store, const NetworkId& net, const identity::IdentityKey& author) {
  auto s = store.max_seq(net, author);
  if (!s) std::abort();
  return *s + 1;
}

// The seq a hand-crafted object gets unless the test names one: 2^32 plus
// 32 bits of a hash of what it says, clear of the seqs LocalAuthor gives
// (from 1) and the same whichever tests ran before, so crafted objects
// never equivocate by accident and fuzz seeds stay reproducible.
inline std::uint64_t crafted_seq(Kind kind, std::uint64_t epoch, std::uint64_t ts,
                                 std::span<const std::uint8_t> payload) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 8);
  const std::uint64_t fields[] = {static_cast<std::uint64_t>(kind), epoch, ts};
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(fields), sizeof fields);
  crypto_generichash_update(&st, payload.data(), payload.size());
  std::array<std::uint8_t, 8> h{};
  crypto_generichash_final(&st, h.data(), h.size());
  std::uint32_t low = 0;
  for (int i = 0; i < 4; ++i) low = (low << 8) | h[static_cast<std::size_t>(i)];
  return (std::uint64_t{1} << 32) + low;
}

// Seals an envelope by hand, bypassing LocalAuthor's own checks: what a
// malicious or buggy peer could send. seq 0: the next crafted_seq (a
// genesis: 1; a direct message: 0).
inline Bytes craft(const identity::LocalIdentity& author, const std::optional<NetworkId>& net, Kind kind,
                   std::uint64_t epoch, std::uint64_t ts, std::span<const std::uint8_t> payload,
                   const crypto::Secret<32>& key, crypto::RandomSource& rng, std::uint64_t seq = 0,
                   std::optional<KeyId> key_id = std::nullopt) {
  Header h;
  h.network_id = net;
  h.author = author.public_identity().identity_key;
  h.kind = kind;
  h.epoch = epoch;
  h.timestamp_ms = ts;
  h.seq = kind == Kind::kDirect    ? 0
          : kind == Kind::kGenesis ? 1
          : seq != 0               ? seq
                                   : crafted_seq(kind, epoch, ts, payload);
  if (carries_key_id(kind)) h.key_id = key_id ? *key_id : epoch_key_id(key);
  return seal_envelope(h, payload, key, author, rng);
}

inline Bytes craft_grant(const identity::LocalIdentity& author, const NetworkId& net,
                         const identity::PublicIdentity& to, std::uint64_t epoch, std::uint64_t ts,
                         const proto::EpochGrant& grant, std::uint64_t seq = 0) {
  Header h;
  h.network_id = net;
  h.author = author.public_identity().identity_key;
  h.kind = Kind::kEpochGrant;
  h.epoch = epoch;
  h.timestamp_ms = ts;
  h.recipient = to.identity_key;
  const std::string plain_for_seq = grant.SerializeAsString();
  h.seq = seq != 0 ? seq : crafted_seq(Kind::kEpochGrant, epoch, ts, bytes_of(plain_for_seq));
  // The id of the grant's newest key, as LocalAuthor names it.
  KeyId id{};
  std::uint64_t newest = 0;
  for (const auto& k : grant.keys()) {
    if (k.epoch() >= newest && k.key().size() == 32) {
      newest = k.epoch();
      id = epoch_key_id(crypto::Secret<32>::copy_of(
          std::span<const std::uint8_t, 32>(reinterpret_cast<const std::uint8_t*>(k.key().data()), 32)));
    }
  }
  h.key_id = id;
  const std::string plain = grant.SerializeAsString();
  crypto::DeterministicRandom rng(ts * 31 + epoch);  // the sealed box's ephemeral key: same inputs, same bytes
  auto env = seal_grant_envelope(h, bytes_of(plain), to.noise_key, author, rng);
  if (!env) std::abort();
  return std::move(*env);
}

inline proto::EpochGrant grant_payload(const NetworkId& net, const identity::IdentityKey& to,
                                       const std::vector<std::pair<std::uint64_t, const crypto::Secret<32>*>>& keys) {
  proto::EpochGrant g;
  g.set_network_id(net.data(), net.size());
  g.set_recipient(to.data(), to.size());
  for (const auto& [epoch, key] : keys) {
    auto* k = g.add_keys();
    k->set_epoch(epoch);
    k->set_key(key->data(), 32);
  }
  return g;
}

inline std::string note_payload(const std::string& title, const std::string& body,
                                std::optional<ObjectId> root = std::nullopt, std::uint64_t lamport = 0) {
  proto::ResourceNote n;
  if (root) n.set_root(root->data(), root->size());
  n.set_lamport(lamport);
  n.set_title(title);
  n.set_body(body);
  return n.SerializeAsString();
}

// The newest epoch key a node holds (copied).
inline std::pair<std::uint64_t, crypto::Secret<32>> current_key(Node& n, const NetworkId& net) {
  auto k = n.store().current_epoch_key(net);
  if (!k || !*k) std::abort();
  return std::move(**k);
}

// Ingests every envelope one by one; returns the outcomes.
inline std::vector<sync::IngestOutcome> feed(Node& n, const Log& log, std::uint64_t now_ms) {
  std::vector<sync::IngestOutcome> out;
  for (const auto& e : log) {
    auto r = n.replica().ingest(e, now_ms);
    if (!r) std::abort();
    out.push_back(r->outcome);
  }
  return out;
}

inline Log shuffled(Log log, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::shuffle(log.begin(), log.end(), g);
  return log;
}

inline void append(Log& log, const std::vector<Bytes>& more) { log.insert(log.end(), more.begin(), more.end()); }

// What a person sees of a network, as comparable lines: the directory (with
// profiles), the notes as listed (current revision of each), the
// broadcasts, and the set of stored object ids (what reconciliation compares).
struct Snapshot {
  std::vector<std::string> directory;
  std::vector<std::string> notes;
  std::vector<std::string> broadcasts;
  std::vector<std::string> objects;
  std::string name;

  bool operator==(const Snapshot&) const = default;
};

// For GoogleTest's failure messages.
inline void PrintTo(const Snapshot& s, std::ostream* os) {
  *os << "\n  name: " << s.name;
  for (const auto* part : {&s.directory, &s.notes, &s.broadcasts, &s.objects}) {
    *os << "\n  --";
    for (const auto& line : *part) *os << "\n  " << line;
  }
}

inline Snapshot snapshot(Node& n, const NetworkId& net) {
  Snapshot s;
  auto rec = n.store().network(net);
  if (rec && *rec) s.name = (*rec)->name;
  auto dir = n.replica().directory().entries(net);
  if (!dir) std::abort();
  for (const auto& e : *dir) {
    std::string line = encoding::to_hex(e.member.identity.identity_key).substr(0, 16) + " " +
                       role_name(e.member.role) + " epoch=" + std::to_string(e.member.admitted_epoch) +
                       " admission=" + encoding::to_hex(e.member.admission_id).substr(0, 16);
    if (e.member.removed()) line += " removed@" + std::to_string(*e.member.removed_epoch);
    if (e.profile) line += " profile=" + e.profile->display_name + "/" + std::to_string(e.profile->lamport);
    s.directory.push_back(line);
  }
  auto notes = n.replica().library().notes(net);
  if (!notes) std::abort();
  for (const auto& note : *notes) {
    s.notes.push_back(encoding::to_hex(note.root).substr(0, 16) + " rev=" +
                      encoding::to_hex(note.revision).substr(0, 16) + " l=" + std::to_string(note.lamport) + " " +
                      note.title + " | " + note.body);
  }
  std::sort(s.notes.begin(), s.notes.end());
  auto bs = n.replica().library().broadcasts(net);
  if (!bs) std::abort();
  for (const auto& b : *bs) s.broadcasts.push_back(encoding::to_hex(b.id).substr(0, 16) + " " + b.text);
  auto items = n.replica().items(net);
  if (!items) std::abort();
  for (const auto& i : *items) s.objects.push_back(encoding::to_hex(i.id));
  std::sort(s.objects.begin(), s.objects.end());
  return s;
}

}  // namespace tumar::network::test
