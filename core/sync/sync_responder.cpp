#include "core/sync/sync_responder.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include "core/error_ids.hpp"
#include "core/sync/sync_wire.hpp"

namespace tumar::sync {

ResponderRounds::Network* ResponderRounds::in_round(const NetworkId& id) {
  auto it = networks_.find(id);
  if (it == networks_.end() || std::holds_alternative<Idle>(it->second.phase)) return nullptr;
  return &it->second;
}

core::Result<void> ResponderRounds::on_message(SyncContext& ctx, const session::WireMessage& message, Instant now,
                                               std::uint64_t now_unix_ms, SyncOutput& out) {
  const std::optional<NetworkId> id = network_of(message);
  if (!id) return {};
  switch (session::body_of(message)) {
    case session::WireBody::kReconcile:
      return on_query(ctx, *id, std::get<session::Reconcile>(message).negentropy, now, out);
    case session::WireBody::kWantObjects: return on_want(ctx, *id, std::get<session::WantObjects>(message), out);
    case session::WireBody::kObjects:
      return on_objects(ctx, *id, std::get<session::Objects>(message), now_unix_ms, out);
    case session::WireBody::kSyncDone: return on_done(ctx, *id);
    default: return misbehaved<core::ErrorId::kSyncDiallerSentNodeMessage>();
  }
}

core::Result<void> ResponderRounds::on_query(SyncContext& ctx, const NetworkId& id,
                                             std::span<const std::uint8_t> query, Instant now, SyncOutput& out) {
  auto it = networks_.find(id);
  if (it == networks_.end() || std::holds_alternative<Idle>(it->second.phase)) return start(ctx, id, query, now, out);
  auto* rec = std::get_if<Reconciling>(&it->second.phase);
  if (rec == nullptr) return misbehaved<core::ErrorId::kSyncDiallerSecondRound>();
  auto reply = rec->negentropy.reconcile(query);
  if (!reply) return misbehaved(reply.error());
  out.send.push_back(reconcile_message(id, *reply));
  return {};
}

bool ResponderRounds::take_round_credit(const SyncLimits& limits, Network& net, Instant now) {
  const auto refill = std::chrono::duration_cast<Instant::duration>(limits.round_start_refill);
  if (now > net.credit_at) {
    const auto gained = static_cast<std::uint64_t>((now - net.credit_at) / refill);
    if (net.credit + gained >= limits.round_start_burst) {
      net.credit = limits.round_start_burst;
      net.credit_at = now;
    } else {
      net.credit += gained;
      net.credit_at += refill * static_cast<Instant::duration::rep>(gained);
    }
  }
  if (net.credit == 0) return false;
  --net.credit;
  return true;
}

core::Result<void> ResponderRounds::start(SyncContext& ctx, const NetworkId& id, std::span<const std::uint8_t> query,
                                          Instant now, SyncOutput& out) {
  // Checked at every round start, so a member removed while connected is
  // refused from its next round on. The refusal reads the same whether the
  // peer was removed, never admitted, or we are not in the network.
  TUMAR_TRY_ASSIGN(allowed, ctx.replica->may_sync(id, ctx.peer));
  if (!allowed) {
    if (++refused_ > ctx.limits.max_refused) {
      return core::fail<core::ErrorId::kSyncTooManyRefusedNetworks>(core::Errc::kLimit);
    }
    if (auto it = networks_.find(id); it != networks_.end()) it->second.open = false;
    out.send.push_back(refused_message(id));
    return {};
  }
  auto [entry, made] = networks_.try_emplace(id);
  if (made) {
    entry->second.credit = ctx.limits.round_start_burst;
    entry->second.credit_at = now;
  }
  if (!take_round_credit(ctx.limits, entry->second, now)) {
    return core::fail<core::ErrorId::kSyncRoundsTooFast>(core::Errc::kLimit);
  }
  TUMAR_TRY_ASSIGN(items, ctx.replica->items(id));
  auto sorted = std::make_unique<reconcile::SortedItems>();
  for (const reconcile::Item& item : items) {
    if (auto r = sorted->insert(item.timestamp, item.id); !r) return r;
  }
  if (auto r = sorted->seal(); !r) return r;
  TUMAR_TRY_ASSIGN(negentropy, reconcile::Negentropy::make(*sorted, ctx.limits.negentropy_frame_limit));
  auto reply = negentropy.reconcile(query);
  if (!reply) return misbehaved(reply.error());
  Network& net = entry->second;
  net.phase = Reconciling{std::move(sorted), std::move(negentropy)};
  net.open = true;
  rounds_started_ += 1;
  out.send.push_back(reconcile_message(id, *reply));
  if (!net.bootstrap_sent && reconcile::describes_empty_set(query)) {
    net.bootstrap_sent = true;
    // A member with nothing of the network: it is joining, and its key
    // grant is among our newest objects. Fetched in order, everything
    // before the grant would wait in its memory (bounded: the rest is
    // dropped and fetched again next round). Sent now, after the reply
    // (the dialler takes pushes only for a network the peer answered).
    TUMAR_TRY_ASSIGN(first, ctx.replica->bootstrap_envelopes(id, ctx.peer));
    std::erase_if(first, [](const std::vector<std::uint8_t>& e) { return !sendable(e); });
    if (!first.empty()) {
      send_objects(ctx, id, std::move(first), session::Objects::Kind::kPush, session::Objects::Kind::kPush, out);
    }
  }
  return {};
}

core::Result<void> ResponderRounds::on_want(SyncContext& ctx, const NetworkId& id, const session::WantObjects& want,
                                            SyncOutput& out) {
  Network* net = in_round(id);
  if (net == nullptr) return misbehaved<core::ErrorId::kSyncDiallerAskedOutsideRound>();
  net->phase = Transferring{};  // reconciliation is over: the snapshot goes
  TUMAR_TRY_ASSIGN(envelopes, ctx.replica->envelopes(id, want.ids));
  std::erase_if(envelopes, [](const std::vector<std::uint8_t>& e) { return !sendable(e); });
  // Ids we do not have are skipped: the answer then carries fewer objects,
  // and its last message (ANSWER_END, possibly empty) says it is complete.
  send_objects(ctx, id, std::move(envelopes), session::Objects::Kind::kAnswer, session::Objects::Kind::kAnswerEnd,
               out);
  return {};
}

core::Result<void> ResponderRounds::on_objects(SyncContext& ctx, const NetworkId& id, const session::Objects& objects,
                                               std::uint64_t now_unix_ms, SyncOutput& out) {
  auto no_check = [](const ObjectId&) -> core::Result<void> { return {}; };
  switch (objects.kind) {
    case session::Objects::Kind::kPush: {
      auto it = networks_.find(id);
      if (it == networks_.end()) return misbehaved<core::ErrorId::kSyncDiallerPushedUnsynced>();
      // Pushed before our refusal reached the dialler: dropped unread.
      if (!it->second.open) return {};
      return ingest_objects(ctx, id, objects, now_unix_ms, out, no_check);
    }
    case session::Objects::Kind::kHave: {
      Network* net = in_round(id);
      if (net == nullptr) return misbehaved<core::ErrorId::kSyncDiallerObjectsOutsideRound>();
      net->phase = Transferring{};
      if (auto r = ingest_objects(ctx, id, objects, now_unix_ms, out, no_check); !r) return r;
      out.send.push_back(ack_message(id));
      return {};
    }
    default: return misbehaved<core::ErrorId::kSyncDiallerSentNodeObjects>();
  }
}

core::Result<void> ResponderRounds::on_done(SyncContext& ctx, const NetworkId& id) {
  Network* net = in_round(id);
  if (net == nullptr) return misbehaved<core::ErrorId::kSyncDiallerEndedNoRound>();
  net->phase = Idle{};
  ctx.progress.rounds_completed += 1;
  return {};
}

bool ResponderRounds::may_push(const NetworkId& network) const {
  auto it = networks_.find(network);
  return it != networks_.end() && it->second.open;
}

bool ResponderRounds::round_complete() const noexcept {
  if (rounds_started_ == 0) return false;
  for (const auto& [id, net] : networks_) {
    if (!std::holds_alternative<Idle>(net.phase)) return false;
  }
  return true;
}

}  // namespace tumar::sync
