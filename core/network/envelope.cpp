#include "core/network/envelope.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "core/crypto/sealed_box.hpp"
#include "core/error_ids.hpp"
#include "core/network/epoch_subkeys.hpp"
#include "core/network/object_limits.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

template <core::ErrorId Id>
tl::unexpected<core::Error> refused() {
  return core::fail<Id>(core::Errc::kRefused);
}

bool valid_kind(int kind) { return kind >= proto::GENESIS && kind <= proto::EPOCH_START; }

template <std::size_t N>
bool copy_exact(const std::string& from, std::array<std::uint8_t, N>& to) {
  if (from.size() != N) return false;
  std::memcpy(to.data(), from.data(), N);
  return true;
}

std::string as_string(std::span<const std::uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// The signed message: a context string so an envelope signature can never
// be taken for any other tumar signature (the Noise binding, say), and the
// header's length so the header/ciphertext split cannot be moved.
std::vector<std::uint8_t> signed_message(const std::string& header, const std::string& ciphertext) {
  constexpr std::size_t ctx_len = sizeof(kSignatureContext) - 1;
  std::vector<std::uint8_t> m(ctx_len + 4 + header.size() + ciphertext.size());
  std::uint8_t* p = m.data();
  std::memcpy(p, kSignatureContext, ctx_len);
  p += ctx_len;
  const auto n = static_cast<std::uint32_t>(header.size());
  p[0] = static_cast<std::uint8_t>(n >> 24);
  p[1] = static_cast<std::uint8_t>(n >> 16);
  p[2] = static_cast<std::uint8_t>(n >> 8);
  p[3] = static_cast<std::uint8_t>(n);
  p += 4;
  if (!header.empty()) std::memcpy(p, header.data(), header.size());
  p += header.size();
  if (!ciphertext.empty()) std::memcpy(p, ciphertext.data(), ciphertext.size());
  return m;
}

std::string encode_header(const Header& h) {
  proto::EnvelopeHeader p;
  p.set_version(kEnvelopeVersion);
  if (h.network_id) p.set_network_id(h.network_id->data(), h.network_id->size());
  p.set_author(h.author.data(), h.author.size());
  p.set_kind(static_cast<proto::ObjectKind>(h.kind));
  p.set_epoch(h.epoch);
  p.set_timestamp_ms(h.timestamp_ms);
  if (h.recipient) p.set_recipient(h.recipient->data(), h.recipient->size());
  p.set_seq(h.seq);
  if (h.key_id) p.set_key_id(h.key_id->data(), h.key_id->size());
  return p.SerializeAsString();
}

std::vector<std::uint8_t> finish(const std::string& header, std::string ciphertext,
                                 const identity::LocalIdentity& author) {
  const identity::Signature sig = author.sign(signed_message(header, ciphertext));
  proto::Envelope env;
  env.set_header(header);
  env.set_ciphertext(std::move(ciphertext));
  env.set_signature(sig.data(), sig.size());
  std::vector<std::uint8_t> out(env.ByteSizeLong());
  env.SerializeWithCachedSizesToArray(out.data());
  return out;
}

}  // namespace

ObjectId object_id(std::span<const std::uint8_t> envelope_bytes) {
  ObjectId id{};
  crypto_generichash(id.data(), id.size(), envelope_bytes.data(), envelope_bytes.size(), nullptr, 0);
  return id;
}

