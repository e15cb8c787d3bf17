#include "core/sync/sync_initiator.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "core/sync/sync_wire.hpp"

namespace tumar::sync {
namespace {

// HAVE envelopes are read from the replica this many at a time, so at most
// 16 x 64 KiB wait in memory beyond the batch being sent.
constexpr std::size_t kHaveFetch = 16;

}  // namespace

InitiatorRounds::Network* InitiatorRounds::find(const NetworkId& id) {
  auto it = networks_.find(id);
  return it == networks_.end() ? nullptr : &it->second;
}

core::Result<void> InitiatorRounds::start_round(SyncContext& ctx, Instant now, SyncOutput& out) {
  TUMAR_TRY_ASSIGN(shared, ctx.replica->shared_networks(ctx.peer));
  started_ = true;
  round_running_ = true;
  round_cut_short_ = false;
  round_start_moved_ = ctx.progress.accepted + ctx.progress.objects_sent;
  for (const NetworkId& id : shared) {
    Network& net = networks_[id];
    // A network refused in this session stays refused until the next
    // connection; one still in a round (listed twice) is not restarted.
    if (!std::holds_alternative<Done>(net.phase)) continue;
    if (auto r = start_network(ctx, id, net, now, out); !r) return r;
  }
  return finish_round_if_done(ctx, now, out);
}

core::Result<void> InitiatorRounds::start_network(SyncContext& ctx, const NetworkId& id, Network& net, Instant now,
                                                  SyncOutput& out) {
  TUMAR_TRY_ASSIGN(items, ctx.replica->items(id));
  auto sorted = std::make_unique<reconcile::SortedItems>();
  for (const reconcile::Item& item : items) {
    if (auto r = sorted->insert(item.timestamp, item.id); !r) return r;
  }
  if (auto r = sorted->seal(); !r) return r;
  TUMAR_TRY_ASSIGN(negentropy, reconcile::Negentropy::make(*sorted, ctx.limits.negentropy_frame_limit));
  TUMAR_TRY_ASSIGN(query, negentropy.initiate());
  out.send.push_back(reconcile_message(id, query));
  net.phase = Reconciling{std::move(sorted), std::move(negentropy), {}, {}, 0, false};
  net.waiting_since = now;
  return {};
}

core::Result<void> InitiatorRounds::on_message(SyncContext& ctx, const session::WireMessage& message, Instant now,
                                               std::uint64_t now_unix_ms, SyncOutput& out) {
  const std::optional<NetworkId> id = network_of(message);
  if (!id) return {};
  switch (session::body_of(message)) {
    case session::WireBody::kReconcile:
      return on_reply(ctx, *id, std::get<session::Reconcile>(message).negentropy, now, out);
    case session::WireBody::kSyncRefused: return on_refused(ctx, *id, now, out);
    case session::WireBody::kObjects:
      return on_objects(ctx, *id, std::get<session::Objects>(message), now, now_unix_ms, out);
    case session::WireBody::kObjectsAck: return on_ack(ctx, *id, now, out);
    default: return misbehaved<core::ErrorId::kSyncNodeSentDiallerMessage>();
  }
}

core::Result<void> InitiatorRounds::on_reply(SyncContext& ctx, const NetworkId& id,
                                             std::span<const std::uint8_t> reply, Instant now, SyncOutput& out) {
  Network* net = find(id);
  auto* rec = net == nullptr ? nullptr : std::get_if<Reconciling>(&net->phase);
  if (rec == nullptr) return misbehaved<core::ErrorId::kSyncUnaskedReply>();
  rec->answered = true;
  net->accepted = true;
  auto next = rec->negentropy.reconcile(reply, rec->have, rec->need);
  if (!next) return misbehaved(next.error());
  const bool cut_short = ++rec->steps >= ctx.limits.max_reconcile_steps || rec->need.size() >= ctx.limits.max_need_ids;
  if (*next && !cut_short) {
    out.send.push_back(reconcile_message(id, **next));
    net->waiting_since = now;
    return {};
  }
  if (*next) {
    // Cut short: what was found so far is right (each range is settled on
    // its own); fetch it, and reconcile the rest in the next round.
    if (rec->need.size() > ctx.limits.max_need_ids) rec->need.resize(ctx.limits.max_need_ids);
    round_cut_short_ = true;
  }
  net->phase = transfer_plan(*rec);  // drops the snapshot and the Negentropy client
  const auto& plan = std::get<Transferring>(net->phase);
  ctx.progress.objects_to_fetch += plan.needs.size();
  ctx.progress.objects_to_send += plan.haves.size();
  return pump(ctx, id, *net, now, out);
}

InitiatorRounds::Transferring InitiatorRounds::transfer_plan(const Reconciling& rec) {
  Transferring t;
  // Each id once (a peer could list one in two ranges), in the order found.
  std::vector<ObjectId> sorted = rec.need;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<bool> taken(sorted.size(), false);
  for (const auto& id : rec.need) {
    const auto i = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), id) - sorted.begin());
    if (!taken[i]) {
      taken[i] = true;
      t.needs.push_back(id);
    }
  }
  // What the peer lacks goes in our storage order, (timestamp, id): a
  // network's membership objects are its oldest, so they usually arrive
  // before the objects whose authors they admit.
  std::vector<reconcile::Id> have = rec.have;
  std::sort(have.begin(), have.end());
  have.erase(std::unique(have.begin(), have.end()), have.end());
  for (const reconcile::Item& item : rec.items->items()) {
    if (std::binary_search(have.begin(), have.end(), item.id)) t.haves.push_back(item.id);
  }
  return t;
}

