#pragma once
// A member's identity: an Ed25519 signing key (who you are) and a separate
// X25519 static key for Noise (how you handshake), bound to the identity by an
// Ed25519 signature so a peer cannot pair someone else's identity with its own
// Noise key (docs/PROTOCOL.md, "Identity" and "Identity proof").

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"

namespace tumar::identity {

inline constexpr std::size_t kIdentityKeySize = 32;     // crypto_sign_PUBLICKEYBYTES
inline constexpr std::size_t kIdentitySecretSize = 64;  // crypto_sign_SECRETKEYBYTES
inline constexpr std::size_t kNoiseKeySize = 32;        // crypto_scalarmult_BYTES
inline constexpr std::size_t kSignatureSize = 64;       // crypto_sign_BYTES
// Signed message = this context string followed by the Noise static public key.
inline constexpr char kBindingContext[] = "tumar/noise-binding/v1";

using IdentityKey = std::array<std::uint8_t, kIdentityKeySize>;
using NoiseKey = std::array<std::uint8_t, kNoiseKeySize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;

// The public half: what peers see and what whoami prints.
struct PublicIdentity {
  IdentityKey identity_key{};
  NoiseKey noise_key{};
  Signature binding_signature{};
};

// Proof token: only verify_binding() can make one, so code that needs a
// checked identity cannot be handed an unchecked one.
class VerifiedIdentity {
 public:
  const PublicIdentity& identity() const { return identity_; }

 private:
  friend core::Result<VerifiedIdentity> verify_binding(const PublicIdentity&);
  explicit VerifiedIdentity(const PublicIdentity& id) : identity_(id) {}
  PublicIdentity identity_;
};

[[nodiscard]] core::Result<VerifiedIdentity> verify_binding(const PublicIdentity& id);

class LocalIdentity {
 public:
  // Fresh keys from rng (SystemRandom in production).
  static LocalIdentity generate(crypto::RandomSource& rng);
  // From stored secrets; recomputes the public halves and the binding.
  static core::Result<LocalIdentity> from_secrets(const crypto::Secret<kIdentitySecretSize>& identity_secret,
                                                  const crypto::Secret<kNoiseKeySize>& noise_secret);

  const PublicIdentity& public_identity() const { return public_; }
  const crypto::Secret<kIdentitySecretSize>& identity_secret() const { return identity_secret_; }
  const crypto::Secret<kNoiseKeySize>& noise_secret() const { return noise_secret_; }

  Signature sign(std::span<const std::uint8_t> message) const;

 private:
  LocalIdentity() = default;
  crypto::Secret<kIdentitySecretSize> identity_secret_;
  crypto::Secret<kNoiseKeySize> noise_secret_;
  PublicIdentity public_;
};

[[nodiscard]] bool verify_signature(const IdentityKey& key, std::span<const std::uint8_t> message,
                                    const Signature& signature);

// A fingerprint a person can read aloud: 30 digits in six groups of five,
// derived from the identity key by iterated BLAKE2b-512 (Signal's
// "NumericFingerprint" construction with BLAKE2b for SHA-512).
std::string fingerprint(const IdentityKey& key);

}  // namespace tumar::identity