core::Result<ParsedEnvelope> parse_envelope(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxEnvelopeLen) return refused<core::ErrorId::kEnvelopeTooLarge>();
  proto::Envelope env;
  // Unknown fields are dropped before re-encoding, so an envelope carrying
  // any fails the comparison: nothing unsigned can ride along.
  if (!env.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      (env.DiscardUnknownFields(), env.ByteSizeLong() != bytes.size()) || env.SerializeAsString() != as_string(bytes)) {
    return refused<core::ErrorId::kEnvelopeNotCanonical>();
  }
  if (env.header().size() > kMaxHeaderLen) return refused<core::ErrorId::kEnvelopeHeaderTooLong>();
  proto::EnvelopeHeader h;
  if (!h.ParseFromString(env.header()) || (h.DiscardUnknownFields(), h.SerializeAsString() != env.header())) {
    return refused<core::ErrorId::kEnvelopeHeaderNotCanonical>();
  }
  if (h.version() != kEnvelopeVersion) return refused<core::ErrorId::kEnvelopeUnknownVersion>();
  if (!valid_kind(h.kind())) return refused<core::ErrorId::kEnvelopeUnknownKind>();
  // SQLite stores these as signed 64-bit integers: a larger value would
  // sort below zero there and above everything in C++, and replicas
  // comparing in different places would disagree.
  if (h.epoch() > kMaxCounter || h.timestamp_ms() > kMaxCounter || h.seq() > kMaxCounter) {
    return refused<core::ErrorId::kEnvelopeCounterRange>();
  }

  ParsedEnvelope out;
  out.header_.kind = static_cast<Kind>(h.kind());
  out.header_.epoch = h.epoch();
  out.header_.timestamp_ms = h.timestamp_ms();
  out.header_.seq = h.seq();
  // An author's objects are numbered from 1 (the genesis is the founder's
  // first); a direct message's one-time author has no sequence.
  if (out.header_.kind == Kind::kDirect ? h.seq() != 0 : h.seq() == 0) {
    return refused<core::ErrorId::kEnvelopeSeqNotAllowed>();
  }
  if (out.header_.kind == Kind::kGenesis && h.seq() != 1) {
    return refused<core::ErrorId::kEnvelopeGenesisSeq>();
  }
  if (carries_key_id(out.header_.kind)) {
    KeyId k{};
    if (!copy_exact(h.key_id(), k)) return refused<core::ErrorId::kEnvelopeKeyIdMalformed>();
    out.header_.key_id = k;
  } else if (!h.key_id().empty()) {
    return refused<core::ErrorId::kEnvelopeKeyIdNotAllowed>();
  }
  if (!copy_exact(h.author(), out.header_.author)) return refused<core::ErrorId::kEnvelopeAuthorMalformed>();
  if (out.header_.kind == Kind::kGenesis) {
    if (!h.network_id().empty() || h.epoch() != 0) {
      return refused<core::ErrorId::kEnvelopeGenesisNetwork>();
    }
  } else {
    NetworkId net{};
    if (!copy_exact(h.network_id(), net)) return refused<core::ErrorId::kEnvelopeNetworkIdMalformed>();
    out.header_.network_id = net;
  }
  if (out.header_.kind == Kind::kEpochGrant || out.header_.kind == Kind::kDirect) {
    // A grant names its grantee; a direct message names only a tag that
    // members can match to the recipient (core/direct/recipient_tag.hpp).
    identity::IdentityKey r{};
    if (!copy_exact(h.recipient(), r)) return refused<core::ErrorId::kEnvelopeRecipientMalformed>();
    out.header_.recipient = r;
  } else if (!h.recipient().empty()) {
    return refused<core::ErrorId::kEnvelopeRecipientNotAllowed>();
  }
  const std::size_t min_ct = out.header_.kind == Kind::kEpochGrant ? crypto_box_SEALBYTES : kNonceLen + kTagLen;
  if (env.ciphertext().size() < min_ct) return refused<core::ErrorId::kEnvelopeCiphertextShort>();
  if (!copy_exact(env.signature(), out.signature_)) return refused<core::ErrorId::kEnvelopeSignatureMalformed>();

  out.bytes_.assign(bytes.begin(), bytes.end());
  out.id_ = object_id(bytes);
  out.header_bytes_ = std::move(*env.mutable_header());
  out.ciphertext_ = std::move(*env.mutable_ciphertext());
  return out;
}

