#include "cli/prekey_refresh.hpp"

#include "cli/dates.hpp"
#include "core/direct/prekey_keeper.hpp"
#include "core/log/log.hpp"

namespace tumar::cli {

void refresh_prekeys(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng) {
  auto nets = replica.store().networks();
  if (!nets) return;
  direct::PrekeyKeeper keeper(replica, me, rng);
  for (const auto& n : *nets) {
    if (auto r = keeper.ensure(n.id, wall_clock_ms()); !r) {
      log::debug("could not refresh direct-message prekeys: " + r.error().message());
    }
  }
}

}  // namespace tumar::cli
