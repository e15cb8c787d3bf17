#pragma once
// In-memory two-party harness for tumar's handshake and transport tests: no
// sockets, deterministic randomness.

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/tumar_handshake.hpp"

namespace tumar::noise::test {

using Bytes = std::vector<std::uint8_t>;

struct EstablishedPair {
  Established initiator;
  Established responder;
};

// The three XX messages of one handshake between a and b.
struct Transcript {
  Bytes m1, m2, m3;
};

// Runs a full handshake; fails the test (and returns nullopt) on any error.
inline std::optional<EstablishedPair> handshake(const identity::LocalIdentity& a, const identity::LocalIdentity& b,
                                                crypto::RandomSource& rng, Transcript* transcript = nullptr) {
  auto init = TumarHandshake::initiator(a);
  auto resp = TumarHandshake::responder(b);
  auto s1 = init.start(rng);
  if (!s1 || !s1->send) return ADD_FAILURE() << "start", std::nullopt;
  auto s2 = resp.receive(*s1->send, rng);
  if (!s2 || !s2->send) return ADD_FAILURE() << "message 1: " << s2.error().describe(), std::nullopt;
  auto s3 = init.receive(*s2->send, rng);
  if (!s3 || !s3->send || !s3->established) return ADD_FAILURE() << "message 2: " << s3.error().describe(), std::nullopt;
  auto s4 = resp.receive(*s3->send, rng);
  if (!s4 || !s4->established || s4->send) return ADD_FAILURE() << "message 3: " << s4.error().describe(), std::nullopt;
  if (transcript != nullptr) *transcript = Transcript{*s1->send, *s2->send, *s3->send};
  return EstablishedPair{std::move(*s3->established), std::move(*s4->established)};
}

inline std::pair<Transport, Transport> transports(const identity::LocalIdentity& a, const identity::LocalIdentity& b,
                                                  crypto::RandomSource& rng) {
  auto pair = handshake(a, b, rng);
  if (!pair) std::abort();
  return {std::move(pair->initiator).into_transport(), std::move(pair->responder).into_transport()};
}

}  // namespace tumar::noise::test

namespace tumar::noise {
// The seam transport.hpp declares: tests move the nonces near the limit.
struct TransportTestAccess {
  static void set_nonces(Transport& t, std::uint64_t send, std::uint64_t receive) {
    t.send_.set_nonce(send);
    t.receive_.set_nonce(receive);
  }
  static CipherState& send_cipher(Transport& t) { return t.send_; }
};
}  // namespace tumar::noise
