#include "core/ratchet/prekeys.hpp"

#include <cstring>
#include <limits>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::ratchet {

namespace {

Key random_private_key(crypto::RandomSource& rng) {
  Key k;
  rng.fill(k.span());
  return k;
}

// A prekey that is all zeros or of low order would make DH2..DH4 public; an
// honest owner never publishes one (X25519 public keys from scalarmult_base
// are never of small order), so such a bundle is forged or corrupt.
bool acceptable_public_key(const PublicKey& key) {
  crypto::ensure_sodium();
  return !sodium_is_zero(key.data(), key.size());
}

}  // namespace

std::vector<std::uint8_t> signed_prekey_message(std::uint32_t id, const PublicKey& key) {
  constexpr std::size_t kContextLen = sizeof(kSignedPrekeyContext) - 1;
  std::vector<std::uint8_t> msg(kContextLen + 4 + key.size());
  std::memcpy(msg.data(), kSignedPrekeyContext, kContextLen);
  store_u32_be(id, msg.data() + kContextLen);
  std::memcpy(msg.data() + kContextLen + 4, key.data(), key.size());
  return msg;
}

SignedPrekeyPair generate_signed_prekey(const identity::LocalIdentity& owner, std::uint32_t id,
                                        crypto::RandomSource& rng) {
  if (id == kNoPrekeyId) core::misuse("ratchet: signed prekey id 0");
  SignedPrekeyPair p{{}, random_private_key(rng)};
  p.pub.id = id;
  p.pub.key = public_of(p.private_key);
  p.pub.signature = owner.sign(signed_prekey_message(id, p.pub.key));
  return p;
}

std::vector<OneTimePrekeyPair> generate_one_time_prekeys(std::uint32_t first_id, std::size_t count,
                                                         crypto::RandomSource& rng) {
  if (first_id == kNoPrekeyId || count > std::numeric_limits<std::uint32_t>::max() - first_id + std::size_t{1}) {
    core::misuse("ratchet: one-time prekey id range");
  }
  std::vector<OneTimePrekeyPair> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    OneTimePrekeyPair p{{}, random_private_key(rng)};
    p.pub.id = static_cast<std::uint32_t>(first_id + i);
    p.pub.key = public_of(p.private_key);
    out.push_back(std::move(p));
  }
  return out;
}

core::Result<VerifiedBundle> verify_bundle(const PrekeyBundle& bundle) {
  auto identity = identity::verify_binding(bundle.identity);
  if (!identity) return tl::unexpected(identity.error());
  const auto& spk = bundle.signed_prekey;
  if (spk.id == kNoPrekeyId || !acceptable_public_key(spk.key) ||
      !identity::verify_signature(bundle.identity.identity_key, signed_prekey_message(spk.id, spk.key),
                                  spk.signature)) {
    return core::fail<core::ErrorId::kRatchetPrekeyUnsigned>(core::Errc::kRefused);
  }
  if (bundle.one_time_prekey &&
      (bundle.one_time_prekey->id == kNoPrekeyId || !acceptable_public_key(bundle.one_time_prekey->key))) {
    return core::fail<core::ErrorId::kRatchetOneTimePrekeyMalformed>(core::Errc::kRefused);
  }
  return VerifiedBundle(bundle);
}

}  // namespace tumar::ratchet
