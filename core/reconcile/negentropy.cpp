#include "core/reconcile/negentropy.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "core/error_ids.hpp"
#include "core/reconcile/varint.hpp"

namespace tumar::reconcile {

struct Negentropy::Found {
  std::vector<Id> have;
  std::vector<Id> need;
};

namespace {

// The reference splits a range it disagrees about into 16 buckets of
// (nearly) equal item counts, or sends the ids outright when it holds fewer
// than 2 x 16 items there. Both numbers decide message sizes, so they are
// the reference's.
constexpr std::size_t kBuckets = 16;
constexpr std::size_t kIdListThreshold = 2 * kBuckets;

bool fails_frame_limit(std::uint64_t limit, std::size_t size) {
  return limit != 0 && size > limit - kFrameSizeMargin;
}

void append_ids(const SortedItems& storage, std::size_t begin, std::size_t end, std::vector<std::uint8_t>& out) {
  for (std::size_t i = begin; i < end; ++i) {
    const Id& id = storage.item(i).id;
    out.insert(out.end(), id.begin(), id.end());
  }
}

// Our description of items [lower, upper), whose range ends at upper_bound
// (the reference's splitRange): an IdList when small, else 16 Fingerprint
// ranges. Each bucket ends at the shortest bound between its last item and
// the next bucket's first, the last one at upper_bound.
void split_range(const SortedItems& storage, std::size_t lower, std::size_t upper, const Bound& upper_bound,
                 BoundWriter& writer, std::vector<std::uint8_t>& out) {
  const std::size_t count = upper - lower;
  if (count < kIdListThreshold) {
    writer.write(upper_bound, out);
    append_mode(Mode::kIdList, out);
    append_varint(count, out);
    append_ids(storage, lower, upper, out);
    return;
  }
  const std::size_t per_bucket = count / kBuckets;
  const std::size_t with_extra = count % kBuckets;  // the first buckets take one more item
  std::size_t curr = lower;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    const std::size_t bucket = per_bucket + (i < with_extra ? 1 : 0);
    const Fingerprint fp = storage.fingerprint(curr, curr + bucket);
    curr += bucket;
    const Bound next = curr == upper ? upper_bound : minimal_bound(storage.item(curr - 1), storage.item(curr));
    writer.write(next, out);
    append_mode(Mode::kFingerprint, out);
    out.insert(out.end(), fp.begin(), fp.end());
  }
}

// Client side of an IdList range: which of our ids in [lower, upper) the
// server did not list (have, in our storage order), and which listed ids we
// lack (need, each once however often the server repeated it, in the order
// the server listed them). The server lists a range in its storage order,
// (timestamp, id), so a dialler fetches oldest first: an author's admission
// before what the author wrote, and notes in the order their rows' keys
// grow. The reference leaves this order unspecified (an unordered set), so
// nothing that checks against it depends on it.
void diff_id_list(const SortedItems& storage, std::size_t lower, std::size_t upper,
                  std::span<const std::uint8_t> their_bytes, std::vector<Id>& have, std::vector<Id>& need) {
  std::vector<Id> listed(their_bytes.size() / kIdSize);
  for (std::size_t i = 0; i < listed.size(); ++i) {
    std::copy_n(their_bytes.begin() + static_cast<std::ptrdiff_t>(i * kIdSize), kIdSize, listed[i].begin());
  }
  std::vector<Id> theirs = listed;
  std::sort(theirs.begin(), theirs.end());
  theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());

  std::vector<Id> ours;
  ours.reserve(upper - lower);
  for (std::size_t i = lower; i < upper; ++i) {
    const Id& id = storage.item(i).id;
    if (!std::binary_search(theirs.begin(), theirs.end(), id)) have.push_back(id);
    ours.push_back(id);
  }
  std::sort(ours.begin(), ours.end());
  // Emitted once each: `done[i]` marks theirs[i] as listed already.
  std::vector<bool> done(theirs.size(), false);
  for (const Id& id : listed) {
    const auto i = static_cast<std::size_t>(std::lower_bound(theirs.begin(), theirs.end(), id) - theirs.begin());
    if (done[i]) continue;
    done[i] = true;
    if (!std::binary_search(ours.begin(), ours.end(), id)) need.push_back(id);
  }
}

}  // namespace

bool describes_empty_set(std::span<const std::uint8_t> message) {
  MessageReader in(message);
  auto version = in.byte();
  if (!version || *version != kProtocolVersion) return false;
  auto bound = in.bound();
  if (!bound || !(*bound == Bound::infinity())) return false;
  auto mode = in.mode();
  if (!mode || *mode != Mode::kIdList) return false;
  auto count = in.varint();
  return count && *count == 0 && in.at_end();
}

