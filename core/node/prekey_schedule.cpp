#include "core/node/prekey_schedule.hpp"

#include <exception>
#include <string>
#include <string_view>

#include "core/direct/prekey_keeper.hpp"
#include "core/log/log.hpp"

namespace tumar::node {

namespace {

constexpr std::string_view kFailed = "could not refresh direct-message prekeys: ";

// Building the line and logging it may allocate; a failure there must not
// escape either (the caller is the node engine, inside its driver's event loop).
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

namespace {

struct Refreshed {
  std::vector<std::vector<std::uint8_t>> envelopes;
  bool failed = false;  // some network's refresh did not happen (logged)
};

Refreshed refresh_all(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng,
                      std::uint64_t now_ms) noexcept {
  Refreshed out;
  try {
    auto nets = replica.store().networks();
    if (!nets) {
      debug_noexcept(nets.error().describe());
      out.failed = true;
      return out;
    }
    direct::PrekeyKeeper keeper(replica, me, rng);
    for (const auto& n : *nets) {
      auto r = keeper.ensure(n.id, now_ms);
      if (!r) {
        debug_noexcept(r.error().describe());
        out.failed = true;
        continue;
      }
      if (*r) {
        for (auto& e : (*r)->envelopes) out.envelopes.push_back(std::move(e));
      }
    }
  } catch (const std::exception& e) {
    debug_noexcept(e.what());
    out.failed = true;
  } catch (...) {
    debug_noexcept("unknown failure");
    out.failed = true;
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::uint8_t>> refresh_prekeys(network::NetworkReplica& replica,
                                                       const identity::LocalIdentity& me, crypto::RandomSource& rng,
                                                       std::uint64_t now_ms) noexcept {
  return refresh_all(replica, me, rng, now_ms).envelopes;
}

std::vector<std::vector<std::uint8_t>> serve_prekey_tick(PrekeyRefreshSchedule& schedule,
                                                         network::NetworkReplica& replica,
                                                         const identity::LocalIdentity& me,
                                                         crypto::RandomSource& rng, std::uint64_t now_ms) noexcept {
  if (!schedule.due(now_ms)) return {};
  auto r = refresh_all(replica, me, rng, now_ms);
  if (!r.failed) schedule.refreshed(now_ms);
  return std::move(r.envelopes);
}

}  // namespace tumar::node
