#include "cli/timer_tick.hpp"

#include "core/log/log.hpp"

namespace tumar::cli {

namespace {

// The lines say nothing about what failed beyond that it did (an
// exception's text is not ours to vet). Logging may allocate, and so
// throw; that must not escape either.
void log_noexcept(log::Level level, const char* line) noexcept {
  try {
    log::write(level, line);
  } catch (...) {
  }
}

}  // namespace

bool run_timer_tick(const std::function<void()>& work, const std::function<void()>& rearm) noexcept {
  try {
    work();
  } catch (...) {
    log_noexcept(log::Level::kDebug, "a periodic task of the node failed; it is tried again at the next tick");
  }
  try {
    rearm();
    return true;
  } catch (...) {
    log_noexcept(log::Level::kWarn,
                 "the node's periodic tasks stopped (its timer could not be re-armed); restart serve to resume them");
    return false;
  }
}

}  // namespace tumar::cli
