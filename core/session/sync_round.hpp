#pragma once
// One sync round, dialer's side (`tumar sync`). In protocol tumar/1 a round
// is a liveness exchange: Ping with a random nonce, Pong echoing it. The
// networks layer adds reconciliation of objects to the same round, so the
// command's report (objects sent and received) already has its final shape.
//
// Sans-I/O like the session: messages and the time in, a decision out.

#include <chrono>
#include <cstdint>

#include "core/error.hpp"
#include "core/session/session_limits.hpp"
#include "tumar/wire.pb.h"

namespace tumar::session {

struct SyncReport {
  std::chrono::microseconds round_trip{0};
  std::uint64_t objects_sent = 0;
  std::uint64_t objects_received = 0;
};

class SyncRound {
 public:
  explicit SyncRound(std::uint64_t nonce) : nonce_(nonce) {}

  // What to send once the session is open.
  proto::WireMessage opening(Instant now);

  // true once the round is complete. A message the round does not expect
  // (a Pong with the wrong nonce, anything before opening) is kProtocol.
  [[nodiscard]] core::Result<bool> on_message(Instant now, const proto::WireMessage& message);

  bool done() const noexcept { return done_; }
  const SyncReport& report() const noexcept { return report_; }

 private:
  std::uint64_t nonce_;
  Instant sent_at_{};
  bool opened_ = false;
  bool done_ = false;
  SyncReport report_;
};

}  // namespace tumar::session
