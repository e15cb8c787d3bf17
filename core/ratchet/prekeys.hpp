#pragma once
// Prekeys for X3DH (Signal, "The X3DH Key Agreement Protocol", §3.2–3.3).
// Each member publishes a bundle in the network directory: their identity
// (Ed25519 key, X25519 key = their Noise static key, and the binding
// signature), a signed prekey, and where available one one-time prekey. The
// lead engineer's code publishes and stores them; this file makes and checks
// them. Private halves are Secret types; public halves are plain structs.
//
// Rotation (docs/PROTOCOL.md, "Prekeys (X3DH §3.2)"): a new signed
// prekey every kSignedPrekeyRotation; the previous one's private half is kept
// kSignedPrekeyRetention more, so initial messages still in store-and-forward
// transit can be opened, then wiped (forward secrecy for X3DH, §4.4/4.5).
// One-time prekeys: one per other member, dedicated to that member (no
// server hands them out once; core/direct/prekey_keeper.hpp says how they
// are published, replaced and retired); each is deleted once used.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/kdf.hpp"

namespace tumar::ratchet {

inline constexpr std::chrono::hours kSignedPrekeyRotation{7 * 24};
inline constexpr std::chrono::hours kSignedPrekeyRetention{14 * 24};
static_assert(kSignedPrekeyRetention >= kSignedPrekeyRotation);
// Ids are 32-bit, chosen by the owner, never 0: an initial header says "no
// one-time prekey" with OPK id 0.
inline constexpr std::uint32_t kNoPrekeyId = 0;
// Signed message: this context string || SPK id (u32 BE) || SPK public key.
inline constexpr char kSignedPrekeyContext[] = "tumar/x3dh-spk/v1";

struct SignedPrekeyPublic {
  std::uint32_t id = kNoPrekeyId;
  PublicKey key{};
  identity::Signature signature{};  // by the owner's identity key over the context encoding
};

struct OneTimePrekeyPublic {
  std::uint32_t id = kNoPrekeyId;
  PublicKey key{};
};

// What a member publishes; what an initiator fetches from the directory.
struct PrekeyBundle {
  identity::PublicIdentity identity;
  SignedPrekeyPublic signed_prekey;
  std::optional<OneTimePrekeyPublic> one_time_prekey;
};

// A prekey with its private half (the owner's side).
struct SignedPrekeyPair {
  SignedPrekeyPublic pub;
  Key private_key;
};
struct OneTimePrekeyPair {
  OneTimePrekeyPublic pub;
  Key private_key;
};

// Aborts if id is kNoPrekeyId (the caller chooses ids).
SignedPrekeyPair generate_signed_prekey(const identity::LocalIdentity& owner, std::uint32_t id,
                                        crypto::RandomSource& rng);
// Ids first_id, first_id + 1, ...; aborts if the range contains 0 or wraps.
std::vector<OneTimePrekeyPair> generate_one_time_prekeys(std::uint32_t first_id, std::size_t count,
                                                         crypto::RandomSource& rng);

// The bytes the signed-prekey signature covers.
std::vector<std::uint8_t> signed_prekey_message(std::uint32_t id, const PublicKey& key);

// Proof token: a bundle whose identity binding and signed-prekey signature
// were checked (X3DH §3.3: "Alice verifies the prekey signature and aborts
// the protocol if verification fails"). Only verify_bundle() makes one.
class VerifiedBundle {
 public:
  const PrekeyBundle& bundle() const { return bundle_; }

 private:
  friend core::Result<VerifiedBundle> verify_bundle(const PrekeyBundle&);
  explicit VerifiedBundle(const PrekeyBundle& b) : bundle_(b) {}
  PrekeyBundle bundle_;
};

[[nodiscard]] core::Result<VerifiedBundle> verify_bundle(const PrekeyBundle& bundle);

}  // namespace tumar::ratchet
