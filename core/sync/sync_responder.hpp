#pragma once
// The node's side of sync: the Negentropy server for each network the
// dialler asks about and may sync (docs/PROTOCOL.md, "Sync"). Internal to
// SyncSession.
//
// Per network, per round:
//
//   Idle ──(first Reconcile, may_sync)──> Reconciling ──(WantObjects | HAVE)──> Transferring
//    ^  └─(first Reconcile, not may_sync: SyncRefused)                              │
//    └───────────────────────────────(SyncDone)──────────────────────────────────────┘
//
// Reconciling keeps the sealed snapshot of our items the whole
// reconciliation answers from; the first WantObjects or HAVE batch drops
// it, and a Reconcile after that is an error (a second round while one
// runs). Every request is answered at once, so the server never has more
// than one answer in the making.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <variant>

#include "core/error.hpp"
#include "core/reconcile/negentropy.hpp"
#include "core/reconcile/sorted_items.hpp"
#include "core/session/session_limits.hpp"
#include "core/session/wire_message.hpp"
#include "core/sync/sync_context.hpp"

namespace tumar::sync {

class ResponderRounds {
 public:
  using Instant = session::Instant;
  [[nodiscard]] core::Result<void> on_message(SyncContext& ctx, const session::WireMessage& message, Instant now,
                                              std::uint64_t now_unix_ms, SyncOutput& out);

  // Whether live pushes about `network` may go to the peer: it synced the
  // network in this session and was not refused since.
  bool may_push(const NetworkId& network) const;
  // Every round the dialler started here has ended with SyncDone.
  bool round_complete() const noexcept;

 private:
  struct Idle {};
  struct Reconciling {
    std::unique_ptr<reconcile::SortedItems> items;  // Negentropy points into it: never moved
    reconcile::Negentropy negentropy;
  };
  struct Transferring {};
  using Phase = std::variant<Idle, Reconciling, Transferring>;

  struct Network {
    Phase phase;
    bool open = false;  // may_sync held at the last round start
    // The bootstrap push went out in this session: once is enough, and a
    // dialler restarting empty rounds must not get it again and again.
    bool bootstrap_sent = false;
    // Round starts left in the bucket (SyncLimits::round_start_burst), as
    // of credit_at; full when the entry is made.
    std::uint64_t credit = 0;
    Instant credit_at{};
  };

  core::Result<void> on_query(SyncContext& ctx, const NetworkId& id, std::span<const std::uint8_t> query, Instant now,
                              SyncOutput& out);
  core::Result<void> start(SyncContext& ctx, const NetworkId& id, std::span<const std::uint8_t> query, Instant now,
                           SyncOutput& out);
  // Takes one round start from the network's bucket; false if it is empty.
  static bool take_round_credit(const SyncLimits& limits, Network& net, Instant now);
  core::Result<void> on_want(SyncContext& ctx, const NetworkId& id, const session::WantObjects& want,
                             SyncOutput& out);
  core::Result<void> on_objects(SyncContext& ctx, const NetworkId& id, const session::Objects& objects,
                                std::uint64_t now_unix_ms, SyncOutput& out);
  core::Result<void> on_done(SyncContext& ctx, const NetworkId& id);
  // The network if a round of it is running (Reconciling or Transferring).
  Network* in_round(const NetworkId& id);

  // Only networks that passed may_sync get an entry: a dialler naming
  // random networks is refused without a trace here (and cut off after
  // limits.max_refused).
  std::map<NetworkId, Network> networks_;
  std::uint64_t refused_ = 0;
  std::uint64_t rounds_started_ = 0;
};

}  // namespace tumar::sync
