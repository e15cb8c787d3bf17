#pragma once
// Two PeerSessions wired back to back in memory, with a virtual clock: the
// c-toxcore habit of running the real code against doubles for clock,
// randomness and network. A test can deliver, drop, split, corrupt or
// replay what one side wrote before the other reads it.

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/front_end_error.hpp"
#include "core/crypto/random.hpp"
#include "core/error_ids.hpp"
#include "core/identity/identity.hpp"
#include "core/session/peer_session.hpp"

namespace tumar::session::test {

// Why a session closed, for a failing assertion's message.
inline std::string closure_text(const std::optional<Closure>& closed) {
  if (!closed) return "";
  return std::string(close_reason_name(closed->reason)) + (closed->cause ? ": " + closed->cause->describe() : "");
}

using Bytes = std::vector<std::uint8_t>;

// The owner's answer to a session's admission question (core/node's engine
// in the product; a policy per test here).
using Admission = std::function<core::Result<void>(const identity::VerifiedIdentity& peer,
                                                   const std::optional<noise::PresentedInvite>& invite)>;

inline Admission admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
    return {};
  };
}

inline Admission admit_only(identity::IdentityKey key) {
  return [key](const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>&)
             -> core::Result<void> {
    if (peer.identity().identity_key == key) return {};
    return cli::fail(core::Errc::kRefused, "The peer is not on the allow list.");
  };
}

// One side: its session plus everything it has reported.
struct Side {
  PeerSession session;
  Admission policy;               // answers the session's admission question
  const Instant* clock = nullptr;  // the harness's virtual clock
  crypto::RandomSource* rng = nullptr;
  Bytes outbox;  // written, not yet delivered
  std::optional<identity::PublicIdentity> admitted;
  std::vector<WireMessage> received;
  std::optional<Closure> closed;
  int questions = 0;  // admission questions the session asked

  void absorb(SessionOutput out) {
    outbox.insert(outbox.end(), out.send.begin(), out.send.end());
    if (out.admission) {
      ++questions;
      auto decided = policy(out.admission->peer, out.admission->invite);
      absorb(decided ? session.admit(*clock, *rng) : session.refuse(decided.error()));
      return;
    }
    if (out.admitted) admitted = out.admitted;
    for (auto& m : out.received) received.push_back(std::move(m));
    if (out.closed && !closed) closed = out.closed;
  }
};

struct Harness {
  crypto::DeterministicRandom rng{42};
  identity::LocalIdentity alice = identity::LocalIdentity::generate(rng);
  identity::LocalIdentity bob = identity::LocalIdentity::generate(rng);
  Instant now{};
  SessionLimits limits;
  std::optional<SessionLimits> bob_limits;  // when bob's differ from alice's
  std::optional<noise::InviteCredential> alice_invite;  // presented by alice in message 3

  std::optional<Side> a;  // initiator (alice)
  std::optional<Side> b;  // responder (bob)

  void begin(Admission alice_admits = admit_all(), Admission bob_admits = admit_all(),
             std::optional<identity::IdentityKey> alice_expects = std::nullopt) {
    a.emplace(Side{PeerSession::initiator(alice, alice_expects, std::move(alice_invite), limits, now),
                   std::move(alice_admits), &now, &rng, {}, {}, {}, {}, 0});
    alice_invite.reset();
    b.emplace(Side{PeerSession::responder(bob, bob_limits.value_or(limits), now), std::move(bob_admits), &now, &rng,
                   {}, {}, {}, {}, 0});
    a->absorb(a->session.start(rng));
  }

  // Delivers everything in `from`'s outbox to `to`, in one chunk.
  static void deliver(Side& from, Side& to, Instant now, crypto::RandomSource& rng) {
    Bytes bytes = std::move(from.outbox);
    from.outbox.clear();
    if (!bytes.empty()) to.absorb(to.session.on_bytes(now, bytes, rng));
  }

  // Moves bytes both ways until neither side has anything to send.
  void pump() {
    for (int i = 0; i < 100 && (!a->outbox.empty() || !b->outbox.empty()); ++i) {
      deliver(*a, *b, now, rng);
      deliver(*b, *a, now, rng);
    }
  }

  // A full handshake; both sides open.
  void connect() {
    begin();
    pump();
    ASSERT_TRUE(a->session.is_open()) << closure_text(a->closed);
    ASSERT_TRUE(b->session.is_open()) << closure_text(b->closed);
  }

  void advance(std::chrono::milliseconds d) {
    now += d;
    a->absorb(a->session.on_tick(now));
    b->absorb(b->session.on_tick(now));
  }
};

inline WireMessage ping(std::uint64_t nonce, std::size_t padding = 0) {
  return Ping{nonce, std::vector<std::uint8_t>(padding, 'x')};
}

inline WireMessage pong(std::uint64_t nonce) { return Pong{nonce}; }

}  // namespace tumar::session::test
