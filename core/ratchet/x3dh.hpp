#pragma once
// X3DH (Signal, "The X3DH Key Agreement Protocol", rev. 1) with
// curve = X25519, hash = SHA-256, info = "tumar/x3dh/v1" (§2.1). Identity DH
// keys are the members' Noise static keys, which their Ed25519 identity keys
// sign (core/identity), so IK in the spec's DH1/DH2 is that X25519 key.
//
//   DH1 = DH(IK_A, SPK_B)   DH2 = DH(EK_A, IK_B)   DH3 = DH(EK_A, SPK_B)
//   DH4 = DH(EK_A, OPK_B)   (only if the bundle had a one-time prekey)
//   SK  = HKDF-SHA-256(salt = 32 zero bytes, IKM = F || DH1 || DH2 || DH3 [|| DH4],
//                      info = "tumar/x3dh/v1", L = 32), F = 32 bytes of 0xFF (§2.2)
//   AD  = IK_A_ed || IK_A_x || IK_B_ed || IK_B_x   (§3.3; 128 bytes)
//
// The Double Ratchet with header encryption also needs two shared header keys
// (DR §4.3, "shared_hka" and "shared_nhkb"); both sides expand SK into
//   RK || HKA || NHKB = HKDF-SHA-256(salt = 32 zero bytes, IKM = SK,
//                                   info = "tumar/ratchet/init/v1", L = 96).
//
// The initial message (§3.3) must not show carriers who sent it, so its X3DH
// header (IK_A, EK_A, prekey ids) is sealed to Bob's signed prekey with
// libsodium's sealed-box construction (crypto_box_seal's format; the
// ephemeral key comes from the caller's RandomSource so tests are repeatable).

#include <array>
#include <cstdint>
#include <span>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/kdf.hpp"
#include "core/ratchet/message_format.hpp"
#include "core/ratchet/prekeys.hpp"

namespace tumar::ratchet {

inline constexpr char kX3dhInfo[] = "tumar/x3dh/v1";
inline constexpr char kSessionInitInfo[] = "tumar/ratchet/init/v1";
inline constexpr std::size_t kAssociatedDataLen = 4 * 32;
using AssociatedData = std::array<std::uint8_t, kAssociatedDataLen>;

// The X3DH initial header (§3.3), as sealed into an initial message.
struct X3dhHeader {
  identity::PublicIdentity sender;   // IK_A (Ed25519 and X25519) with its binding signature
  PublicKey ephemeral{};             // EK_A
  std::uint32_t signed_prekey_id = kNoPrekeyId;
  std::uint32_t one_time_prekey_id = kNoPrekeyId;  // kNoPrekeyId: none was used
};

// What both sides hold after X3DH: the ratchet's starting keys and the AD.
struct SharedSecrets {
  Key root_key;              // RK
  Key header_key_a;          // HKA: Alice's first sending header key
  Key next_header_key_b;     // NHKB: Bob's first sending header key
  AssociatedData ad{};
};

struct X3dhInitiation {
  SharedSecrets secrets;
  X3dhHeader header;
  PublicKey their_signed_prekey{};  // Bob's first ratchet public key (DR §3.3)
};

// Alice: X3DH against a verified bundle. EK_A comes from rng and is wiped
// after use (§4.5). Errc::kRefused if a DH output is all zero.
[[nodiscard]] core::Result<X3dhInitiation> x3dh_initiate(const identity::LocalIdentity& me, const VerifiedBundle& bundle,
                                                         crypto::RandomSource& rng);

// Bob: X3DH from the opened header with the prekeys it names (opk null when
// the header names none). Misuse (ids that do not match the header) aborts.
[[nodiscard]] core::Result<SharedSecrets> x3dh_respond(const identity::LocalIdentity& me, const SignedPrekeyPair& spk,
                                                       const OneTimePrekeyPair* opk, const X3dhHeader& header);

void encode_x3dh_header(const X3dhHeader& h, std::span<std::uint8_t, kX3dhHeaderPlainLen> out) noexcept;
X3dhHeader decode_x3dh_header(std::span<const std::uint8_t, kX3dhHeaderPlainLen> in) noexcept;

// crypto_box_seal(header) to spk, with the ephemeral key from rng. False
// (out unspecified) only for an spk of small order, which verify_bundle refuses.
[[nodiscard]] bool seal_x3dh_header(const X3dhHeader& header, const PublicKey& spk, crypto::RandomSource& rng,
                      std::span<std::uint8_t, kX3dhSealedLen> out);

// Opens a sealed header with each signed prekey in turn (current and
// retained ones) and checks that it names the prekey that opened it and that
// the sender's identity binding verifies. Returns the header and the index of
// that prekey. Errc::kRefused otherwise, one sentence for every reason.
struct OpenedX3dhHeader {
  X3dhHeader header;
  identity::VerifiedIdentity sender;
  std::size_t signed_prekey_index;
};
[[nodiscard]] core::Result<OpenedX3dhHeader> open_x3dh_header(std::span<const std::uint8_t> sealed,
                                                              std::span<const SignedPrekeyPair> signed_prekeys);

}  // namespace tumar::ratchet
