#pragma once
// A joiner's view of its replica for its first sync: it syncs the network it
// was invited to, with the inviter, before its own directory says that
// either of them belongs there (the admission is among what it is about to
// receive). Everything else goes to the real replica, whose validation is
// untouched: this only decides which network the session asks about.

#include <span>
#include <vector>

#include "core/sync/replica.hpp"

namespace tumar::sync {

class JoiningReplica final : public Replica {
 public:
  // `inner` must outlive this view.
  JoiningReplica(Replica& inner, const NetworkId& network) : inner_(inner), network_(network) {}

  core::Result<std::vector<NetworkId>> shared_networks(const identity::IdentityKey&) override {
    return std::vector<NetworkId>{network_};
  }
  core::Result<bool> may_sync(const NetworkId& network, const identity::IdentityKey&) override {
    return network == network_;
  }
  core::Result<std::vector<reconcile::Item>> items(const NetworkId& network) override { return inner_.items(network); }
  core::Result<std::vector<std::vector<std::uint8_t>>> envelopes(const NetworkId& network,
                                                                 std::span<const ObjectId> ids) override {
    return inner_.envelopes(network, ids);
  }
  core::Result<std::vector<std::vector<std::uint8_t>>> bootstrap_envelopes(const NetworkId& network,
                                                                          const identity::IdentityKey& peer) override {
    return inner_.bootstrap_envelopes(network, peer);
  }
  core::Result<IngestResult> ingest(std::span<const std::uint8_t> envelope, std::uint64_t now_ms) override {
    return inner_.ingest(envelope, now_ms);
  }
  core::Result<std::vector<IngestResult>> ingest_batch(std::span<const std::vector<std::uint8_t>> envelopes,
                                                       std::uint64_t now_ms) override {
    return inner_.ingest_batch(envelopes, now_ms);
  }

 private:
  Replica& inner_;
  NetworkId network_;
};

}  // namespace tumar::sync
