#pragma once
// Signed envelopes (docs/NETWORKS.md, "Envelopes"): every object a network
// syncs is
//
//   header      network id, author, kind, epoch, timestamp, the author's seq
//               (and, for a grant, the recipient; for a genesis, epoch start
//               or grant, a key id) — in the clear, signed
//   ciphertext  nonce (24) || XChaCha20-Poly1305(payload) under the epoch
//               key, with the header bytes as associated data; for a grant,
//               a sealed box to the recipient's Noise key instead
//   signature   Ed25519 by the author over
//               "tumar/envelope/v1" || u32be(len(header)) || header || ciphertext
//
// and its id is BLAKE2b-256 of the envelope's encoded bytes. Decoding is
// strict: the bytes must be the canonical encoding of what they decode to,
// so one object has exactly one id and a carrier cannot mint duplicates.
//
// Proof tokens: only verify_envelope() makes a VerifiedEnvelope, and only a
// VerifiedEnvelope can be opened, so no payload is ever decrypted (or acted
// on) before its signature is checked.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"

namespace tumar::network {

inline constexpr char kSignatureContext[] = "tumar/envelope/v1";
inline constexpr std::size_t kNonceLen = 24;  // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
inline constexpr std::size_t kTagLen = 16;    // crypto_aead_xchacha20poly1305_ietf_ABYTES
// 2: every object carries its author's seq, and genesis, epoch start and
// grant objects the id of the key they start or grant (docs/NETWORKS.md).
// A version 1 object is refused.
inline constexpr std::uint32_t kEnvelopeVersion = 2;
inline constexpr std::size_t kKeyIdLen = 16;
using KeyId = std::array<std::uint8_t, kKeyIdLen>;

// Whether a kind's header carries a key id (and must).
constexpr bool carries_key_id(Kind kind) noexcept {
  return kind == Kind::kGenesis || kind == Kind::kEpochStart || kind == Kind::kEpochGrant;
}

struct Header {
  std::optional<NetworkId> network_id;  // nullopt in the genesis only
  identity::IdentityKey author{};
  Kind kind = Kind::kNote;
  std::uint64_t epoch = 0;
  std::uint64_t timestamp_ms = 0;
  std::optional<identity::IdentityKey> recipient;  // a grant's grantee; a direct message's recipient tag
  // The author's count of its objects in this network, from 1; 0 in a
  // direct message (its author is a one-time key).
  std::uint64_t seq = 0;
  std::optional<KeyId> key_id;  // exactly when carries_key_id(kind)
};

// A strictly decoded envelope whose signature has not been checked yet.
class ParsedEnvelope {
 public:
  const Header& header() const noexcept { return header_; }
  const ObjectId& id() const noexcept { return id_; }
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
  // For a non-genesis object, header().network_id; for a genesis, its own id.
  const NetworkId& network() const noexcept { return header_.network_id ? *header_.network_id : id_; }

 private:
  friend core::Result<ParsedEnvelope> parse_envelope(std::span<const std::uint8_t> bytes);
  friend class VerifiedEnvelope;
  friend core::Result<class VerifiedEnvelope> verify_envelope(ParsedEnvelope parsed);
  ParsedEnvelope() = default;
  Header header_;
  ObjectId id_{};
  std::vector<std::uint8_t> bytes_;   // the whole envelope as received
  std::string header_bytes_;
  std::string ciphertext_;
  identity::Signature signature_{};
};

class VerifiedEnvelope {
 public:
  const Header& header() const noexcept { return parsed_.header(); }
  const ObjectId& id() const noexcept { return parsed_.id(); }
  const NetworkId& network() const noexcept { return parsed_.network(); }
  std::span<const std::uint8_t> bytes() const noexcept { return parsed_.bytes(); }
  std::vector<std::uint8_t> take_bytes() && { return std::move(parsed_.bytes_); }

  // The payload under an epoch key; nullopt if this key does not open it.
  std::optional<std::string> open(const crypto::Secret<32>& epoch_key) const;
  // A grant's sealed box, opened with the recipient's Noise key pair.
  std::optional<crypto::SecretBuffer> open_sealed(const identity::NoiseKey& public_key,
                                                  const crypto::Secret<32>& secret_key) const;

 private:
  friend core::Result<VerifiedEnvelope> verify_envelope(ParsedEnvelope parsed);
  explicit VerifiedEnvelope(ParsedEnvelope parsed) : parsed_(std::move(parsed)) {}
  ParsedEnvelope parsed_;
};

// Size limit, canonical encoding, field sizes, known kind and version, the
// grant-only recipient, the genesis-only empty network id. kRefused with a
// sentence for the debug log.
[[nodiscard]] core::Result<ParsedEnvelope> parse_envelope(std::span<const std::uint8_t> bytes);
[[nodiscard]] core::Result<VerifiedEnvelope> verify_envelope(ParsedEnvelope parsed);
// parse, then verify.
[[nodiscard]] core::Result<VerifiedEnvelope> verify_envelope_bytes(std::span<const std::uint8_t> bytes);

ObjectId object_id(std::span<const std::uint8_t> envelope_bytes);

// Builds, encrypts and signs an envelope. The payload goes under epoch_key.
std::vector<std::uint8_t> seal_envelope(const Header& header, std::span<const std::uint8_t> payload,
                                        const crypto::Secret<32>& epoch_key, const identity::LocalIdentity& author,
                                        crypto::RandomSource& rng);
// A grant: the payload goes into a sealed box to the recipient's Noise key,
// with the ephemeral key from rng. Refused (kIdentityNoiseKeyUnusable) for a
// recipient key that is a low-order point.
[[nodiscard]] core::Result<std::vector<std::uint8_t>> seal_grant_envelope(
    const Header& header, std::span<const std::uint8_t> payload, const identity::NoiseKey& recipient_noise_key,
    const identity::LocalIdentity& author, crypto::RandomSource& rng);

}  // namespace tumar::network