core::Result<Negentropy> Negentropy::make(const SortedItems& storage, std::uint64_t frame_size_limit) {
  if (!storage.sealed()) {
    return core::fail<core::ErrorId::kReconcileNotSealed>(core::Errc::kInvalidArgument);
  }
  if (frame_size_limit != 0 && (frame_size_limit < kMinFrameSizeLimit || frame_size_limit > kMaxMessageSize)) {
    return core::fail<core::ErrorId::kReconcileFrameLimitRange>(core::Errc::kInvalidArgument);
  }
  return Negentropy(storage, frame_size_limit);
}

tl::unexpected<core::Error> Negentropy::latch(core::Error error) {
  if (!failed_) failed_ = std::move(error);
  return tl::unexpected(*failed_);
}

core::Result<void> Negentropy::take_role(Role role) {
  if (failed_) return tl::unexpected(*failed_);
  if (role_ == Role::kNone || role_ == role) {
    role_ = role;
    return {};
  }
  return latch(role == Role::kClient
                   ? core::make_error<core::ErrorId::kReconcileServerAsClient>(core::Errc::kInvalidArgument)
                   : core::make_error<core::ErrorId::kReconcileClientAnswering>(core::Errc::kInvalidArgument));
}

core::Result<std::vector<std::uint8_t>> Negentropy::initiate() {
  if (failed_) return tl::unexpected(*failed_);
  if (role_ != Role::kNone) {
    return latch(core::make_error<core::ErrorId::kReconcileInitiateOnce>(core::Errc::kInvalidArgument));
  }
  role_ = Role::kClient;
  // The whole space, [0, infinity), described like any range we disagree
  // about: at most 16 fingerprints or 31 ids, far below any frame limit.
  std::vector<std::uint8_t> out{kProtocolVersion};
  BoundWriter writer;
  split_range(*storage_, 0, storage_->size(), Bound::infinity(), writer, out);
  return out;
}

core::Result<std::vector<std::uint8_t>> Negentropy::reconcile(std::span<const std::uint8_t> query) {
  TUMAR_TRY(take_role(Role::kServer));
  auto out = answer(query, nullptr);
  if (!out) return latch(out.error());
  return out;
}

core::Result<std::optional<std::vector<std::uint8_t>>> Negentropy::reconcile(std::span<const std::uint8_t> reply,
                                                                            std::vector<Id>& have_ids,
                                                                            std::vector<Id>& need_ids) {
  if (failed_) return tl::unexpected(*failed_);
  if (role_ != Role::kClient) {
    return latch(core::make_error<core::ErrorId::kReconcileReplyBeforeInitiate>(core::Errc::kInvalidArgument));
  }
  Found found;
  auto out = answer(reply, &found);
  if (!out) return latch(out.error());
  have_ids.insert(have_ids.end(), found.have.begin(), found.have.end());
  need_ids.insert(need_ids.end(), found.need.begin(), found.need.end());
  // Only the version byte: every range was settled, nothing left to ask.
  if (out->size() == 1) return std::optional<std::vector<std::uint8_t>>();
  return std::optional<std::vector<std::uint8_t>>(std::move(*out));
}

