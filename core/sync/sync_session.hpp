#pragma once
// Sync over one open session: reconcile every network both peers share and
// exchange the objects each lacks, then keep them in step with live pushes
// (docs/PROTOCOL.md, "Sync"). Sans-I/O like PeerSession: the driver hands
// in decoded WireMessages and the time, and gets back messages to send and
// objects to flood to its other peers. It reads no clock and does no I/O
// beyond the Replica it is given.
//
// The dialler is the initiator: for every network in
// replica.shared_networks(peer) it runs a Negentropy reconciliation as the
// client, then fetches what it lacks (WantObjects, one request of at most
// limits.want_batch ids outstanding per network) and sends what the peer
// lacks (HAVE batches, one outstanding, in (timestamp, id) order), and ends
// the network's round with SyncDone. It starts a new round
// limits.resync_interval after the last one ended. The other side is the
// server, for the networks where replica.may_sync(network, peer) holds; it
// refuses the others (SyncRefused), whatever the reason, and sends nothing
// else about them.
//
// Every object received goes through replica.ingest_batch: accepted (and
// released) ones are handed back to be flooded, rejected ones are counted
// (limits.max_rejected closes the session). Anything the peer sends that the
// protocol does not allow at that point is an error: the caller closes the
// session. Once an error is returned, every later call returns it again.

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/session/session_limits.hpp"
#include "core/session/wire_message.hpp"
#include "core/sync/replica.hpp"
#include "core/sync/sync_context.hpp"
#include "core/sync/sync_initiator.hpp"
#include "core/sync/sync_limits.hpp"
#include "core/sync/sync_output.hpp"
#include "core/sync/sync_responder.hpp"

namespace tumar::sync {

class SyncSession {
 public:
  using Instant = session::Instant;

  // `replica` must outlive the session. Aborts on nonsensical limits.
  SyncSession(Replica& replica, const identity::IdentityKey& peer, Role role, const SyncLimits& limits);

  SyncSession(SyncSession&&) noexcept = default;
  SyncSession& operator=(SyncSession&&) noexcept = default;

  // Call once, when the session opens. Initiator: the first query of every
  // shared network. Responder: nothing.
  [[nodiscard]] core::Result<SyncOutput> start(Instant now);

  // One message from the peer. Ping, Pong and Goodbye are the session's and
  // are ignored here. now_unix_ms is the wall clock for the replica's
  // timestamp rules. An error means the peer misbehaved (kProtocol, kLimit)
  // or the replica failed (kStorage): close the session.
  [[nodiscard]] core::Result<SyncOutput> on_message(const session::WireMessage& message, Instant now,
                                                    std::uint64_t now_unix_ms);

  // A new object of `network` (written here, or accepted from another
  // peer), to send to this peer now if it syncs that network with us and
  // this session has not sent or received it yet. Returns nothing to send
  // otherwise. The envelope must be 1..kMaxEnvelopeLen bytes (aborts).
  [[nodiscard]] core::Result<std::vector<session::WireMessage>> push(const NetworkId& network,
                                                                    std::span<const std::uint8_t> envelope);

  // Time passed: initiator request timeouts, and the next round when due.
  [[nodiscard]] core::Result<SyncOutput> on_tick(Instant now);

  // When on_tick must next be called (nullopt: no timer needed).
  std::optional<Instant> deadline() const;

  // Initiator: the last round started has finished for every network
  // (reconciled, every request answered, every HAVE batch acknowledged, or
  // refused) — `tumar sync` then says Goodbye. Responder: the dialler ended
  // every round it started here with SyncDone.
  bool round_complete() const noexcept;

  Role role() const noexcept { return role_; }
  const SyncProgress& progress() const noexcept { return ctx_.progress; }
  // The error every call returns once the session has failed.
  const std::optional<core::Error>& failure() const noexcept { return failed_; }

 private:
  template <typename F>
  core::Result<SyncOutput> guarded(F&& step);
  bool may_push(const NetworkId& network) const;

  Role role_;
  SyncContext ctx_;
  std::variant<InitiatorRounds, ResponderRounds> rounds_;
  bool started_ = false;
  std::optional<core::Error> failed_;
};

}  // namespace tumar::sync
