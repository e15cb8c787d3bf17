#pragma once
// One run of a periodic timer's completion handler (`serve`'s 2-second
// tick). No exception may leave it: it would unwind through Asio's run loop
// and stop the node.

#include <functional>

namespace tumar::cli {

// Runs `work`, then `rearm` (which schedules the next tick). An exception
// from `work` is logged at debug level and the timer is re-armed as usual,
// so the next tick tries again. One from `rearm` (setting the expiry, or
// allocating the wait) is logged as a warning: the periodic tasks stop but
// the node keeps serving. Returns whether the timer was re-armed.
bool run_timer_tick(const std::function<void()>& work, const std::function<void()>& rearm) noexcept;

}  // namespace tumar::cli
