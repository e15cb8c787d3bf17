#pragma once
// Who a direct message is for, as carriers see it (docs/PROTOCOL.md,
// "Direct messages: in the network"):
//
//   tag = BLAKE2b-256(key = recipient-tag key, message = "tumar/dm-tag/v1" || recipient identity key)
//
// where the recipient-tag key is derived from the epoch key
// (epoch_subkeys.hpp), never the epoch key itself. Only holders of the
// epoch key (the network's members) can compute or match it, so an outsider who sees an envelope learns nothing of who it is
// for; a member learns the recipient (and how many messages they get), not
// the sender. It changes with every epoch.

#include "core/crypto/secret.hpp"
#include "core/identity/identity.hpp"

namespace tumar::network {

inline constexpr char kRecipientTagContext[] = "tumar/dm-tag/v1";

identity::IdentityKey recipient_tag(const crypto::Secret<32>& epoch_key, const identity::IdentityKey& recipient);

}  // namespace tumar::network
