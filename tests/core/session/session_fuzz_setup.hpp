#pragma once
// Fixed parties and a deterministic handshake for the peer_session fuzz
// target and the test that writes its seed corpus: a recorded transport
// message from alice is then valid input for the target's bob.

#include <cstdlib>
#include <optional>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/session/peer_session.hpp"

namespace tumar::session::fuzz {

inline constexpr std::uint64_t kSessionRandomSeed = 11;

// The fuzz target's node admits every proven identity: answers an
// admission question with admit() and merges what that produced.
inline SessionOutput admitting(PeerSession& session, SessionOutput out, Instant now, crypto::RandomSource& rng) {
  if (!out.admission) return out;
  out.admission.reset();
  SessionOutput more = session.admit(now, rng);
  out.send.insert(out.send.end(), more.send.begin(), more.send.end());
  out.admitted = std::move(more.admitted);
  out.received = std::move(more.received);
  if (more.closed) {
    out.send.clear();  // a failure sends nothing
    out.closed = std::move(more.closed);
  }
  return out;
}

struct Parties {
  identity::LocalIdentity alice;
  identity::LocalIdentity bob;
};

inline const Parties& parties() {
  static crypto::DeterministicRandom rng(7);
  static const Parties p{identity::LocalIdentity::generate(rng), identity::LocalIdentity::generate(rng)};
  return p;
}

struct OpenPair {
  PeerSession alice;  // initiator
  PeerSession bob;    // responder
};

// Alice and bob after a handshake with randomness from `rng`.
inline OpenPair open_pair(crypto::RandomSource& rng) {
  const Instant t0{};
  auto a = PeerSession::initiator(parties().alice, std::nullopt, std::nullopt, {}, t0);
  auto b = PeerSession::responder(parties().bob, {}, t0);
  auto m1 = a.start(rng).send;
  auto m2 = b.on_bytes(t0, m1, rng).send;
  auto m3 = admitting(a, a.on_bytes(t0, m2, rng), t0, rng).send;
  auto done = admitting(b, b.on_bytes(t0, m3, rng), t0, rng);
  if (!a.is_open() || !b.is_open() || !done.admitted) std::abort();
  return OpenPair{std::move(a), std::move(b)};
}

}  // namespace tumar::session::fuzz
