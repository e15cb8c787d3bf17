#include "core/session/sync_round.hpp"

namespace tumar::session {

proto::WireMessage SyncRound::opening(Instant now) {
  proto::WireMessage ping;
  ping.mutable_ping()->set_nonce(nonce_);
  sent_at_ = now;
  opened_ = true;
  return ping;
}

core::Result<bool> SyncRound::on_message(Instant now, const proto::WireMessage& message) {
  if (!opened_ || done_ || message.body_case() != proto::WireMessage::kPong) {
    return core::fail(core::Errc::kProtocol, "The peer sent a message the sync round did not expect.");
  }
  // A Pong for a nonce we did not send is stale or forged (inside an
  // authenticated channel it would be a peer bug); never count it as a round.
  if (message.pong().nonce() != nonce_) {
    return core::fail(core::Errc::kProtocol, "The peer answered a sync round that was not asked.");
  }
  report_.round_trip = std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at_);
  done_ = true;
  return true;
}

}  // namespace tumar::session
