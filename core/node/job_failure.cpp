#include "core/node/job_failure.hpp"

namespace tumar::node {

JobFailure explain_close(session::CloseReason reason, bool joining, bool was_open, bool heard) noexcept {
  using R = session::CloseReason;
  switch (reason) {
    case R::kNotAdmitted:
      // Our own handshake refused: the responder proved another identity
      // than the pinned one, or (joining) announced a profile of the other
      // kind; the handshake's detail says which.
      return joining ? JobFailure::kJoinRefusedInHandshake : JobFailure::kWrongIdentity;
    case R::kPeerGoodbye:
      // A Goodbye comes encrypted, so only from a node that let us in.
      return JobFailure::kPeerStopping;
    case R::kPeerClosed:
      if (heard) return JobFailure::kLostDuringSync;
      // The node decides after our message 3 and turns us away without a
      // word; a connection cut at that very moment looks the same.
      if (was_open) return joining ? JobFailure::kInviteRefused : JobFailure::kNotAdmitted;
      return JobFailure::kClosedInHandshake;
    case R::kHandshakeTimeout:
    case R::kIdleTimeout:
      return JobFailure::kTimeout;
    case R::kProtocol:
    case R::kLimit:
    case R::kLocal:
      break;
  }
  return JobFailure::kProtocol;
}

}  // namespace tumar::node
