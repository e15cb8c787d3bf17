#include "cli/prekey_refresh.hpp"

#include <exception>
#include <string>
#include <string_view>

#include "cli/dates.hpp"
#include "core/direct/prekey_keeper.hpp"
#include "core/log/log.hpp"

namespace tumar::cli {

namespace {

constexpr std::string_view kFailed = "could not refresh direct-message prekeys: ";

// Building the line and logging it may allocate; a failure there must not
// escape either (the caller may be serve's timer, inside Asio's event loop).
void debug_noexcept(std::string_view why) noexcept {
  try {
    log::debug(std::string(kFailed) + std::string(why));
  } catch (...) {
  }
}

}  // namespace

bool PrekeyRefreshSchedule::due(std::uint64_t now_ms) const noexcept {
  const auto interval = static_cast<std::uint64_t>(kServePrekeyRefresh.count());
  return now_ms < last_ || now_ms - last_ >= interval;
}

std::vector<std::vector<std::uint8_t>> refresh_prekeys(network::NetworkReplica& replica,
                                                       const identity::LocalIdentity& me, crypto::RandomSource& rng,
                                                       std::uint64_t now_ms) noexcept {
  std::vector<std::vector<std::uint8_t>> out;
  try {
    auto nets = replica.store().networks();
    if (!nets) {
      debug_noexcept(nets.error().message());
      return out;
    }
    direct::PrekeyKeeper keeper(replica, me, rng);
    for (const auto& n : *nets) {
      auto r = keeper.ensure(n.id, now_ms);
      if (!r) {
        debug_noexcept(r.error().message());
        continue;
      }
      if (*r) {
        for (auto& e : (*r)->envelopes) out.push_back(std::move(e));
      }
    }
  } catch (const std::exception& e) {
    debug_noexcept(e.what());
  } catch (...) {
    debug_noexcept("unknown failure");
  }
  return out;
}

void refresh_prekeys(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng) {
  (void)refresh_prekeys(replica, me, rng, wall_clock_ms());
}

}  // namespace tumar::cli
