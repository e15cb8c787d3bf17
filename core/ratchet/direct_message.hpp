#pragma once
// The direct-message API the rest of tumar uses (docs/PROTOCOL.md, "Direct
// messages: X3DH and the Double Ratchet"):
//
//   Alice:  verify_bundle(bundle) -> start_session(me, verified, rng)
//           -> session.encrypt(...)  (initial messages until Bob replies)
//   Bob:    route_message(sessions, message)
//             kSession    -> sessions[index]->decrypt(message, ad, now)
//             kNewSession -> accept_initial(me, signed prekeys, one-time prekeys, message, ad, now)
//           then store the session, delete the used one-time prekey, and
//           check that the sender is a current member before showing
//           anything (on every message: membership can end mid-session).
//
// Nothing here does I/O; sessions are stored with session_codec.hpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/double_ratchet.hpp"
#include "core/ratchet/prekeys.hpp"

namespace tumar::ratchet {

// X3DH as Alice, then RatchetInitAliceHE. Errc::kRefused if a DH with the
// bundle's keys is degenerate.
[[nodiscard]] core::Result<RatchetSession> start_session(const identity::LocalIdentity& me, const VerifiedBundle& bob,
                                                         crypto::RandomSource& rng);

struct AcceptedSession {
  RatchetSession session;
  // Whose identity binding verified. The caller must still check that this
  // is a member of the network the message came through.
  identity::VerifiedIdentity sender;
  crypto::SecretBuffer plaintext;  // of the message that started the session
  std::uint32_t signed_prekey_id = kNoPrekeyId;
  // The one-time prekey used, which the caller must delete now (X3DH §3.4).
  std::optional<std::uint32_t> used_one_time_prekey;
};

// Bob's one-time prekey with this id, looked up only once the X3DH header
// has opened and named it: nullopt if there is none (used already, or
// deleted after retention). An error (the store could not be read) is
// returned by accept_initial as it is, so a caller can tell it from a bad
// message.
using OneTimePrekeyLookup = std::function<core::Result<std::optional<OneTimePrekeyPair>>(std::uint32_t id)>;

// Bob: opens an initial message's X3DH header with one of signed_prekeys
// (current and retained), runs X3DH with the one-time prekey it names, and
// decrypts the message. Errc::kRefused if it does not open, names a one-time
// prekey the lookup does not find (used already: a replayed initial
// message), or does not decrypt; Errc::kLimit as RatchetSession::decrypt.
// now_ms stamps the keys the first message skips (it need not be number 0).
// The lookup is asked for at most one id, so what it costs does not grow
// with how many one-time prekeys Bob keeps.
[[nodiscard]] core::Result<AcceptedSession> accept_initial(const identity::LocalIdentity& me,
                                                           std::span<const SignedPrekeyPair> signed_prekeys,
                                                           const OneTimePrekeyLookup& one_time_prekey,
                                                           std::span<const std::uint8_t> message,
                                                           std::span<const std::uint8_t> ad, std::uint64_t now_ms);
// The same with every one-time prekey in hand (tests, fuzzing).
[[nodiscard]] core::Result<AcceptedSession> accept_initial(const identity::LocalIdentity& me,
                                                           std::span<const SignedPrekeyPair> signed_prekeys,
                                                           std::span<const OneTimePrekeyPair> one_time_prekeys,
                                                           std::span<const std::uint8_t> message,
                                                           std::span<const std::uint8_t> ad, std::uint64_t now_ms);

enum class Route {
  kSession,     // sessions[index] holds a header key that opens it: decrypt there
  kNewSession,  // an initial message no session recognises: accept_initial
};
struct Routing {
  Route route = Route::kSession;
  std::size_t index = 0;
};

// Where a received message goes, by trial decryption of its header (the
// header is encrypted, so nothing else can tell). Changes no session; null
// entries are skipped. Errc::kRefused for a malformed message or a normal
// message no session recognises. Costs one or two AEAD openings of 40 bytes
// per session and per stored skipped chain.
[[nodiscard]] core::Result<Routing> route_message(std::span<const RatchetSession* const> sessions,
                                                  std::span<const std::uint8_t> message);

}  // namespace tumar::ratchet
