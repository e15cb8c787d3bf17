#include "core/network/epoch_subkeys.hpp"

#include <sodium.h>

#include <cstdlib>

#include "core/crypto/sodium.hpp"

namespace tumar::network {
namespace {

static_assert(crypto_kdf_CONTEXTBYTES == sizeof(kEnvelopeKeyContext) - 1);
static_assert(crypto_kdf_KEYBYTES == 32 && crypto_kdf_BYTES_MIN <= 32 && 32 <= crypto_kdf_BYTES_MAX);

crypto::Secret<32> derive(const crypto::Secret<32>& epoch_key, const char* context) {
  crypto::ensure_sodium();
  crypto::Secret<32> sub;
  if (crypto_kdf_derive_from_key(sub.data(), crypto::Secret<32>::kSize, kEpochSubkeyId, context, epoch_key.data()) != 0) {
    std::abort();  // only for sizes out of range, which the static_asserts exclude
  }
  return sub;
}

}  // namespace

crypto::Secret<32> envelope_key(const crypto::Secret<32>& epoch_key) { return derive(epoch_key, kEnvelopeKeyContext); }

crypto::Secret<32> recipient_tag_key(const crypto::Secret<32>& epoch_key) {
  return derive(epoch_key, kRecipientTagKeyContext);
}

}  // namespace tumar::network
