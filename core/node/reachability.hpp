#pragma once
// Tells our networks where our node is reached over Tor and which key it
// dials onion services with (docs/PROTOCOL.md, "Onion client
// authorisation"): our member profile in each network gets the onion
// address first in its addresses and our onion client key. Run when the
// onion service is published; a profile that already says exactly this is
// left alone, so a restart writes nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::node {

// For every network where we are a current member and have a profile:
// `onion_address` ("<service id>.onion:PORT", checked) goes first in the
// profile's addresses, replacing any other onion address of ours, the other
// addresses follow (the last dropped past kMaxProfileAddresses), and
// `client_key` is set; every other field is kept. Returns the envelopes
// written, to push; none when every profile already said this. A network
// where we have written no profile yet is skipped (create and join write
// one; the next publication reaches it).
core::Result<std::vector<std::vector<std::uint8_t>>> publish_reachability(network::NetworkReplica& replica,
                                                                          const identity::LocalIdentity& me,
                                                                          crypto::RandomSource& rng,
                                                                          const std::string& onion_address,
                                                                          const tor::ClientAuthPublicKey& client_key,
                                                                          std::uint64_t now_ms);

}  // namespace tumar::node
