#include "core/network/verify_ahead.hpp"

#include <system_error>

namespace tumar::network {

VerifyAhead::VerifyAhead(std::span<const std::vector<std::uint8_t>> envelopes, bool use_thread)
    : envelopes_(envelopes),
      results_(envelopes.size()),
      failures_(envelopes.size()),
      done_(std::make_unique<std::atomic<bool>[]>(envelopes.size())) {
  if (use_thread && envelopes.size() >= kVerifyAheadMin && std::thread::hardware_concurrency() >= 2) {
    try {
      helper_ = std::thread(&VerifyAhead::help, this);
      return;
    } catch (const std::system_error&) {
      // No second thread: verified here, below.
    }
  }
  // On one thread nothing overlaps, so all of it is verified now, before
  // the caller begins its write transaction: the lock other processes wait
  // for is then held only for the storing.
  while (verify_next()) {
  }
}

VerifyAhead::~VerifyAhead() {
  stop_.store(true, std::memory_order_relaxed);
  if (helper_.joinable()) helper_.join();
}

void VerifyAhead::help() {
  while (!stop_.load(std::memory_order_relaxed) && verify_next()) {
  }
}

bool VerifyAhead::verify_next() {
  const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
  if (i >= envelopes_.size()) return false;
  try {
    results_[i].emplace(verify_envelope_bytes(envelopes_[i]));
  } catch (...) {
    // Out of memory, say: thrown again by take(i) on the caller's thread,
    // as if it had verified i itself. Escaping the helper it would end the
    // process, and i would never be done.
    failures_[i] = std::current_exception();
  }
  done_[i].store(true, std::memory_order_release);
  // Taking the mutex between the store and the notify means a take() that
  // just found done_[i] false cannot miss this wake-up.
  { const std::lock_guard<std::mutex> lock(mutex_); }
  finished_one_.notify_one();
  return true;
}

core::Result<VerifiedEnvelope> VerifyAhead::take(std::size_t i) {
  while (!done_[i].load(std::memory_order_acquire)) {
    // Whoever claimed i is still on it. Verifying the next unclaimed one is
    // work the batch needs anyway; only when none is left is there nothing
    // to do but wait for i.
    if (verify_next()) continue;
    std::unique_lock<std::mutex> lock(mutex_);
    finished_one_.wait(lock, [&] { return done_[i].load(std::memory_order_acquire); });
  }
  if (failures_[i]) std::rethrow_exception(failures_[i]);
  core::Result<VerifiedEnvelope> out = std::move(*results_[i]);
  results_[i].reset();
  return out;
}

}  // namespace tumar::network
