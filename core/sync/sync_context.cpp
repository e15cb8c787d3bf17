#include "core/sync/sync_context.hpp"

#include <iterator>
#include <utility>

#include "core/error_ids.hpp"
#include "core/sync/sync_wire.hpp"

namespace tumar::sync {

tl::unexpected<core::Error> misbehaved(const core::Error& refused) {
  return tl::unexpected(refused.with_code(core::Errc::kProtocol));
}

core::Result<void> receive_objects(SyncContext& ctx, const session::Objects& objects, ReceivedEnvelopes& into,
                                   const std::function<core::Result<void>(const ObjectId&)>& admit) {
  const std::size_t before = into.size();
  const std::size_t bytes_before = into.bytes;
  into.envelopes.reserve(before + objects.envelopes.size());
  into.ids.reserve(into.envelopes.capacity());
  for (const std::vector<std::uint8_t>& e : objects.envelopes) {
    into.envelopes.push_back(e);
    into.ids.push_back(object_id(into.envelopes.back()));
    if (auto ok = admit(into.ids.back()); !ok) {
      // Nothing of a refused message is kept (the session closes anyway).
      into.envelopes.resize(before);
      into.ids.resize(before);
      into.bytes = bytes_before;
      return ok;
    }
    into.bytes += e.size();
    ctx.progress.objects_received += 1;
    ctx.progress.bytes_received += e.size();
  }
  return {};
}

core::Result<void> ingest_received(SyncContext& ctx, const NetworkId& network, ReceivedEnvelopes& received,
                                   std::uint64_t now_unix_ms, SyncOutput& out) {
  ReceivedEnvelopes batch = std::exchange(received, ReceivedEnvelopes{});
  if (batch.empty()) return {};
  TUMAR_TRY_ASSIGN(results, ctx.replica->ingest_batch(batch.envelopes, now_unix_ms));
  if (results.size() != batch.size()) std::abort();  // the Replica contract

  for (std::size_t i = 0; i < batch.size(); ++i) {
    IngestResult& r = results[i];
    if (r.outcome == IngestOutcome::kRejected) {
      // Not fatal: one bad object must not stop a sync. The reason is for
      // the replica's own debug log; nothing of it goes to the peer.
      if (++ctx.progress.rejected > ctx.limits.max_rejected) {
        return core::fail<core::ErrorId::kSyncTooManyRejected>(core::Errc::kLimit);
      }
      continue;
    }
    if (r.network != network) return misbehaved<core::ErrorId::kSyncObjectOfOtherNetwork>();
    ctx.seen.insert(batch.ids[i]);
    switch (r.outcome) {
      case IngestOutcome::kAccepted:
        ctx.progress.accepted += 1;
        out.accepted.push_back(NewObject{network, std::move(batch.envelopes[i])});
        break;
      case IngestOutcome::kDuplicate: ctx.progress.duplicates += 1; break;
      case IngestOutcome::kPending: ctx.progress.pending += 1; break;
      case IngestOutcome::kRejected: break;
    }
    for (auto& released : r.released) {
      ctx.progress.accepted += 1;
      out.accepted.push_back(NewObject{r.network, std::move(released)});
    }
  }
  return {};
}

core::Result<void> ingest_objects(SyncContext& ctx, const NetworkId& network, const session::Objects& objects,
                                  std::uint64_t now_unix_ms, SyncOutput& out,
                                  const std::function<core::Result<void>(const ObjectId&)>& admit) {
  ReceivedEnvelopes received;
  if (auto r = receive_objects(ctx, objects, received, admit); !r) return r;
  return ingest_received(ctx, network, received, now_unix_ms, out);
}

void send_objects(SyncContext& ctx, const NetworkId& network, std::vector<std::vector<std::uint8_t>> envelopes,
                  session::Objects::Kind kind, session::Objects::Kind last_kind, SyncOutput& out) {
  std::span<std::vector<std::uint8_t>> rest(envelopes);
  do {
    const std::size_t n = batch_prefix(rest, ctx.limits.objects_batch_bytes);
    const auto batch = rest.first(n);
    rest = rest.subspan(n);
    for (const auto& e : batch) {
      ctx.seen.insert(object_id(e));
      ctx.progress.objects_sent += 1;
      ctx.progress.bytes_sent += e.size();
    }
    std::vector<std::vector<std::uint8_t>> sent(std::make_move_iterator(batch.begin()),
                                                std::make_move_iterator(batch.end()));
    out.send.push_back(objects_message(network, rest.empty() ? last_kind : kind, std::move(sent)));
  } while (!rest.empty());
}

bool sendable(std::span<const std::uint8_t> envelope) noexcept {
  return !envelope.empty() && envelope.size() <= kMaxEnvelopeLen;
}

}  // namespace tumar::sync
