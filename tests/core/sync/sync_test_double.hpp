#pragma once
// An in-memory Replica for sync tests and the sync_session fuzz target.
//
// Test envelopes are  timestamp (8 bytes, big-endian) || network id (32) ||
// payload; an object's id is BLAKE2b-256 of the bytes, as for real ones.
// ingest() rejects anything shorter than 40 bytes, anything starting with
// 0xFF, and objects of networks the replica is not in. A payload starting
// with 0xEE followed by a 32-byte id depends on that object: it is kPending
// until the object arrives, then released. Storage failures can be switched
// on to test that they close the session.

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/sync/replica.hpp"

namespace tumar::sync::test {

using Bytes = std::vector<std::uint8_t>;

inline NetworkId network_id(std::uint8_t n) {
  NetworkId id{};
  id.fill(n);
  return id;
}

inline identity::IdentityKey peer_key(std::uint8_t n) {
  identity::IdentityKey k{};
  k.fill(static_cast<std::uint8_t>(0xA0 + n));
  return k;
}

inline ObjectId id_of(std::span<const std::uint8_t> bytes) {
  ObjectId id{};
  crypto_generichash(id.data(), id.size(), bytes.data(), bytes.size(), nullptr, 0);
  return id;
}

// An envelope of `size` bytes (>= 40) whose payload is derived from `seed`.
inline Bytes envelope(const NetworkId& network, std::uint64_t timestamp, std::uint64_t seed, std::size_t size = 64) {
  Bytes e;
  e.reserve(size);
  for (int i = 7; i >= 0; --i) e.push_back(static_cast<std::uint8_t>(timestamp >> (8 * i)));
  e.insert(e.end(), network.begin(), network.end());
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  while (e.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    e.push_back(static_cast<std::uint8_t>(x));
  }
  if (e.size() > 40 && e[40] == 0xEE) e[40] = 0x00;  // never a dependency by accident
  return e;
}

// An envelope that waits for `dependency`.
inline Bytes dependent_envelope(const NetworkId& network, std::uint64_t timestamp, const ObjectId& dependency) {
  Bytes e = envelope(network, timestamp, 0, 40);
  e.push_back(0xEE);
  e.insert(e.end(), dependency.begin(), dependency.end());
  return e;
}

class MemoryReplica final : public Replica {
 public:
  struct Network {
    std::set<identity::IdentityKey> members;  // peers we sync it with
    std::map<ObjectId, Bytes> objects;
  };

  std::map<NetworkId, Network> networks;
  std::vector<Bytes> pending;  // waiting for a dependency
  bool fail_storage = false;

  // Counters a test can look at.
  std::size_t ingest_calls = 0;
  std::vector<std::size_t> batch_sizes;  // one entry per ingest_batch (one transaction)
  std::size_t largest_envelopes_request = 0;
  // What bootstrap_envelopes offers a peer holding nothing (ids of stored
  // objects, in this order), and who it was asked for.
  std::vector<ObjectId> bootstrap;
  std::vector<identity::IdentityKey> bootstrap_asked_for;

  void join(const NetworkId& network, std::initializer_list<identity::IdentityKey> peers) {
    auto& n = networks[network];
    n.members.insert(peers.begin(), peers.end());
  }
  // Stores without validation (so a test can plant what ingest would refuse).
  ObjectId put(const NetworkId& network, const Bytes& bytes) {
    const ObjectId id = id_of(bytes);
    networks[network].objects[id] = bytes;
    return id;
  }
  std::set<ObjectId> ids(const NetworkId& network) const {
    std::set<ObjectId> out;
    if (auto it = networks.find(network); it != networks.end()) {
      for (const auto& [id, bytes] : it->second.objects) out.insert(id);
    }
    return out;
  }

  core::Result<std::vector<NetworkId>> shared_networks(const identity::IdentityKey& peer) override {
    if (fail_storage) return storage_error();
    std::vector<NetworkId> out;
    for (const auto& [id, n] : networks) {
      if (n.members.count(peer) != 0) out.push_back(id);
    }
    return out;
  }

