#include "core/network/recipient_tag.hpp"

#include <sodium.h>

#include <cstring>

#include "core/network/epoch_subkeys.hpp"

namespace tumar::network {

identity::IdentityKey recipient_tag(const crypto::Secret<32>& epoch_key, const identity::IdentityKey& recipient) {
  identity::IdentityKey tag{};
  const crypto::Secret<32> key = recipient_tag_key(epoch_key);
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), crypto::Secret<32>::kSize, tag.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kRecipientTagContext),
                            std::strlen(kRecipientTagContext));
  crypto_generichash_update(&st, recipient.data(), recipient.size());
  crypto_generichash_final(&st, tag.data(), tag.size());
  sodium_memzero(&st, sizeof st);  // the state holds the keyed hash's key
  return tag;
}

}  // namespace tumar::network
