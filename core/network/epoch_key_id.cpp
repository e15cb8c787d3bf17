#include "core/network/epoch_key_id.hpp"

#include <sodium.h>

namespace tumar::network {

static_assert(sizeof(kKeyIdContext) - 1 == crypto_kdf_CONTEXTBYTES);
static_assert(kKeyIdLen >= crypto_kdf_BYTES_MIN && kKeyIdLen <= crypto_kdf_BYTES_MAX);
static_assert(crypto_kdf_KEYBYTES == 32);

KeyId epoch_key_id(const crypto::Secret<32>& key) {
  KeyId id{};
  crypto_kdf_derive_from_key(id.data(), id.size(), kKeyIdSubkey, kKeyIdContext, key.data());
  return id;
}

}  // namespace tumar::network
