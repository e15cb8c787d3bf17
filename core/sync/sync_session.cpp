#include "core/sync/sync_session.hpp"

#include <cstdlib>
#include <utility>

#include "core/sync/sync_wire.hpp"

namespace tumar::sync {

void check_limits(const SyncLimits& limits) {
  const bool ok = limits.negentropy_frame_limit >= reconcile::kMinFrameSizeLimit &&
                  limits.negentropy_frame_limit <= kMaxNegentropyLen && limits.want_batch >= 1 &&
                  limits.want_batch <= kMaxWantIds && limits.objects_batch_bytes >= kMaxEnvelopeLen &&
                  limits.objects_batch_bytes <= kObjectsBatchBytes && limits.ingest_batch >= 1 &&
                  limits.ingest_batch_bytes >= kMaxEnvelopeLen && limits.wants_in_flight >= 1 &&
                  limits.wants_in_flight <= kMaxWantsInFlight && limits.resync_interval.count() > 0 &&
                  limits.request_timeout.count() > 0 && limits.max_reconcile_steps >= 1 &&
                  limits.max_need_ids >= 1 && limits.seen_capacity >= 1 && limits.round_start_burst >= 1 &&
                  limits.round_start_refill.count() > 0;
  if (!ok) std::abort();
}

namespace {

const SyncLimits& checked(const SyncLimits& limits) {
  check_limits(limits);
  return limits;
}

}  // namespace

SyncSession::SyncSession(Replica& replica, const identity::IdentityKey& peer, Role role, const SyncLimits& limits)
    : role_(role),
      ctx_(replica, peer, checked(limits)),
      rounds_(role == Role::kInitiator ? decltype(rounds_){InitiatorRounds{}} : decltype(rounds_){ResponderRounds{}}) {}

template <typename F>
core::Result<SyncOutput> SyncSession::guarded(F&& step) {
  if (failed_) return tl::unexpected(*failed_);
  SyncOutput out;
  if (auto r = step(out); !r) {
    // Nothing of a failing call is sent: the session closes silently.
    failed_ = r.error();
    return tl::unexpected(r.error());
  }
  return out;
}

core::Result<SyncOutput> SyncSession::start(Instant now) {
  if (started_) std::abort();  // once, first
  started_ = true;
  return guarded([&](SyncOutput& out) -> core::Result<void> {
    if (auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) return initiator->start_round(ctx_, now, out);
    return {};
  });
}

core::Result<SyncOutput> SyncSession::on_message(const session::WireMessage& message, Instant now,
                                                 std::uint64_t now_unix_ms) {
  return guarded([&](SyncOutput& out) -> core::Result<void> {
    if (!is_sync_message(message)) return {};
    if (!started_) return misbehaved<core::ErrorId::kSyncBeforeStart>();
    if (auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) {
      return initiator->on_message(ctx_, message, now, now_unix_ms, out);
    }
    return std::get<ResponderRounds>(rounds_).on_message(ctx_, message, now, now_unix_ms, out);
  });
}

core::Result<SyncOutput> SyncSession::on_tick(Instant now) {
  return guarded([&](SyncOutput& out) -> core::Result<void> {
    if (auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) return initiator->on_tick(ctx_, now, out);
    return {};
  });
}

core::Result<std::vector<session::WireMessage>> SyncSession::push(const NetworkId& network,
                                                                  std::span<const std::uint8_t> envelope) {
  if (!sendable(envelope)) std::abort();
  auto out = guarded([&](SyncOutput& o) -> core::Result<void> {
    if (!started_ || !may_push(network)) return {};
    const ObjectId id = object_id(envelope);
    if (ctx_.seen.contains(id)) return {};
    // Membership can change while a session is open: a member removed a
    // moment ago gets nothing new, even before its next round is refused.
    TUMAR_TRY_ASSIGN(allowed, ctx_.replica->may_sync(network, ctx_.peer));
    if (!allowed) return {};
    std::vector<std::vector<std::uint8_t>> one;
    one.emplace_back(envelope.begin(), envelope.end());
    send_objects(ctx_, network, std::move(one), session::Objects::Kind::kPush, session::Objects::Kind::kPush, o);
    return {};
  });
  if (!out) return tl::unexpected(out.error());
  return std::move(out->send);
}

std::optional<session::Instant> SyncSession::deadline() const {
  if (failed_) return std::nullopt;
  if (const auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) return initiator->deadline(ctx_.limits);
  return std::nullopt;
}

bool SyncSession::round_complete() const noexcept {
  if (failed_) return false;
  if (const auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) return initiator->round_complete();
  return std::get<ResponderRounds>(rounds_).round_complete();
}

bool SyncSession::may_push(const NetworkId& network) const {
  if (const auto* initiator = std::get_if<InitiatorRounds>(&rounds_)) return initiator->may_push(network);
  return std::get<ResponderRounds>(rounds_).may_push(network);
}

}  // namespace tumar::sync