void InitiatorRounds::ask_more(SyncContext& ctx, const NetworkId& id, Transferring& t, SyncOutput& out) {
  while (t.wants.size() < ctx.limits.wants_in_flight) {
    std::vector<ObjectId> ask;
    while (ask.size() < ctx.limits.want_batch && t.next_need < t.needs.size()) {
      const ObjectId& need = t.needs[t.next_need++];
      if (!ctx.seen.contains(need)) ask.push_back(need);  // the peer pushed it meanwhile
    }
    if (ask.empty()) return;
    out.send.push_back(want_message(id, ask));
    std::sort(ask.begin(), ask.end());
    Transferring::Want want;
    want.answer_budget = ask.size();
    want.asked = std::move(ask);
    t.wants.push_back(std::move(want));
  }
}

core::Result<void> InitiatorRounds::pump(SyncContext& ctx, const NetworkId& id, Network& net, Instant now,
                                         SyncOutput& out) {
  auto& t = std::get<Transferring>(net.phase);
  ask_more(ctx, id, t, out);
  if (!t.have_outstanding) {
    if (auto r = send_haves(ctx, id, t, out); !r) return r;
  }
  if (!t.wants.empty() || t.have_outstanding) {
    net.waiting_since = now;
    return {};
  }
  // on_objects stores the last answer before it comes here.
  if (!t.received.empty()) std::abort();
  out.send.push_back(done_message(id));
  net.phase = Done{};
  net.waiting_since.reset();
  return finish_round_if_done(ctx, now, out);
}

core::Result<void> InitiatorRounds::send_haves(SyncContext& ctx, const NetworkId& id, Transferring& t,
                                               SyncOutput& out) {
  std::vector<std::vector<std::uint8_t>> batch;
  std::size_t bytes = 0;
  while (batch.size() < kMaxEnvelopesPerObjects) {
    if (t.fetched.empty()) {
      if (t.next_have == t.haves.size()) break;
      std::vector<ObjectId> ids;
      while (ids.size() < kHaveFetch && t.next_have < t.haves.size()) {
        const ObjectId& have = t.haves[t.next_have++];
        if (!ctx.seen.contains(have)) ids.push_back(have);  // the peer has it from this session already
      }
      if (ids.empty()) continue;
      TUMAR_TRY_ASSIGN(envelopes, ctx.replica->envelopes(id, ids));
      for (auto& e : envelopes) {
        if (sendable(e)) t.fetched.push_back(std::move(e));
      }
      continue;
    }
    std::vector<std::uint8_t>& next = t.fetched.front();
    if (!batch.empty() && bytes + next.size() > ctx.limits.objects_batch_bytes) break;
    bytes += next.size();
    batch.push_back(std::move(next));
    t.fetched.pop_front();
  }
  if (batch.empty()) return {};
  t.have_in_flight = batch.size();
  send_objects(ctx, id, std::move(batch), session::Objects::Kind::kHave, session::Objects::Kind::kHave, out);
  t.have_outstanding = true;
  return {};
}

core::Result<void> InitiatorRounds::on_refused(SyncContext& ctx, const NetworkId& id, Instant now, SyncOutput& out) {
  Network* net = find(id);
  auto* rec = net == nullptr ? nullptr : std::get_if<Reconciling>(&net->phase);
  // A refusal answers the first query of a round, nothing else.
  if (rec == nullptr || rec->answered) return misbehaved<core::ErrorId::kSyncRefusedAtWrongMoment>();
  net->phase = Refused{};
  net->accepted = false;
  net->waiting_since.reset();
  return finish_round_if_done(ctx, now, out);
}

