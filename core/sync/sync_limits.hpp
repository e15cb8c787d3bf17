#pragma once
// The limits of a sync session (docs/PROTOCOL.md, "Sync"). The wire format's
// k-constants live beside the strict decoder that refuses anything beyond
// them (core/session/wire_limits.hpp); SyncLimits holds what one node may
// choose for itself, always within them.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/reconcile/negentropy.hpp"
#include "core/session/session_limits.hpp"
#include "core/session/wire_limits.hpp"

namespace tumar::sync {

// The wire format's limits (session/wire_limits.hpp, beside the codec that
// enforces them): ids, envelopes, WantObjects and Objects sizes, Negentropy.
using session::kIdLen;
using session::kMaxEnvelopeLen;
using session::kMaxEnvelopesPerObjects;
using session::kMaxNegentropyLen;
using session::kMaxWantIds;

// Bytes of envelopes a sender puts in one Objects message. With the
// per-envelope framing (tag + 3-byte length) and the message's own fields
// it stays well below the session's 1 MiB message limit.
inline constexpr std::size_t kObjectsBatchBytes = std::size_t{512} << 10;

// What one Objects message can cost beyond its envelopes: per envelope a tag
// and a length of at most 3 bytes (64 KiB < 2^21); the network id field
// (2 + 32), the kind (2) and the WireMessage tag and length (1 + 3).
inline constexpr std::size_t kObjectsOverhead = kMaxEnvelopesPerObjects * 4 + 34 + 2 + 4;

static_assert(kMaxEnvelopeLen <= kObjectsBatchBytes, "one envelope must always fit in a batch");
static_assert(kMaxEnvelopeLen < (std::size_t{1} << 21), "an envelope's length must fit in a 3-byte varint");
static_assert(kObjectsBatchBytes + kObjectsOverhead <= session::kDefaultMaxMessageLen * 3 / 4,
              "an Objects message must stay well below the session's message limit");
static_assert(kMaxNegentropyLen + 34 + 4 + 4 <= session::kDefaultMaxMessageLen / 16,
              "a Reconcile message must stay well below the session's message limit");
static_assert(kMaxNegentropyLen >= reconcile::kMinFrameSizeLimit);
static_assert(kMaxWantIds * (kIdLen + 2) + 34 + 4 <= 4096, "a WantObjects message is small");

inline constexpr std::size_t kMaxWantsInFlight = 256;

struct SyncLimits {
  // Frame size limit handed to Negentropy: no Reconcile we send carries more.
  std::size_t negentropy_frame_limit = 60000;
  // Ids per WantObjects we send (the peer accepts up to kMaxWantIds).
  std::size_t want_batch = kMaxWantIds;
  // Envelope bytes per Objects message we send, kMaxEnvelopeLen..kObjectsBatchBytes.
  std::size_t objects_batch_bytes = kObjectsBatchBytes;
  // Initiator: answers to our WantObjects are stored in one transaction per
  // this many envelopes (or envelope bytes, whichever comes first), not one
  // per answer. A new member's first sync stores objects whose ids are
  // random: each object dirties a leaf of the object-id index, so a commit
  // of 64 objects writes (and seals, and later checkpoints) ~64 leaf pages
  // of it, where one of 4,096 writes far fewer per object, since
  // neighbours share leaves (docs/PERFORMANCE.md, "A new member's initial
  // sync"). What waits uncommitted is at most this much; a connection lost
  // meanwhile loses it, and the next sync fetches it again.
  std::size_t ingest_batch = 4096;
  std::size_t ingest_batch_bytes = std::size_t{4} << 20;
  // Initiator: WantObjects outstanding at once, 1..kMaxWantsInFlight. 64
  // of 64 ids is one ingest batch: while we verify and store a batch, the
  // peer reads and sends the next one, and no round trip is waited for.
  // With one outstanding, each side waited for the other: a new member's
  // sync ran at the sum of both nodes' times plus a round trip per 64
  // objects (docs/PERFORMANCE.md). The peer answers in order and stops
  // reading while its answers queue unsent (net/connection.hpp), so this
  // costs it no unbounded memory; ours holds at most ingest_batch_bytes
  // plus the message being read.
  std::size_t wants_in_flight = 64;
  // Initiator: a new round starts this long after the last one finished.
  std::chrono::milliseconds resync_interval{180'000};
  // Initiator: a request (query, WantObjects, HAVE batch) not answered in
  // this time, with no part of its answer arriving either, closes the
  // session. The session's idle timeout only catches a silent peer; this
  // catches one that talks but never answers.
  std::chrono::milliseconds request_timeout{120'000};
  // Objects the replica rejected in one session before it closes: one bad
  // object does not stop a sync, a stream of them does.
  std::uint64_t max_rejected = 1000;
  // Networks a responder refuses in one session before it closes: an honest
  // dialler asks only about networks it believes are shared.
  std::uint64_t max_refused = 64;
  // Responder: round starts per network in one session, as a bucket that
  // holds round_start_burst and gains one per round_start_refill. Every
  // round start costs us a read and sort of all the network's items (and
  // 100,000 of them take a good part of a second), so a member starting
  // rounds in a loop could keep our disk and a core busy; past the bucket
  // the session closes (kLimit). An honest dialler starts one on connect,
  // one per resync_interval, and one at once after a round cut short that
  // moved objects, and such a round fetched up to max_need_ids objects,
  // seconds of work or more. A fast dialler fetching more than about
  // 4 million objects in one session can empty the bucket; it is cut off
  // and its next session resumes, with what it stored kept. The bucket is
  // per session: a member reconnecting gets a new one, at the price of a
  // handshake and within the transport's connection limits, so this stops
  // a loop on one connection, not a member set on wasting our time.
  std::uint64_t round_start_burst = 8;
  std::chrono::milliseconds round_start_refill{10'000};
  // Initiator: Negentropy round trips in one network's reconciliation, and
  // ids it may find we lack, per round. Past either, the round stops
  // reconciling, fetches what it found and the next round (at once, if this
  // one moved any object) reconciles the rest: memory stays bounded (32
  // bytes per id) and a peer that keeps a reconciliation going or invents
  // ids gains nothing.
  std::uint64_t max_reconcile_steps = 4096;
  std::size_t max_need_ids = std::size_t{1} << 18;
  // Object ids remembered for push de-duplication (oldest forgotten
  // first; forgetting costs at most a duplicate push, never a lost object).
  std::size_t seen_capacity = 16384;
};

// Aborts on a nonsensical configuration (programmer misuse, not peer input).
void check_limits(const SyncLimits& limits);

}  // namespace tumar::sync
