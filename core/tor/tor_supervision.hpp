#pragma once
// When to (re)start tor, when to give up, and when tor is stuck: the policy
// of net/tor/tor_supervisor, sans-I/O (docs/PROTOCOL.md, "The tor driver").
// The driver reports what happened, with the time; the policy answers with
// what to do and the next deadline at which on_timer() must be called.
//
//   start ──> Running ──(progress 100)──> Ready
//     ^          │ exited / control lost / no progress for stall_after
//     │          v
//   Waiting <── backoff: initial_backoff * 2^(failures-1), at most max_backoff
//
// A failure is counted when tor exits (or is stopped for a lost control
// connection or a stall) unless it had been Ready for healthy_after: a tor
// that ran well and then died starts again after initial_backoff. After
// max_failures failures in a row the policy gives up (0: never).

#include <chrono>
#include <cstdint>
#include <optional>

namespace tumar::tor {

using SupervisionClock = std::chrono::steady_clock;
using SupervisionInstant = SupervisionClock::time_point;
using SupervisionDuration = std::chrono::milliseconds;

struct SupervisionPolicy {
  SupervisionDuration initial_backoff{1'000};
  SupervisionDuration max_backoff{60'000};
  SupervisionDuration stall_after{120'000};    // no bootstrap progress for this long before 100%
  SupervisionDuration healthy_after{60'000};   // Ready this long: the next failure is the first
  std::uint32_t max_failures = 0;              // in a row; 0 never gives up
};

enum class RestartReason { kExited, kControlLost, kStalled };

enum class SupervisionAction {
  kNone,
  kStart,   // start tor now (the driver reports on_started once it runs)
  kStop,    // stop the running tor (on_exited follows)
  kGiveUp,  // failures() in a row: do not start tor again
};

struct SupervisionStep {
  SupervisionAction action = SupervisionAction::kNone;
  // Set when a restart was scheduled: for the driver to say so.
  struct Restart {
    std::uint32_t attempt = 0;  // 1 for the first restart after a failure
    SupervisionDuration delay{0};
    RestartReason reason = RestartReason::kExited;
  };
  std::optional<Restart> restart;
  bool stalled = false;  // no progress for stall_after: tor is being stopped
  std::optional<SupervisionInstant> deadline;  // call on_timer() then
};

class TorSupervision {
 public:
  explicit TorSupervision(SupervisionPolicy policy = {});

  // The first start, and stop on request (tumar is shutting down).
  SupervisionStep start(SupervisionInstant now);
  SupervisionStep stop(SupervisionInstant now);

  SupervisionStep on_started(SupervisionInstant now);
  // A bootstrap percentage (0..100) from tor.
  SupervisionStep on_progress(SupervisionInstant now, int percent);
  // The control connection failed or closed while tor should be running.
  SupervisionStep on_control_lost(SupervisionInstant now);
  // The tor process exited (or was stopped) with `status` as waitpid gave it.
  SupervisionStep on_exited(SupervisionInstant now, int status);
  SupervisionStep on_timer(SupervisionInstant now);

  bool ready() const noexcept { return state_ == State::kRunning && ready_since_.has_value(); }
  bool gave_up() const noexcept { return state_ == State::kGaveUp; }
  bool stopped() const noexcept { return state_ == State::kStopped; }
  std::uint32_t failures() const noexcept { return failures_; }
  int progress() const noexcept { return progress_; }
  std::optional<SupervisionInstant> deadline() const noexcept;

 private:
  enum class State { kIdle, kStarting, kRunning, kStopping, kWaiting, kGaveUp, kShuttingDown, kStopped };

  SupervisionStep failed(SupervisionInstant now, RestartReason reason);
  SupervisionStep with_deadline(SupervisionStep step) const;

  SupervisionPolicy policy_;
  State state_ = State::kIdle;
  std::uint32_t failures_ = 0;
  int progress_ = 0;
  SupervisionInstant last_progress_at_{};
  std::optional<SupervisionInstant> ready_since_;
  SupervisionInstant restart_at_{};
  RestartReason stopping_for_ = RestartReason::kExited;
};

}  // namespace tumar::tor