core::Result<void> InitiatorRounds::on_objects(SyncContext& ctx, const NetworkId& id, const session::Objects& objects,
                                               Instant now, std::uint64_t now_unix_ms, SyncOutput& out) {
  Network* net = find(id);
  if (net == nullptr) return misbehaved<core::ErrorId::kSyncObjectsOfUnsyncedNetwork>();
  switch (objects.kind) {
    case session::Objects::Kind::kPush: {
      // A push sent before the peer refused the network is dropped unread.
      if (std::holds_alternative<Refused>(net->phase)) return {};
      if (!net->accepted) return misbehaved<core::ErrorId::kSyncPeerPushedUnsynced>();
      return ingest_objects(ctx, id, objects, now_unix_ms, out, [](const ObjectId&) -> core::Result<void> {
        return {};
      });
    }
    case session::Objects::Kind::kAnswer:
    case session::Objects::Kind::kAnswerEnd: {
      auto* t = std::get_if<Transferring>(&net->phase);
      if (t == nullptr || t->wants.empty()) return misbehaved<core::ErrorId::kSyncUnaskedObjects>();
      Transferring::Want& want = t->wants.front();
      const std::size_t count = objects.envelopes.size();
      if (count > want.answer_budget) return misbehaved<core::ErrorId::kSyncTooManyObjects>();
      want.answer_budget -= count;
      auto admit = [&want](const ObjectId& oid) -> core::Result<void> {
        auto it = std::lower_bound(want.asked.begin(), want.asked.end(), oid);
        if (it == want.asked.end() || *it != oid) return misbehaved<core::ErrorId::kSyncUnaskedObject>();
        want.asked.erase(it);
        return {};
      };
      if (auto r = receive_objects(ctx, objects, t->received, admit); !r) return r;
      net->waiting_since = now;
      if (objects.kind == session::Objects::Kind::kAnswerEnd) {
        // The answer is complete. Ids the peer did not send (it no longer
        // has them) are left to the next round. The next WantObjects goes
        // out before what waits is stored (it is sent with this call's
        // output, and the peer works on it meanwhile).
        t->wants.pop_front();
        ask_more(ctx, id, *t, out);
      }
      const bool full =
          t->received.size() >= ctx.limits.ingest_batch || t->received.bytes >= ctx.limits.ingest_batch_bytes;
      // Nothing more to ask: store what waits before the transfer can end.
      const bool last = t->wants.empty();
      if (full || last) {
        if (auto r = ingest_received(ctx, id, t->received, now_unix_ms, out); !r) return r;
      }
      if (objects.kind == session::Objects::Kind::kAnswer) return {};
      return pump(ctx, id, *net, now, out);
    }
    default: return misbehaved<core::ErrorId::kSyncNodeSentDiallerObjects>();
  }
}

core::Result<void> InitiatorRounds::on_ack(SyncContext& ctx, const NetworkId& id, Instant now, SyncOutput& out) {
  Network* net = find(id);
  auto* t = net == nullptr ? nullptr : std::get_if<Transferring>(&net->phase);
  if (t == nullptr || !t->have_outstanding) return misbehaved<core::ErrorId::kSyncUnsentAcknowledged>();
  t->have_outstanding = false;
  ctx.progress.objects_acknowledged += std::exchange(t->have_in_flight, 0);
  return pump(ctx, id, *net, now, out);
}

core::Result<void> InitiatorRounds::finish_round_if_done(SyncContext& ctx, Instant now, SyncOutput& out) {
  if (!round_running_) return {};
  for (const auto& [id, net] : networks_) {
    if (std::holds_alternative<Reconciling>(net.phase) || std::holds_alternative<Transferring>(net.phase)) return {};
  }
  round_running_ = false;
  last_round_end_ = now;
  // A round cut short continues at once, but only while it moves objects:
  // a peer inventing differences gets one round per resync_interval.
  if (round_cut_short_ && ctx.progress.accepted + ctx.progress.objects_sent > round_start_moved_) {
    return start_round(ctx, now, out);
  }
  ctx.progress.rounds_completed += 1;
  return {};
}

core::Result<void> InitiatorRounds::on_tick(SyncContext& ctx, Instant now, SyncOutput& out) {
  for (const auto& [id, net] : networks_) {
    if (net.waiting_since && now - *net.waiting_since >= ctx.limits.request_timeout) {
      return misbehaved<core::ErrorId::kSyncPeerStoppedAnswering>();
    }
  }
  if (started_ && !round_running_ && now >= last_round_end_ + ctx.limits.resync_interval) {
    return start_round(ctx, now, out);
  }
  return {};
}

bool InitiatorRounds::may_push(const NetworkId& network) const {
  auto it = networks_.find(network);
  return it != networks_.end() && it->second.accepted && !std::holds_alternative<Refused>(it->second.phase);
}

std::optional<session::Instant> InitiatorRounds::deadline(const SyncLimits& limits) const {
  std::optional<Instant> d;
  auto earliest = [&d](Instant t) { d = d ? std::min(*d, t) : t; };
  for (const auto& [id, net] : networks_) {
    if (net.waiting_since) earliest(*net.waiting_since + limits.request_timeout);
  }
  if (started_ && !round_running_) earliest(last_round_end_ + limits.resync_interval);
  return d;
}

}  // namespace tumar::sync
