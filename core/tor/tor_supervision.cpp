#include "core/tor/tor_supervision.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace tumar::tor {

namespace {

SupervisionStep act(SupervisionAction action) {
  SupervisionStep step;
  step.action = action;
  return step;
}

}  // namespace

TorSupervision::TorSupervision(SupervisionPolicy policy) : policy_(policy) {
  if (policy_.initial_backoff.count() <= 0 || policy_.max_backoff < policy_.initial_backoff ||
      policy_.stall_after.count() <= 0) {
    core::misuse("TorSupervision: backoff and stall times must be positive, the cap at least the first delay");
  }
}

SupervisionStep TorSupervision::with_deadline(SupervisionStep step) const {
  step.deadline = deadline();
  return step;
}

std::optional<SupervisionInstant> TorSupervision::deadline() const noexcept {
  switch (state_) {
    case State::kWaiting:
      return restart_at_;
    case State::kStarting:
    case State::kRunning:
      if (!ready_since_) return last_progress_at_ + policy_.stall_after;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

SupervisionStep TorSupervision::start(SupervisionInstant now) {
  if (state_ != State::kIdle) core::misuse("TorSupervision::start: started already");
  state_ = State::kStarting;
  last_progress_at_ = now;
  return with_deadline(act(SupervisionAction::kStart));
}

SupervisionStep TorSupervision::stop(SupervisionInstant) {
  switch (state_) {
    case State::kStarting:
    case State::kRunning:
    case State::kStopping:
      state_ = State::kShuttingDown;
      return act(SupervisionAction::kStop);
    case State::kShuttingDown:
      return {};
    default:  // nothing runs
      state_ = State::kStopped;
      return {};
  }
}

SupervisionStep TorSupervision::on_started(SupervisionInstant now) {
  if (state_ != State::kStarting) return with_deadline({});
  state_ = State::kRunning;
  progress_ = 0;
  last_progress_at_ = now;
  ready_since_.reset();
  return with_deadline({});
}

SupervisionStep TorSupervision::on_progress(SupervisionInstant now, int percent) {
  if (state_ != State::kRunning) return with_deadline({});
  percent = std::clamp(percent, 0, 100);
  if (percent > progress_) {
    progress_ = percent;
    last_progress_at_ = now;
  }
  if (percent == 100 && !ready_since_) ready_since_ = now;
  return with_deadline({});
}

SupervisionStep TorSupervision::on_control_lost(SupervisionInstant) {
  if (state_ != State::kStarting && state_ != State::kRunning) return with_deadline({});
  state_ = State::kStopping;
  stopping_for_ = RestartReason::kControlLost;
  return act(SupervisionAction::kStop);
}

SupervisionStep TorSupervision::on_exited(SupervisionInstant now, int) {
  switch (state_) {
    case State::kShuttingDown:
      state_ = State::kStopped;
      return {};
    case State::kStopping:
      return failed(now, stopping_for_);
    case State::kStarting:
    case State::kRunning:
      return failed(now, RestartReason::kExited);
    default:
      return with_deadline({});
  }
}

SupervisionStep TorSupervision::on_timer(SupervisionInstant now) {
  if (state_ == State::kWaiting && now >= restart_at_) {
    state_ = State::kStarting;
    last_progress_at_ = now;
    return with_deadline(act(SupervisionAction::kStart));
  }
  if ((state_ == State::kStarting || state_ == State::kRunning) && !ready_since_ &&
      now >= last_progress_at_ + policy_.stall_after) {
    state_ = State::kStopping;
    stopping_for_ = RestartReason::kStalled;
    SupervisionStep step = act(SupervisionAction::kStop);
    step.stalled = true;
    return step;
  }
  return with_deadline({});
}

SupervisionStep TorSupervision::failed(SupervisionInstant now, RestartReason reason) {
  const bool was_healthy = ready_since_ && now - *ready_since_ >= policy_.healthy_after;
  failures_ = was_healthy ? 1 : failures_ + 1;
  ready_since_.reset();
  progress_ = 0;
  if (policy_.max_failures != 0 && failures_ >= policy_.max_failures) {
    state_ = State::kGaveUp;
    return act(SupervisionAction::kGiveUp);
  }
  // initial * 2^(failures-1), capped; the shift is capped too, so it never overflows.
  const std::uint32_t doublings = std::min<std::uint32_t>(failures_ - 1, 20);
  auto delay = policy_.initial_backoff * (std::int64_t{1} << doublings);
  delay = std::min(delay, policy_.max_backoff);
  state_ = State::kWaiting;
  restart_at_ = now + delay;
  SupervisionStep step;
  step.restart = SupervisionStep::Restart{failures_, delay, reason};
  return with_deadline(std::move(step));
}

}  // namespace tumar::tor
