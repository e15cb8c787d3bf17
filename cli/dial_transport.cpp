#include "cli/dial_transport.hpp"

#include <algorithm>

#include "core/tor/onion_address.hpp"

namespace tumar::cli {

bool DialTransport::needs_tor(const std::vector<peers::PeerAddress>& targets) {
  return std::any_of(targets.begin(), targets.end(),
                     [](const peers::PeerAddress& a) { return tor::is_onion_host(a.host); });
}

core::Result<bool> DialTransport::start(const DialPlan& plan, const tor::ClientAuthPrivateKey* client_key) {
  net::Routes routes;
  routes.direct = &tcp_;
  routes.direct_allowed = plan.direct_allowed;
  routes.named = plan.named;
  if (needs_tor(plan.targets)) {
    tor_ = std::make_unique<TorMode>(io_, rng_, plan.home, TorMode::Role::kClient, plan.tor);
    auto booted = tor_->bootstrap(kBootstrapTimeout);
    if (!booted || !*booted) {
      tor_->stop();
      if (!booted) return tl::unexpected(booted.error());
      return false;
    }
    routes.onion = &tor_->transport();
    if (client_key != nullptr) routes.before_onion_dial = tor_->client_auth(*client_key);
  }
  routed_ = std::make_unique<net::RoutedTransport>(std::move(routes));
  return true;
}

void DialTransport::finish() {
  if (tor_) tor_->stop();
}

}  // namespace tumar::cli
