#pragma once
// Keeps our direct-message prekeys published and fresh in every network we
// are in (core/direct/prekey_keeper.hpp): a first bundle after joining, a
// new signed prekey each week, a new one-time prekey for whoever used one
// and for each new member. Run where a sync is about to carry the result:
// `sync` and `serve` before they connect, `join` after its first sync, and
// `msg send|list`. A failure never fails the command (messages still work
// with what was published before); it is only logged.

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"

namespace tumar::cli {

void refresh_prekeys(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng);

}  // namespace tumar::cli
