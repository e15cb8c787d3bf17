#pragma once
// Sizes and counts every object must respect (docs/NETWORKS.md, "Envelopes" and
// "Kinds and who may write them"). Checked on the encoded envelope before anything is decoded or
// decrypted, and again field by field after: a peer cannot make a node store
// or index more than these.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/peers/peer_address.hpp"

namespace tumar::network {

inline constexpr std::size_t kMaxEnvelopeLen = 64 * 1024;
inline constexpr std::size_t kMaxHeaderLen = 192;  // 9 small fields; a v2 header is at most ~170 bytes
inline constexpr std::size_t kMaxPayloadLen = kMaxEnvelopeLen - 1024;
static_assert(kMaxHeaderLen + kMaxPayloadLen + 24 + 16 + 64 + 16 <= kMaxEnvelopeLen);

inline constexpr std::size_t kMaxNetworkNameBytes = 80;
inline constexpr std::size_t kMaxNameBytes = 80;           // display name, organisation, region
inline constexpr std::size_t kMaxContactBytes = 300;
inline constexpr std::size_t kMaxListItems = 16;           // languages, services, tags
inline constexpr std::size_t kMaxListItemBytes = 40;
inline constexpr std::size_t kMaxProfileAddresses = 4;      // a node's addresses in its profile
inline constexpr std::size_t kOnionClientKeyBytes = 32;     // x25519 public key (MemberProfile.onion_client_key)
inline constexpr std::size_t kMaxNoteTitleBytes = 200;
inline constexpr std::size_t kMaxNoteBodyBytes = 32 * 1024;
inline constexpr std::size_t kMaxBroadcastBytes = 4 * 1024;
inline constexpr std::size_t kMaxEpochs = 1024;            // keys in one grant
static_assert(kMaxNoteBodyBytes + kMaxNoteTitleBytes + kMaxContactBytes + kMaxListItems * (kMaxListItemBytes + 2) +
                  kMaxNameBytes + 64 <= kMaxPayloadLen);
static_assert(3 * kMaxNameBytes + kMaxContactBytes + 2 * kMaxListItems * (kMaxListItemBytes + 2) +
                  kMaxProfileAddresses * (peers::kMaxHostLen + 8) + kOnionClientKeyBytes + 66 <= kMaxPayloadLen);
static_assert(kMaxEpochs * 40 + 80 <= kMaxPayloadLen);

// Direct messages (docs/PROTOCOL.md, "Direct messages: in the network").
// A bundle holds at most one dedicated one-time prekey per other member, for
// this many members (the rest start sessions without one).
inline constexpr std::size_t kMaxDedicatedPrekeys = 512;
static_assert(kMaxDedicatedPrekeys * 80 + 200 <= kMaxPayloadLen);
// A ratchet message: its prefix (297 bytes at most, core/ratchet) plus the
// largest padding bucket (16 KiB) and tag, with room to spare.
inline constexpr std::size_t kMaxDirectMessageBytes = 17 * 1024;
// What the sender writes, and the receipts one message may carry; together
// they fit the largest padding bucket.
inline constexpr std::size_t kMaxDirectTextBytes = 8 * 1024;
inline constexpr std::size_t kMaxReceiptIds = 128;
inline constexpr std::size_t kDirectMessageIdLen = 16;
static_assert(kMaxDirectTextBytes + 4 + 2 * kMaxReceiptIds * (kDirectMessageIdLen + 2) + 64 < 16 * 1024);

// Epochs, timestamps, revision clocks and expiry times are stored in SQLite
// as signed 64-bit integers: anything above this would compare differently
// in SQL and in C++, so it is refused on the wire.
inline constexpr std::uint64_t kMaxCounter = static_cast<std::uint64_t>(INT64_MAX);

// An object stamped further than this in the author's future is refused: it
// would sort after everything and stay "newest" for as long as it likes.
inline constexpr std::uint64_t kMaxClockSkewMs = 10 * 60 * 1000;

// A note not verified for this long is listed as stale.
inline constexpr std::uint32_t kStaleAfterDays = 90;

}  // namespace tumar::network