  core::Result<bool> may_sync(const NetworkId& network, const identity::IdentityKey& peer) override {
    if (fail_storage) return storage_error();
    auto it = networks.find(network);
    return it != networks.end() && it->second.members.count(peer) != 0;
  }

  core::Result<std::vector<reconcile::Item>> items(const NetworkId& network) override {
    if (fail_storage) return storage_error();
    std::vector<reconcile::Item> out;
    if (auto it = networks.find(network); it != networks.end()) {
      for (const auto& [id, bytes] : it->second.objects) out.push_back({timestamp_of(bytes), id});
    }
    return out;
  }

  core::Result<std::vector<Bytes>> envelopes(const NetworkId& network, std::span<const ObjectId> ids) override {
    if (fail_storage) return storage_error();
    largest_envelopes_request = std::max(largest_envelopes_request, ids.size());
    std::vector<Bytes> out;
    auto it = networks.find(network);
    if (it == networks.end()) return out;
    for (const auto& id : ids) {
      if (auto o = it->second.objects.find(id); o != it->second.objects.end()) out.push_back(o->second);
    }
    return out;
  }

  core::Result<std::vector<Bytes>> bootstrap_envelopes(const NetworkId& network,
                                                       const identity::IdentityKey& peer) override {
    if (fail_storage) return storage_error();
    bootstrap_asked_for.push_back(peer);
    return envelopes(network, bootstrap);
  }

  core::Result<IngestResult> ingest(std::span<const std::uint8_t> bytes, std::uint64_t) override {
    if (fail_storage) return storage_error();
    ++ingest_calls;
    IngestResult r;
    if (bytes.size() < 40 || bytes[0] == 0xFF) return r;  // kRejected
    std::copy_n(bytes.begin() + 8, 32, r.network.begin());
    auto net = networks.find(r.network);
    if (net == networks.end()) return r;
    r.id = id_of(bytes);
    if (net->second.objects.count(r.id) != 0 ||
        std::any_of(pending.begin(), pending.end(), [&](const Bytes& p) { return id_of(p) == r.id; })) {
      r.outcome = IngestOutcome::kDuplicate;
      return r;
    }
    if (const auto dep = dependency(bytes); dep && net->second.objects.count(*dep) == 0) {
      pending.emplace_back(bytes.begin(), bytes.end());
      r.outcome = IngestOutcome::kPending;
      return r;
    }
    net->second.objects[r.id] = Bytes(bytes.begin(), bytes.end());
    r.outcome = IngestOutcome::kAccepted;
    // Release what waited for this object.
    for (auto p = pending.begin(); p != pending.end();) {
      if (dependency(*p) == r.id) {
        net->second.objects[id_of(*p)] = *p;
        r.released.push_back(std::move(*p));
        p = pending.erase(p);
      } else {
        ++p;
      }
    }
    return r;
  }

  core::Result<std::vector<IngestResult>> ingest_batch(std::span<const Bytes> envelopes,
                                                       std::uint64_t now_unix_ms) override {
    if (fail_storage) return storage_error();
    batch_sizes.push_back(envelopes.size());
    return Replica::ingest_batch(envelopes, now_unix_ms);
  }

  static std::uint64_t timestamp_of(std::span<const std::uint8_t> bytes) {
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) t = (t << 8) | bytes[i];
    return t;
  }

 private:
  static tl::unexpected<core::Error> storage_error() {
    return cli::fail(core::Errc::kStorage, "The test store is failing.");
  }
  static std::optional<ObjectId> dependency(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != 40 + 1 + 32 || bytes[40] != 0xEE) return std::nullopt;
    ObjectId id{};
    std::copy_n(bytes.begin() + 41, 32, id.begin());
    return id;
  }
};

}  // namespace tumar::sync::test
