#include "core/ratchet/x3dh.hpp"

#include <cstring>

#include <sodium.h>

#include "core/crypto/sealed_box.hpp"
#include "core/crypto/sodium.hpp"
#include "core/error.hpp"
#include "core/error_ids.hpp"
#include "core/ratchet/hkdf.hpp"

namespace tumar::ratchet {

namespace {

static_assert(kKeyLen == crypto_box_PUBLICKEYBYTES && kKeyLen == crypto_box_SECRETKEYBYTES);
static_assert(kSealOverhead == crypto_box_PUBLICKEYBYTES + crypto_box_MACBYTES);

constexpr std::size_t kMaxDhCount = 4;
constexpr std::size_t kFLen = 32;  // §2.2: F = 32 0xFF bytes for X25519
constexpr std::size_t kIkmMaxLen = kFLen + kMaxDhCount * kKeyLen;

tl::unexpected<core::Error> refused() {
  return core::fail<core::ErrorId::kRatchetKeyAgreementFailed>(core::Errc::kRefused);
}

std::span<const std::uint8_t> info(const char* s, std::size_t n_with_nul) {
  return {reinterpret_cast<const std::uint8_t*>(s), n_with_nul - 1};
}

// SK, then RK || HKA || NHKB, from F || DH1 .. DHn (ikm holds F and the DHs).
SharedSecrets derive(std::span<const std::uint8_t> ikm, const identity::PublicIdentity& alice,
                     const identity::PublicIdentity& bob) {
  static constexpr std::array<std::uint8_t, kHmacLen> kZeroSalt{};
  Key sk;
  hkdf(kZeroSalt, ikm, info(kX3dhInfo, sizeof kX3dhInfo), sk.span());
  crypto::Secret<3 * kKeyLen> okm;
  hkdf(kZeroSalt, sk.span(), info(kSessionInitInfo, sizeof kSessionInitInfo), okm.span());
  SharedSecrets s{Key::copy_of(okm.span().subspan<0, kKeyLen>()),
                  Key::copy_of(okm.span().subspan<kKeyLen, kKeyLen>()),
                  Key::copy_of(okm.span().subspan<2 * kKeyLen, kKeyLen>()),
                  {}};
  // AD = Encode(IK_A) || Encode(IK_B), each as Ed25519 key || X25519 key.
  auto* p = s.ad.data();
  for (const auto* id : {&alice, &bob}) {
    std::memcpy(p, id->identity_key.data(), 32);
    std::memcpy(p + 32, id->noise_key.data(), 32);
    p += 64;
  }
  return s;
}

// ikm[kFLen + i*32 ..] = DH(priv, pub); false if the output is all zero.
bool dh_into(crypto::Secret<kIkmMaxLen>& ikm, std::size_t i, const Key& priv, const PublicKey& pub) {
  return dh(priv, pub, std::span<std::uint8_t, kKeyLen>(ikm.data() + kFLen + i * kKeyLen, kKeyLen));
}

}  // namespace

core::Result<X3dhInitiation> x3dh_initiate(const identity::LocalIdentity& me, const VerifiedBundle& verified,
                                           crypto::RandomSource& rng) {
  const PrekeyBundle& b = verified.bundle();
  Key ek;
  rng.fill(ek.span());
  crypto::Secret<kIkmMaxLen> ikm;
  std::memset(ikm.data(), 0xFF, kFLen);
  std::size_t n = 3;
  bool ok = dh_into(ikm, 0, me.noise_secret(), b.signed_prekey.key)  // DH1 = DH(IK_A, SPK_B)
            && dh_into(ikm, 1, ek, b.identity.noise_key)             // DH2 = DH(EK_A, IK_B)
            && dh_into(ikm, 2, ek, b.signed_prekey.key);             // DH3 = DH(EK_A, SPK_B)
  if (ok && b.one_time_prekey) {
    ok = dh_into(ikm, 3, ek, b.one_time_prekey->key);  // DH4 = DH(EK_A, OPK_B)
    n = 4;
  }
  if (!ok) return refused();
  X3dhInitiation out{derive(ikm.span().first(kFLen + n * kKeyLen), me.public_identity(), b.identity),
                     {me.public_identity(), public_of(ek), b.signed_prekey.id,
                      b.one_time_prekey ? b.one_time_prekey->id : kNoPrekeyId},
                     b.signed_prekey.key};
  return out;  // ek and ikm are wiped by their destructors (§4.5: delete EK_A and the DH outputs)
}

core::Result<SharedSecrets> x3dh_respond(const identity::LocalIdentity& me, const SignedPrekeyPair& spk,
                                         const OneTimePrekeyPair* opk, const X3dhHeader& header) {
  if (header.signed_prekey_id != spk.pub.id) {
    core::misuse("ratchet: x3dh_respond: signed prekey does not match the header");
  }
  if ((header.one_time_prekey_id == kNoPrekeyId) != (opk == nullptr) ||
      (opk != nullptr && opk->pub.id != header.one_time_prekey_id)) {
    core::misuse("ratchet: x3dh_respond: one-time prekey does not match the header");
  }
  crypto::Secret<kIkmMaxLen> ikm;
  std::memset(ikm.data(), 0xFF, kFLen);
  std::size_t n = 3;
  bool ok = dh_into(ikm, 0, spk.private_key, header.sender.noise_key)  // DH1 = DH(SPK_B, IK_A)
            && dh_into(ikm, 1, me.noise_secret(), header.ephemeral)     // DH2 = DH(IK_B, EK_A)
            && dh_into(ikm, 2, spk.private_key, header.ephemeral);      // DH3 = DH(SPK_B, EK_A)
  if (ok && opk != nullptr) {
    ok = dh_into(ikm, 3, opk->private_key, header.ephemeral);  // DH4 = DH(OPK_B, EK_A)
    n = 4;
  }
  if (!ok) return refused();
  return derive(ikm.span().first(kFLen + n * kKeyLen), header.sender, me.public_identity());
}

void encode_x3dh_header(const X3dhHeader& h, std::span<std::uint8_t, kX3dhHeaderPlainLen> out) noexcept {
  auto* p = out.data();
  std::memcpy(p, h.sender.identity_key.data(), 32);
  std::memcpy(p + 32, h.sender.noise_key.data(), 32);
  std::memcpy(p + 64, h.sender.binding_signature.data(), 64);
  std::memcpy(p + 128, h.ephemeral.data(), 32);
  store_u32_be(h.signed_prekey_id, p + 160);
  store_u32_be(h.one_time_prekey_id, p + 164);
}

X3dhHeader decode_x3dh_header(std::span<const std::uint8_t, kX3dhHeaderPlainLen> in) noexcept {
  X3dhHeader h;
  const auto* p = in.data();
  std::memcpy(h.sender.identity_key.data(), p, 32);
  std::memcpy(h.sender.noise_key.data(), p + 32, 32);
  std::memcpy(h.sender.binding_signature.data(), p + 64, 64);
  std::memcpy(h.ephemeral.data(), p + 128, 32);
  h.signed_prekey_id = load_u32_be(p + 160);
  h.one_time_prekey_id = load_u32_be(p + 164);
  return h;
}

bool seal_x3dh_header(const X3dhHeader& header, const PublicKey& spk, crypto::RandomSource& rng,
                      std::span<std::uint8_t, kX3dhSealedLen> out) {
  std::array<std::uint8_t, kX3dhHeaderPlainLen> plain{};
  encode_x3dh_header(header, plain);
  const bool ok = crypto::seal_box(plain, std::span<const std::uint8_t, kKeyLen>(spk), rng, out);
  crypto::wipe(plain);
  return ok;
}

core::Result<OpenedX3dhHeader> open_x3dh_header(std::span<const std::uint8_t> sealed,
                                                std::span<const SignedPrekeyPair> signed_prekeys) {
  crypto::ensure_sodium();
  if (sealed.size() == kX3dhSealedLen) {
    std::array<std::uint8_t, kX3dhHeaderPlainLen> plain{};
    for (std::size_t i = 0; i < signed_prekeys.size(); ++i) {
      const auto& spk = signed_prekeys[i];
      if (crypto_box_seal_open(plain.data(), sealed.data(), sealed.size(), spk.pub.key.data(),
                               spk.private_key.data()) != 0) {
        continue;
      }
      X3dhHeader h = decode_x3dh_header(plain);
      crypto::wipe(plain);
      // It must name the prekey that opened it, else a header meant for an
      // older prekey would be answered with the wrong DH1/DH3.
      if (h.signed_prekey_id != spk.pub.id) break;
      auto sender = identity::verify_binding(h.sender);
      if (!sender) break;
      return OpenedX3dhHeader{h, *sender, i};
    }
    crypto::wipe(plain);
  }
  return core::fail<core::ErrorId::kRatchetUndecryptable>(core::Errc::kRefused);
}

}  // namespace tumar::ratchet