core::Result<VerifiedEnvelope> verify_envelope(ParsedEnvelope parsed) {
  const auto message = signed_message(parsed.header_bytes_, parsed.ciphertext_);
  if (!identity::verify_signature(parsed.header_.author, message, parsed.signature_)) {
    return refused<core::ErrorId::kEnvelopeSignatureInvalid>();
  }
  return VerifiedEnvelope(std::move(parsed));
}

core::Result<VerifiedEnvelope> verify_envelope_bytes(std::span<const std::uint8_t> bytes) {
  TUMAR_TRY_ASSIGN(parsed, parse_envelope(bytes));
  return verify_envelope(std::move(parsed));
}

std::optional<std::string> VerifiedEnvelope::open(const crypto::Secret<32>& epoch_key) const {
  const std::string& ct = parsed_.ciphertext_;
  const std::string& ad = parsed_.header_bytes_;
  if (parsed_.header_.kind == Kind::kEpochGrant || ct.size() < kNonceLen + kTagLen) return std::nullopt;
  std::string plain(ct.size() - kNonceLen - kTagLen, '\0');
  unsigned long long plain_len = 0;
  const crypto::Secret<32> key = envelope_key(epoch_key);  // epoch_subkeys.hpp: one key per purpose
  const auto* c = reinterpret_cast<const unsigned char*>(ct.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
                                                 c + kNonceLen, ct.size() - kNonceLen,
                                                 reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), c,
                                                 key.data()) != 0) {
    return std::nullopt;
  }
  plain.resize(plain_len);
  return plain;
}

std::optional<crypto::SecretBuffer> VerifiedEnvelope::open_sealed(const identity::NoiseKey& public_key,
                                                                   const crypto::Secret<32>& secret_key) const {
  const std::string& ct = parsed_.ciphertext_;
  if (parsed_.header_.kind != Kind::kEpochGrant || ct.size() < crypto_box_SEALBYTES) return std::nullopt;
  crypto::SecretBuffer plain(ct.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(plain.data(), reinterpret_cast<const unsigned char*>(ct.data()), ct.size(),
                           public_key.data(), secret_key.data()) != 0) {
    return std::nullopt;
  }
  return plain;
}

std::vector<std::uint8_t> seal_envelope(const Header& header, std::span<const std::uint8_t> payload,
                                        const crypto::Secret<32>& epoch_key, const identity::LocalIdentity& author,
                                        crypto::RandomSource& rng) {
  const std::string h = encode_header(header);
  std::string ct(kNonceLen + payload.size() + kTagLen, '\0');
  auto* c = reinterpret_cast<unsigned char*>(ct.data());
  rng.fill(std::span<std::uint8_t>(c, kNonceLen));
  unsigned long long ct_len = 0;
  const crypto::Secret<32> key = envelope_key(epoch_key);  // epoch_subkeys.hpp: one key per purpose
  crypto_aead_xchacha20poly1305_ietf_encrypt(c + kNonceLen, &ct_len, payload.data(), payload.size(),
                                             reinterpret_cast<const unsigned char*>(h.data()), h.size(), nullptr, c,
                                             key.data());
  return finish(h, std::move(ct), author);
}

core::Result<std::vector<std::uint8_t>> seal_grant_envelope(const Header& header, std::span<const std::uint8_t> payload,
                                              const identity::NoiseKey& recipient_noise_key,
                                              const identity::LocalIdentity& author, crypto::RandomSource& rng) {
  const std::string h = encode_header(header);
  std::string ct(payload.size() + crypto::kSealedBoxOverhead, '\0');
  // The caller's randomness, not crypto_box_seal's: a grant is part of a
  // replayable run (crypto/sealed_box.hpp). A member's key is the member's
  // choice: a low-order point (whose "shared" secret is public) is refused,
  // never sealed to.
  if (!crypto::seal_box(payload, recipient_noise_key, rng,
                        std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(ct.data()), ct.size()))) {
    return core::fail<core::ErrorId::kIdentityNoiseKeyUnusable>(core::Errc::kRefused);
  }
  return finish(h, std::move(ct), author);
}

}  // namespace tumar::network
