#pragma once
// The Double Ratchet with header encryption (Signal, "The Double Ratchet
// Algorithm", rev. 1, §4), sans-I/O: bytes in, bytes out, randomness and
// the time passed in. KDFs and AEADs in kdf.hpp; the wire format in
// message_format.hpp; docs/PROTOCOL.md, "Direct messages: X3DH and the Double Ratchet", says it all in one
// place.
//
// Decrypting works on copies of what it would change (CKr and Nr in the
// current chain; the whole ratchet state for a DH step; new skipped keys are
// staged) and commits only when the message authenticated and unpadded (§3.5
// note): a tampered, truncated, replayed or unknown message leaves the
// session byte-for-byte as it was.
//
// One deviation from §4's DHRatchetHE: the new sending ratchet key pair is
// generated at the next encrypt, not on receipt (as Olm and the spec's §3.5
// text allow: the half-step on receipt derives CKr, the half-step on send
// derives CKs). So decrypt needs no randomness, and our previous ratchet
// private key is wiped as soon as it has been used for CKr (sooner than
// the spec), which is at least as good for forward secrecy.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/kdf.hpp"
#include "core/ratchet/skipped_keys.hpp"
#include "core/ratchet/x3dh.hpp"

namespace tumar::ratchet {

// Everything a session is; session_codec.hpp turns it into bytes. Public
// fields so the codec and tests can read them; only RatchetSession changes them.
struct RatchetState {
  bool initiator = false;      // Alice (started with X3DH) or Bob (accepted)
  AssociatedData ad{};         // X3DH AD: IK_A_ed || IK_A_x || IK_B_ed || IK_B_x
  Key root_key;                // RK
  std::optional<Key> dh_self;  // DHs private half; absent between a receive half-step and our next send
  PublicKey dh_self_public{};  // its public half (kept: scalarmult_base per message would halve throughput)
  PublicKey dh_remote{};       // DHr
  std::optional<Key> chain_send, chain_recv;  // CKs (present iff dh_self), CKr
  Key header_send;             // HKs
  std::optional<Key> header_recv;  // HKr (present iff chain_recv)
  Key next_header_send, next_header_recv;  // NHKs, NHKr
  std::uint32_t ns = 0, nr = 0, pn = 0;
  // Alice's X3DH header, until she first hears back: every message until
  // then is an initial message, sealed to Bob's signed prekey (= DHr until
  // then), because any of them may be the first to arrive (X3DH §3.3).
  std::optional<X3dhHeader> pending_x3dh;
  SkippedKeys skipped;

  RatchetState clone_without_skipped() const;
};

class RatchetSession {
 public:
  // DR §3.3/§4.3 RatchetInitAliceHE, after x3dh_initiate. rng makes DHs.
  [[nodiscard]] static core::Result<RatchetSession> init_alice(X3dhInitiation x3dh, crypto::RandomSource& rng);
  // DR §3.3/§4.3 RatchetInitBobHE with the signed prekey as Bob's ratchet key.
  // Not usable until it has decrypted Alice's first message (accept_initial
  // does both and hands out only a session that has).
  static RatchetSession init_bob(SharedSecrets secrets, const SignedPrekeyPair& spk);

  RatchetSession(RatchetSession&&) noexcept = default;
  RatchetSession& operator=(RatchetSession&&) noexcept = default;

  // RatchetEncryptHE: pads the plaintext to its bucket, returns the message
  // (message_format.hpp). ad is the caller's context (e.g. the network id),
  // bound into the body's AEAD. Errc::kLimit for a plaintext over
  // kMaxPlaintextSize or a chain at 2^32-1 messages; the state is unchanged then.
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> encrypt(std::span<const std::uint8_t> plaintext,
                                                                std::span<const std::uint8_t> ad,
                                                                crypto::RandomSource& rng);
  // RatchetDecryptHE. On any failure the state is unchanged. Errc::kRefused
  // for a message that does not decrypt, is malformed or was already
  // received; Errc::kLimit when it would skip more than kMaxSkip keys.
  // Keys it skips are stamped now_ms (Unix ms), for expire_skipped_keys.
  [[nodiscard]] core::Result<crypto::SecretBuffer> decrypt(std::span<const std::uint8_t> message,
                                                           std::span<const std::uint8_t> ad, std::uint64_t now_ms);

  // Deletes the skipped keys kSkippedKeyLifetimeMs old at now_ms and
  // stamps those without a time (SkippedKeys::expire).
  SkippedKeys::Expiry expire_skipped_keys(std::uint64_t now_ms) { return state_.skipped.expire(now_ms); }

  // Whether one of this session's header keys opens the message's header,
  // i.e. whether decrypt() is the place to take it. Changes nothing.
  bool recognizes(std::span<const std::uint8_t> message) const;

  // The other party (from the X3DH AD).
  identity::IdentityKey peer_identity_key() const;
  identity::NoiseKey peer_noise_key() const;
  // True until this session (Alice's) has received a message from Bob.
  bool awaiting_reply() const { return state_.pending_x3dh.has_value(); }

  const RatchetState& state() const { return state_; }
  // For the codec (session_codec.cpp) only, after it validated everything.
  static RatchetSession from_validated_state(RatchetState state) { return RatchetSession(std::move(state)); }

 private:
  explicit RatchetSession(RatchetState s) : state_(std::move(s)) {}
  RatchetState state_;
};

}  // namespace tumar::ratchet