// One pass over a peer's message, ranges in order, answering each (the
// reference's reconcileAux). `found` is null on the server, which answers
// an IdList with its own ids instead of working out differences.
core::Result<std::vector<std::uint8_t>> Negentropy::answer(std::span<const std::uint8_t> message, Found* found) {
  const bool client = found != nullptr;
  if (message.size() > kMaxMessageSize) {
    return core::fail<core::ErrorId::kReconcileMessageTooLarge>(core::Errc::kLimit);
  }
  MessageReader in(message);
  std::vector<std::uint8_t> out{kProtocolVersion};

  TUMAR_TRY_ASSIGN(version, in.byte());
  if (version < kProtocolVersionMin || version > kProtocolVersionMax) {
    return core::fail<core::ErrorId::kReconcileNoVersion>(core::Errc::kProtocol);
  }
  if (version != kProtocolVersion) {
    // "If a server receives a message with a protocol version that it cannot
    // handle, it should reply with a single byte containing the highest
    // protocol version it supports."
    if (!client) return out;
    return core::fail<core::ErrorId::kReconcileVersion>(core::Errc::kProtocol, version - kProtocolVersionMin);
  }

  const SortedItems& storage = *storage_;
  const std::size_t size = storage.size();
  BoundWriter writer;             // one timestamp delta chain per outgoing message
  Bound prev_bound;               // lower bound of the current range: (0, empty id) at first
  std::size_t prev_index = 0;
  std::size_t written_index = 0;  // our index where the last range in `out` ends
  bool skip = false;              // ranges since prev_bound need no answer yet
  std::vector<std::uint8_t> part; // the answer to the current range

  while (!in.at_end()) {
    part.clear();
    // Ranges we agree on are not answered one by one: a run of them becomes
    // a single Skip range, written only when something follows it.
    auto flush_skip = [&] {
      if (!skip) return;
      skip = false;
      writer.write(prev_bound, part);
      append_mode(Mode::kSkip, part);
    };

    TUMAR_TRY_ASSIGN(curr_bound, in.bound());
    // "Ranges are always adjacent", in ascending order; an empty range (an
    // upper bound equal to the lower) is something the reference can send.
    if (curr_bound < prev_bound) {
      return core::fail<core::ErrorId::kReconcileRangesOutOfOrder>(core::Errc::kProtocol);
    }
    // No item carries the infinity timestamp, so no honest bound lies past
    // (infinity, empty prefix); one that does (a prefix after the 0 that
    // encodes infinity, or deltas that saturate) would be followed by our
    // closing range at infinity, and our answer would go backwards.
    if (Bound::infinity() < curr_bound) {
      return core::fail<core::ErrorId::kReconcileRangePastInfinity>(core::Errc::kProtocol);
    }
    TUMAR_TRY_ASSIGN(mode, in.mode());

    const std::size_t lower = prev_index;
    std::size_t upper = storage.lower_bound(prev_index, size, curr_bound);

    if (mode == Mode::kSkip) {
      skip = true;
    } else if (mode == Mode::kFingerprint) {
      TUMAR_TRY_ASSIGN(theirs, in.bytes(kFingerprintSize));
      const Fingerprint ours = storage.fingerprint(lower, upper);
      if (std::equal(ours.begin(), ours.end(), theirs.begin())) {
        skip = true;
      } else {
        flush_skip();
        split_range(storage, lower, upper, curr_bound, writer, part);
      }
    } else {  // Mode::kIdList
      TUMAR_TRY_ASSIGN(count, in.varint());
      // Checked against what is left before reading or allocating anything.
      if (count > in.remaining() / kIdSize) {
        return core::fail<core::ErrorId::kReconcileTooManyIds>(core::Errc::kProtocol);
      }
      TUMAR_TRY_ASSIGN(ids, in.bytes(static_cast<std::size_t>(count) * kIdSize));

      if (client) {
        diff_id_list(storage, lower, upper, ids, found->have, found->need);
        skip = true;
      } else {
        // The server answers with every id it holds in the range, cut short
        // at the frame limit; the cut becomes this range's end, and the rest
        // goes into the closing fingerprint below.
        flush_skip();
        Bound end_bound = curr_bound;
        std::size_t sent = 0;
        for (std::size_t i = lower; i < upper; ++i) {
          if (fails_frame_limit(frame_size_limit_, out.size() + sent * kIdSize)) {
            end_bound = Bound::at(storage.item(i));
            upper = i;
            break;
          }
          ++sent;
        }
        writer.write(end_bound, part);
        append_mode(Mode::kIdList, part);
        append_varint(sent, part);
        append_ids(storage, lower, lower + sent, part);
        out.insert(out.end(), part.begin(), part.end());
        part.clear();
        written_index = upper;
      }
    }

    if (fails_frame_limit(frame_size_limit_, out.size() + part.size())) {
      // The remaining range. At the frame limit the reference stops and
      // closes the message with one Fingerprint range from its last written
      // bound to infinity, so the peer splits what is left and asks again.
      // It fingerprints its items from `upper` on; we fingerprint all our
      // items from that last written bound on, which is the range the peer
      // compares against. The size is the same; the reference's choice can
      // match the peer's while the unanswered range still differs, and that
      // range is then never reconciled (docs/RECONCILIATION.md; test
      // NegentropyTest.ACutAnswerLeavesTheUnansweredRangeOpen).
      const Fingerprint rest = storage.fingerprint(written_index, size);
      writer.write(Bound::infinity(), out);
      append_mode(Mode::kFingerprint, out);
      out.insert(out.end(), rest.begin(), rest.end());
      break;
    }
    if (!part.empty()) {
      out.insert(out.end(), part.begin(), part.end());
      written_index = upper;
    }
    prev_index = upper;
    prev_bound = curr_bound;
  }

  // Only reachable without a frame limit, with millions of ids to send.
  if (out.size() > kMaxMessageSize) {
    return core::fail<core::ErrorId::kReconcileAnswerTooLarge>(core::Errc::kLimit);
  }
  return out;
}

}  // namespace tumar::reconcile
