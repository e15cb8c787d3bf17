#pragma once
// The dialler's side of sync: the Negentropy client of every network it
// shares with the peer (docs/PROTOCOL.md, "Sync"). Internal to SyncSession.
//
// Each network of a round goes through
//
//   Reconciling ──(reply: done)──> Transferring ──(all answered, all acked)──> Done
//        └──(SyncRefused)──> Refused (for the rest of the session)
//
// Reconciling keeps the sealed snapshot of our items and the Negentropy
// client over it, one query outstanding. A reconciliation that needs more
// than limits.max_reconcile_steps round trips or finds more than
// limits.max_need_ids ids we lack stops there: what it found is fetched, and
// the next round, started at once, reconciles the rest. Transferring asks for what we need
// in WantObjects of at most limits.want_batch ids and sends what the peer
// needs in HAVE batches, one of each outstanding at a time, and ends with
// SyncDone. Answers are stored in batches of limits.ingest_batch, and
// always before SyncDone. A message that does not fit the network's state is an error.

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/reconcile/negentropy.hpp"
#include "core/reconcile/sorted_items.hpp"
#include "core/session/session_limits.hpp"
#include "core/session/wire_message.hpp"
#include "core/sync/sync_context.hpp"

namespace tumar::sync {

class InitiatorRounds {
 public:
  using Instant = session::Instant;

  // Starts a round for every shared network not refused earlier.
  [[nodiscard]] core::Result<void> start_round(SyncContext& ctx, Instant now, SyncOutput& out);
  [[nodiscard]] core::Result<void> on_message(SyncContext& ctx, const session::WireMessage& message, Instant now,
                                              std::uint64_t now_unix_ms, SyncOutput& out);
  // Request timeouts, and the next round when it is due.
  [[nodiscard]] core::Result<void> on_tick(SyncContext& ctx, Instant now, SyncOutput& out);

  // Whether live pushes about `network` may go to the peer (the peer has
  // answered a query about it and has not refused it since).
  bool may_push(const NetworkId& network) const;
  bool round_complete() const noexcept { return started_ && !round_running_; }
  std::optional<Instant> deadline(const SyncLimits& limits) const;

 private:
  struct Reconciling {
    std::unique_ptr<reconcile::SortedItems> items;  // Negentropy points into it: never moved
    reconcile::Negentropy negentropy;
    std::vector<reconcile::Id> have;
    std::vector<reconcile::Id> need;
    std::uint64_t steps = 0;
    bool answered = false;  // the peer has replied in this round
  };
  struct Transferring {
    std::vector<ObjectId> needs;  // in the order reconciliation found them
    std::size_t next_need = 0;
    // Outstanding WantObjects, oldest first: the peer answers them in
    // order, so objects arriving now answer the front one.
    struct Want {
      std::vector<ObjectId> asked;  // sorted: its ids not yet received
      std::size_t answer_budget = 0;  // envelopes its answer may still carry
    };
    std::deque<Want> wants;
    // Answers received and not yet stored (limits.ingest_batch says why).
    // Only ever non-empty while a WantObjects is outstanding: the last
    // answer of a transfer is stored before anything else happens.
    ReceivedEnvelopes received;
    std::vector<ObjectId> haves;  // sorted by (timestamp, id): membership objects go first
    std::size_t next_have = 0;
    std::deque<std::vector<std::uint8_t>> fetched;  // read from the replica, not yet sent
    bool have_outstanding = false;
    std::size_t have_in_flight = 0;  // envelopes in the outstanding HAVE batch
  };
  struct Done {};
  struct Refused {};
  using Phase = std::variant<Done, Reconciling, Transferring, Refused>;

  struct Network {
    Phase phase;
    bool accepted = false;                // the peer has answered a query about it
    std::optional<Instant> waiting_since;  // a request outstanding, last progress at
  };

  core::Result<void> start_network(SyncContext& ctx, const NetworkId& id, Network& net, Instant now, SyncOutput& out);
  core::Result<void> on_reply(SyncContext& ctx, const NetworkId& id, std::span<const std::uint8_t> reply, Instant now,
                              SyncOutput& out);
  core::Result<void> on_refused(SyncContext& ctx, const NetworkId& id, Instant now, SyncOutput& out);
  core::Result<void> on_objects(SyncContext& ctx, const NetworkId& id, const session::Objects& objects, Instant now,
                                std::uint64_t now_unix_ms, SyncOutput& out);
  core::Result<void> on_ack(SyncContext& ctx, const NetworkId& id, Instant now, SyncOutput& out);
  static Transferring transfer_plan(const Reconciling& rec);
  // Sends the next WantObjects if none is outstanding and ids are left.
  static void ask_more(SyncContext& ctx, const NetworkId& id, Transferring& t, SyncOutput& out);
  // Sends the next WantObjects and HAVE batch if none is outstanding, or
  // SyncDone when nothing is left.
  core::Result<void> pump(SyncContext& ctx, const NetworkId& id, Network& net, Instant now, SyncOutput& out);
  core::Result<void> send_haves(SyncContext& ctx, const NetworkId& id, Transferring& t, SyncOutput& out);
  // Ends the round once no network is in one. A round cut short (too many
  // differences for one round) that moved objects is followed at once by
  // the next; otherwise the next is due after limits.resync_interval.
  core::Result<void> finish_round_if_done(SyncContext& ctx, Instant now, SyncOutput& out);
  Network* find(const NetworkId& id);

  std::map<NetworkId, Network> networks_;
  bool started_ = false;
  bool round_running_ = false;
  bool round_cut_short_ = false;
  std::uint64_t round_start_moved_ = 0;  // accepted + sent when the round started
  Instant last_round_end_{};
};

}  // namespace tumar::sync
