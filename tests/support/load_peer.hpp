#pragma once
// An honest member for load tests: its own identity, its own encrypted
// database (as a fresh `tumar join` leaves it: it knows the network id and
// nothing else), and one real sync round with a node over 127.0.0.1: one
// node::SyncJob run by a node::Engine on TCP, as `tumar sync` runs it.
// Header-only, shared by the load test and the load bench.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "support/run_engine.hpp"

namespace tumar::test {

class LoadPeer {
 public:
  LoadPeer(const std::filesystem::path& path, std::uint32_t index) : me_(identity::LocalIdentity::generate(rng_)) {
    store::DbId id{};
    id[0] = static_cast<std::uint8_t>(index);
    id[1] = static_cast<std::uint8_t>(index >> 8);
    id[2] = 0x10;  // apart from the node's own ids
    auto opened = store::Database::open(path, crypto::Secret<32>::random(), id);
    if (!opened) throw std::runtime_error("open: " + opened.error().describe());
    db_.emplace(std::move(*opened));
    if (auto m = profile::migrate(*db_); !m) throw std::runtime_error("migrate: " + m.error().describe());
    replica_.emplace(*db_, me_);
  }

  const identity::LocalIdentity& me() const noexcept { return me_; }
  network::NetworkReplica& replica() noexcept { return *replica_; }

  // Knows of `net` (its id only), as after accepting an invite.
  void know(const network::NetworkId& net) {
    network::NetworkRecord rec;
    rec.id = net;
    if (auto r = replica_->store().add_network(rec); !r) throw std::runtime_error("add: " + r.error().describe());
  }

  // One sync round with the node at `node`, which must prove `node_key`.
  // `net` is synced although our directory does not list us in it yet (the
  // admission is among what we are about to receive), as `tumar join` does.
  node::JobOutcome sync(const peers::PeerAddress& node, const identity::IdentityKey& node_key,
                        const network::NetworkId& net) {
    node::EngineOptions options;
    options.dial_timeout = std::chrono::seconds(30);
    options.session_limits.idle_timeout = std::chrono::seconds(60);
    // A client starved of CPU by its 199 siblings must not give up first:
    // the node's own handshake timeout is what is under test.
    options.session_limits.handshake_timeout = std::chrono::seconds(60);
    options.jobs.push_back(node::SyncJob{node, node_key, std::nullopt, net, std::nullopt});
    return std::move(run_jobs(*replica_, me_, rng_, std::move(options)).front());
  }

  std::uint64_t object_count(const network::NetworkId& net) {
    auto c = replica_->store().object_count(net);
    return c ? *c : 0;
  }

 private:
  crypto::SystemRandom rng_;
  identity::LocalIdentity me_;
  std::optional<store::Database> db_;
  std::optional<network::NetworkReplica> replica_;
};

}  // namespace tumar::test
