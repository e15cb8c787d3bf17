#pragma once
// Our own X3DH prekeys in each network (docs/PROTOCOL.md, "Direct messages:
// in the network"), kept in the encrypted store:
//
//   * one signed prekey, replaced every ratchet::kSignedPrekeyRotation; a
//     replaced one stays usable for ratchet::kSignedPrekeyRetention more
//     (initial messages still in store-and-forward transit), then its
//     private half is deleted — forward secrecy for X3DH (X3DH §4.4);
//   * one dedicated one-time prekey per other current member: with no
//     server to hand each prekey out once, a prekey shared by everyone could
//     be used by two senders and the second one's message would be lost. A
//     used one is deleted at once (accept_initial). At the next ensure(),
//     if any member lacks one (used, or new), every member gets a new one
//     in the same bundle, so the change does not point at whoever wrote to
//     us first; the replaced private halves are retired (stored with sender
//     NULL and created_at = when retired), still usable by a first message
//     in transit for ratchet::kSignedPrekeyRetention, then deleted. A
//     removed member's is deleted.
//
// ensure() publishes a new PREKEYS object whenever the set changed.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/local_author.hpp"
#include "core/network/object_limits.hpp"
#include "core/network/replica.hpp"
#include "core/ratchet/prekeys.hpp"

namespace tumar::direct {

// Retired one-time prekeys are limited by age only (kSignedPrekeyRetention),
// never by count: a count cap would let one member who writes first over
// and over (each time forcing a replacement, which retires one key per
// member) push out a key another member's first message, still in transit,
// was made with, and that message could never be read. The rows this leaves
// are at most members x replacements within 14 days; a replacement needs a
// used or missing dedicated key and happens only in ensure(), which `serve`
// runs hourly and other commands once each, so about 336 replacements plus
// one per command run. For 50 members that is some 20,000 rows of ~150
// bytes. They cost nothing per message: accept_initial loads only the one
// one-time prekey its header names (one_time()), and ensure() reads no
// retired row.

struct OurPrekeys {
  std::vector<ratchet::SignedPrekeyPair> signed_prekeys;   // current first, then retained
  std::vector<ratchet::OneTimePrekeyPair> one_time_prekeys;  // every unused one, published or retired
};

class PrekeyKeeper {
 public:
  PrekeyKeeper(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng)
      : replica_(replica), me_(me), rng_(rng) {}

  // Rotates, tops up and prunes our prekeys in `net` and publishes a new
  // bundle if anything changed (or none was ever published). Returns what
  // it wrote, to push to peers. Nothing if we are not a current member.
  core::Result<std::optional<network::Written>> ensure(const network::NetworkId& net, std::uint64_t now_ms);

  // Every private prekey we hold in `net` (tests and inspection; reading
  // messages uses signed_prekeys() and one_time(), which do not load every
  // retired key).
  core::Result<OurPrekeys> load(const network::NetworkId& net);

  // The current signed prekey and the retained ones, current first.
  core::Result<std::vector<ratchet::SignedPrekeyPair>> signed_prekeys(const network::NetworkId& net);

  // The one-time prekey `id` (dedicated or retired), if we still hold it.
  core::Result<std::optional<ratchet::OneTimePrekeyPair>> one_time(const network::NetworkId& net, std::uint32_t id);

  // Deletes a one-time prekey once an initial message has used it.
  core::Result<void> consume_one_time(const network::NetworkId& net, std::uint32_t id);

 private:
  core::Result<std::uint32_t> next_id(const network::NetworkId& net);
  core::Result<bool> published_before(const network::NetworkId& net);

  network::NetworkReplica& replica_;
  const identity::LocalIdentity& me_;
  crypto::RandomSource& rng_;
};

}  // namespace tumar::direct
