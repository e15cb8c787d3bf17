#include "core/identity/identity.hpp"

#include <cstdio>
#include <cstring>
#include <vector>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"

namespace tumar::identity {

static_assert(kIdentityKeySize == crypto_sign_PUBLICKEYBYTES);
static_assert(kIdentitySecretSize == crypto_sign_SECRETKEYBYTES);
static_assert(kNoiseKeySize == crypto_scalarmult_BYTES);
static_assert(kNoiseKeySize == crypto_scalarmult_SCALARBYTES);
static_assert(kSignatureSize == crypto_sign_BYTES);

namespace {

std::vector<std::uint8_t> binding_message(const NoiseKey& noise_key) {
  std::vector<std::uint8_t> msg(sizeof(kBindingContext) - 1 + noise_key.size());
  std::memcpy(msg.data(), kBindingContext, sizeof(kBindingContext) - 1);
  std::memcpy(msg.data() + sizeof(kBindingContext) - 1, noise_key.data(), noise_key.size());
  return msg;
}

}  // namespace

bool verify_signature(const IdentityKey& key, std::span<const std::uint8_t> message,
                      const Signature& signature) {
  crypto::ensure_sodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

core::Result<VerifiedIdentity> verify_binding(const PublicIdentity& id) {
  if (!verify_signature(id.identity_key, binding_message(id.noise_key), id.binding_signature)) {
    return core::fail<core::ErrorId::kIdentityBindingUnsigned>(core::Errc::kRefused);
  }
  return VerifiedIdentity(id);
}

LocalIdentity LocalIdentity::generate(crypto::RandomSource& rng) {
  crypto::ensure_sodium();
  LocalIdentity id;
  crypto::Secret<crypto_sign_SEEDBYTES> seed;
  rng.fill(seed.span());
  crypto_sign_seed_keypair(id.public_.identity_key.data(), id.identity_secret_.data(), seed.data());
  rng.fill(id.noise_secret_.span());
  crypto_scalarmult_base(id.public_.noise_key.data(), id.noise_secret_.data());
  id.public_.binding_signature = id.sign(binding_message(id.public_.noise_key));
  return id;
}

core::Result<LocalIdentity> LocalIdentity::from_secrets(const crypto::Secret<kIdentitySecretSize>& identity_secret,
                                                        const crypto::Secret<kNoiseKeySize>& noise_secret) {
  crypto::ensure_sodium();
  LocalIdentity id;
  std::memcpy(id.identity_secret_.data(), identity_secret.data(), kIdentitySecretSize);
  std::memcpy(id.noise_secret_.data(), noise_secret.data(), kNoiseKeySize);
  // An Ed25519 secret key is seed || public key; recompute the public key from
  // the seed and insist it matches, so a corrupted record is caught here.
  crypto::Secret<crypto_sign_SEEDBYTES> seed;
  crypto::Secret<kIdentitySecretSize> recomputed;
  crypto_sign_ed25519_sk_to_seed(seed.data(), identity_secret.data());
  crypto_sign_seed_keypair(id.public_.identity_key.data(), recomputed.data(), seed.data());
  if (!crypto::constant_time_equal(recomputed.span(), identity_secret.span())) {
    return core::fail<core::ErrorId::kIdentityStoredKeyDamaged>(core::Errc::kCorrupt);
  }
  if (crypto_scalarmult_base(id.public_.noise_key.data(), id.noise_secret_.data()) != 0) {
    return core::fail<core::ErrorId::kIdentityStoredNoiseKeyDamaged>(core::Errc::kCorrupt);
  }
  id.public_.binding_signature = id.sign(binding_message(id.public_.noise_key));
  return id;
}

Signature LocalIdentity::sign(std::span<const std::uint8_t> message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), identity_secret_.data());
  return sig;
}

std::string fingerprint(const IdentityKey& key) {
  crypto::ensure_sodium();
  // Signal's NumericFingerprint: hash = H(version || key), then 5,200 rounds of
  // hash = H(hash || key), so finding a second key with the same digits costs
  // 5,200 hashes per try. Six 5-byte chunks → six 5-digit groups.
  static constexpr char kVersion[] = "tumar/fingerprint/v1";
  static constexpr int kIterations = 5200;
  std::uint8_t hash[crypto_generichash_BYTES_MAX];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof hash);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kVersion), sizeof(kVersion) - 1);
  crypto_generichash_update(&st, key.data(), key.size());
  crypto_generichash_final(&st, hash, sizeof hash);
  for (int i = 0; i < kIterations; ++i) {
    crypto_generichash_init(&st, nullptr, 0, sizeof hash);
    crypto_generichash_update(&st, hash, sizeof hash);
    crypto_generichash_update(&st, key.data(), key.size());
    crypto_generichash_final(&st, hash, sizeof hash);
  }
  std::string out;
  for (int chunk = 0; chunk < 6; ++chunk) {
    std::uint64_t v = 0;
    for (int b = 0; b < 5; ++b) v = (v << 8) | hash[chunk * 5 + b];
    char group[8];
    std::snprintf(group, sizeof group, "%05u", static_cast<unsigned>(v % 100000));
    if (chunk != 0) out.push_back(' ');
    out += group;
  }
  return out;
}

}  // namespace tumar::identity
