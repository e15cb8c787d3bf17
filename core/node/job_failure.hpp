#pragma once
// What a dialler can tell from how a sync job's session ended, as a fact
// (JobFailure) for the front end to put into words.

#include "core/node/sync_job.hpp"
#include "core/session/peer_session.hpp"

namespace tumar::node {

// `joining`: the job presented an invite. `was_open`: the handshake had
// finished on our side. `heard`: the node said something after the
// handshake, so it had let us in: a close after that is a lost connection
// (a cut, a crash, a node going away), not a refusal.
JobFailure explain_close(session::CloseReason reason, bool joining, bool was_open, bool heard) noexcept;

}  // namespace tumar::node
