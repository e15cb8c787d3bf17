#pragma once
// Negentropy protocol v1: range-based set reconciliation, sans-I/O
// (docs/negentropy-protocol-v1.md; docs/RECONCILIATION.md for how tumar
// uses it). Two sides each hold a SortedItems; the client sends a message,
// the server answers, and so on until the client has learnt which ids only
// it has (have_ids) and which only the server has (need_ids).
//
//   client: initiate() -> q1        server: reconcile(q1) -> r1
//   client: reconcile(r1, have, need) -> q2 | nullopt (done)   ...
//
// Messages, bucket splitting and frame-size handling follow the reference
// implementation (hoytech/negentropy, cpp/negentropy.h) so that message
// sizes match it; the one deliberate difference is named in negentropy.cpp
// ("The remaining range").
//
// No I/O, clock or randomness. Every error is final: once a call has
// failed, each later call returns the same error.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/reconcile/item.hpp"
#include "core/reconcile/message_codec.hpp"
#include "core/reconcile/sorted_items.hpp"

namespace tumar::reconcile {

// The reference refuses smaller frame limits: below this a message could
// not carry one full split (16 fingerprints) plus the 200-byte margin.
inline constexpr std::uint64_t kMinFrameSizeLimit = 4096;
// Room kept below the frame limit for what is added after the limit check
// (the reference's "frameSizeLimit - 200").
inline constexpr std::uint64_t kFrameSizeMargin = 200;

// The largest message accepted from a peer, and the largest we will send
// when the frame limit is 0 ("unlimited"). 64 MiB carries an IdList of two
// million ids; with a frame limit no message comes near it.
inline constexpr std::size_t kMaxMessageSize = std::size_t{64} << 20;
// An IdList's length is checked against the bytes left in the message
// before anything is read or allocated; this is the bound that implies.
inline constexpr std::size_t kMaxIdsPerIdList = kMaxMessageSize / kIdSize;

static_assert(kMinFrameSizeLimit <= kMaxMessageSize);
// After the limit check a message may still grow by: one more id (32), a
// Skip bound and an IdList bound (2 x (10 + 1 + 32)), a mode (1) and an
// id count (10), then the closing Fingerprint range (1 + 1 + 1 + 16).
static_assert(kFrameSizeMargin >= 32 + 2 * (10 + 1 + 32) + 1 + 10 + (1 + 1 + 1 + 16),
              "the margin must cover everything appended after the frame-limit check");

// Whether a client's first message says it holds nothing at all: one range
// up to infinity, an IdList of no ids (what initiate() sends for an empty
// set, as the reference does). A server may then send what the client
// needs first, before it is asked (docs/PROTOCOL.md, "A round", a joining member).
// Malformed input is simply not such a message.
bool describes_empty_set(std::span<const std::uint8_t> message);

class Negentropy {
 public:
  // `storage` must be sealed and outlive this object. frame_size_limit is 0
  // (no limit) or in [kMinFrameSizeLimit, kMaxMessageSize]: no message this
  // object produces is longer. kInvalidArgument otherwise.
  [[nodiscard]] static core::Result<Negentropy> make(const SortedItems& storage, std::uint64_t frame_size_limit);

  // Client: the first message. Makes this object the client; once only.
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> initiate();

  // Server: the answer to a client's message. An object that has answered
  // is a server and cannot initiate. A query in another protocol version
  // (0x60..0x6F) is answered with the single byte 0x61, as the spec asks.
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> reconcile(std::span<const std::uint8_t> query);

  // Client: handles the server's reply. On success appends the ids we have
  // and the server lacks to have_ids, the ids it has and we lack to
  // need_ids, and returns the next message, or nullopt when reconciliation
  // is complete. On error neither vector is touched.
  [[nodiscard]] core::Result<std::optional<std::vector<std::uint8_t>>> reconcile(std::span<const std::uint8_t> reply,
                                                                                std::vector<Id>& have_ids,
                                                                                std::vector<Id>& need_ids);

  bool is_initiator() const noexcept { return role_ == Role::kClient; }

 private:
  enum class Role { kNone, kClient, kServer };
  struct Found;  // have/need ids found while reading one reply

  Negentropy(const SortedItems& storage, std::uint64_t frame_size_limit)
      : storage_(&storage), frame_size_limit_(frame_size_limit) {}

  core::Result<std::vector<std::uint8_t>> answer(std::span<const std::uint8_t> message, Found* found);
  core::Result<void> take_role(Role role);
  tl::unexpected<core::Error> latch(core::Error error);

  const SortedItems* storage_;
  std::uint64_t frame_size_limit_;
  Role role_ = Role::kNone;
  std::optional<core::Error> failed_;
};

}  // namespace tumar::reconcile
