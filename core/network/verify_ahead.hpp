#pragma once
// A batch's signatures verified ahead of the thread that stores them.
//
// Verifying an envelope (parse, BLAKE2b id, Ed25519) is pure computation on
// bytes nothing else touches, and it is about half of what a new member's
// node does per object; storing is the other half and must stay on the
// thread that holds the database. So a helper thread verifies the batch in
// order while the caller stores what is already verified; when the caller
// catches up it verifies the next unclaimed envelope itself rather than wait.
// Each index is claimed once (an atomic counter), so every envelope is
// verified exactly once whichever thread gets it, and results come back in
// the batch's order.
//
// With `use_thread` false, a batch smaller than kVerifyAheadMin, or a thread
// that cannot start, the constructor verifies the whole batch on the calling
// thread, before the caller's write transaction begins: the same results,
// one core. With a helper the transaction begins at once, and is held about
// as long as the slower of verifying and storing.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/network/envelope.hpp"

namespace tumar::network {

// Below this a helper thread costs more than it saves (a live push of one
// object, a small catch-up).
inline constexpr std::size_t kVerifyAheadMin = 64;

class VerifyAhead {
 public:
  // `envelopes` must outlive this object; the helper starts at once.
  VerifyAhead(std::span<const std::vector<std::uint8_t>> envelopes, bool use_thread);
  // Stops the helper after the envelope it is on and joins it: an early
  // return (a failed batch) never leaves a thread reading freed bytes.
  ~VerifyAhead();
  VerifyAhead(const VerifyAhead&) = delete;
  VerifyAhead& operator=(const VerifyAhead&) = delete;

  std::size_t size() const noexcept { return envelopes_.size(); }
  // The i-th envelope's result. Called once per index, in order 0, 1, 2, ...
  core::Result<VerifiedEnvelope> take(std::size_t i);
  // Whether a helper thread ran (for tests).
  bool threaded() const noexcept { return helper_.joinable(); }

 private:
  void help();
  // Claims the next unverified index and verifies it; false when none is left.
  bool verify_next();

  std::span<const std::vector<std::uint8_t>> envelopes_;
  std::vector<std::optional<core::Result<VerifiedEnvelope>>> results_;
  std::vector<std::exception_ptr> failures_;  // what verifying i threw, if anything
  // done_[i] is set (release) after results_[i] is written, so a reader
  // that sees it (acquire) sees the result.
  std::unique_ptr<std::atomic<bool>[]> done_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable finished_one_;
  std::thread helper_;
};

}  // namespace tumar::network
