#include "core/node/rekey_duty.hpp"

#include "core/log/log.hpp"
#include "core/network/local_author.hpp"

namespace tumar::node {

Rekeyed rekey_exposed_networks(network::NetworkReplica& replica, const identity::LocalIdentity& me,
                               crypto::RandomSource& rng, std::uint64_t now_ms) {
  Rekeyed out;
  auto nets = replica.store().networks();
  if (!nets) {
    log::warn("could not check the networks' keys: " + nets.error().describe());
    return out;
  }
  network::LocalAuthor author(replica, me, rng);
  for (const auto& n : *nets) {
    auto w = author.rekey_if_exposed(n.id, now_ms);
    if (!w) {
      log::warn("could not start a new epoch for a network: " + w.error().describe());
      continue;
    }
    if (w->envelopes.empty()) continue;
    out.networks.push_back(n.name);
    for (auto& e : w->envelopes) out.envelopes.push_back(std::move(e));
  }
  return out;
}

}  // namespace tumar::node
