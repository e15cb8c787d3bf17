#pragma once
// A member's published prekeys, as X3DH wants them from us: the newest
// PREKEYS object they wrote (highest lamport, then id), its signed prekey,
// and the one-time prekey dedicated to us if there is one and we have not
// used it before. The identity comes from the directory's admission (signed
// by a lead), not from the bundle; verify_bundle then checks the binding
// and the signed prekey's signature.

#include <optional>

#include "core/network/directory.hpp"
#include "core/network/replica.hpp"
#include "core/ratchet/prekeys.hpp"

namespace tumar::direct {

// nullopt if the member has published none that we can read.
core::Result<std::optional<ratchet::PrekeyBundle>> peer_bundle(network::NetworkReplica& replica,
                                                               const network::NetworkId& net,
                                                               const network::MemberRecord& peer,
                                                               const identity::IdentityKey& me);

}  // namespace tumar::direct
