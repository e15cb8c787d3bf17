#include "core/crypto/sealed_box.hpp"

#include <sodium.h>

#include <array>
#include <cstring>

#include "core/crypto/secret.hpp"
#include "core/crypto/sodium.hpp"
#include "core/error.hpp"

namespace tumar::crypto {

static_assert(kSealedBoxOverhead == crypto_box_SEALBYTES);
static_assert(kSealedBoxPublicKeyLen == crypto_box_PUBLICKEYBYTES);

bool seal_box(std::span<const std::uint8_t> plain, std::span<const std::uint8_t, kSealedBoxPublicKeyLen> recipient,
              RandomSource& rng, std::span<std::uint8_t> out) {
  ensure_sodium();
  if (out.size() != plain.size() + kSealedBoxOverhead) core::misuse("crypto::seal_box: output size");
  Secret<crypto_box_SECRETKEYBYTES> esk;
  rng.fill(esk.span());
  std::uint8_t* epk = out.data();
  if (crypto_scalarmult_base(epk, esk.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return false;
  }
  std::array<std::uint8_t, crypto_box_NONCEBYTES> nonce{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, nonce.size());
  crypto_generichash_update(&st, epk, kSealedBoxPublicKeyLen);
  crypto_generichash_update(&st, recipient.data(), recipient.size());
  crypto_generichash_final(&st, nonce.data(), nonce.size());
  if (crypto_box_easy(out.data() + kSealedBoxPublicKeyLen, plain.data(), plain.size(), nonce.data(),
                      recipient.data(), esk.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return false;
  }
  return true;
}

}  // namespace tumar::crypto
