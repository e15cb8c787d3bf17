#pragma once
// Who a running node lets in after the Noise handshake has proved a peer's
// identity (docs/PROTOCOL.md, "Admission"): a current member of a network we are
// in, a peer on the allow list (`tumar peer add`), or someone presenting a
// valid, unused, unexpired invite to one of our networks — in which case
// this node, which must be a lead there, admits them into the network on
// the spot: it signs their admission and grants them the epoch keys, so the
// sync that follows on the same connection brings them the whole network.
// An invitee whose invite proof says another kind of profile than the
// network's (a demo profile at a real network, or the reverse) is refused
// before the invite is marked used.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/noise/handshake_payload.hpp"

namespace tumar::network {

class NodeAdmission {
 public:
  // All references must outlive this object.
  NodeAdmission(NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng)
      : replica_(replica), me_(me), rng_(rng) {}

  // The peer may come in: the envelopes an invite admission wrote (its
  // admission and grants, for the node to flood to its other peers; empty
  // otherwise). kRefused, with the reason for the debug log only, to turn
  // it away.
  [[nodiscard]] core::Result<std::vector<std::vector<std::uint8_t>>> admit(
      const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>& invite,
      std::uint64_t now_ms);

 private:
  core::Result<std::vector<std::vector<std::uint8_t>>> redeem(const identity::VerifiedIdentity& peer,
                                                              const noise::PresentedInvite& invite,
                                                              std::uint64_t now_ms);

  NetworkReplica& replica_;
  const identity::LocalIdentity& me_;
  crypto::RandomSource& rng_;
};

}  // namespace tumar::network
