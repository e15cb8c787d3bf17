// PeerSession: handshake to open to close, admission, and every limit the
// transport issue names, with a virtual clock and no sockets.

#include "core/session/peer_session.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/noise/frame.hpp"
#include "session_harness.hpp"

namespace tumar::session {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::Harness;

class PeerSessionTest : public ::testing::Test {
 protected:
  Harness h;

  // Seals `m` on alice's side and returns the bytes without delivering them.
  Bytes sealed_by_alice(const WireMessage& m) {
    Bytes out;
    auto r = h.a->session.send(m, out);
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
    return out;
  }

  void bob_reads(const Bytes& bytes) { h.b->absorb(h.b->session.on_bytes(h.now, bytes, h.rng)); }

  void expect_bob_closed(CloseReason reason) {
    ASSERT_TRUE(h.b->closed.has_value()) << "bob is still " << h.b->session.state_name();
    EXPECT_EQ(h.b->closed->reason, reason) << test::closure_text(h.b->closed);
    EXPECT_TRUE(h.b->session.is_closed());
    EXPECT_FALSE(h.b->session.deadline().has_value());
  }
};

TEST_F(PeerSessionTest, HandshakeAdmitsEachSideAsTheOtherProvedToBe) {
  h.connect();
  ASSERT_TRUE(h.a->admitted && h.b->admitted);
  EXPECT_EQ(h.a->admitted->identity_key, h.bob.public_identity().identity_key);
  EXPECT_EQ(h.b->admitted->identity_key, h.alice.public_identity().identity_key);
  EXPECT_EQ(h.b->session.peer()->identity_key, h.alice.public_identity().identity_key);
}

TEST_F(PeerSessionTest, PingIsAnsweredByTheSessionAndOnlyThePongReachesTheApplication) {
  h.connect();
  Bytes out;
  ASSERT_TRUE(h.a->session.send(test::ping(7), out));
  h.a->outbox = out;
  h.pump();
  EXPECT_TRUE(h.b->received.empty());
  ASSERT_EQ(h.a->received.size(), 1u);
  EXPECT_EQ(std::get<Pong>(h.a->received[0]).nonce, 7u);
}

TEST_F(PeerSessionTest, BytesArrivingOneAtATimeMakeTheSameSession) {
  h.begin();
  for (int round = 0; round < 10 && (!h.a->outbox.empty() || !h.b->outbox.empty()); ++round) {
    for (auto* pair : {&h.a, &h.b}) {
      auto& from = **pair;
      auto& to = pair == &h.a ? *h.b : *h.a;
      Bytes bytes = std::move(from.outbox);
      from.outbox.clear();
      for (std::uint8_t byte : bytes) to.absorb(to.session.on_bytes(h.now, Bytes{byte}, h.rng));
    }
  }
  EXPECT_TRUE(h.a->session.is_open());
  EXPECT_TRUE(h.b->session.is_open());
}

TEST_F(PeerSessionTest, AMessageLargerThanOneFrameArrivesWhole) {
  h.connect();
  const std::size_t big = 200 * 1024;
  Bytes bytes = sealed_by_alice(test::ping(1, big));
  EXPECT_GT(bytes.size(), big);
  EXPECT_GE(bytes.size() / noise::kMaxFrameLen, 3u);
  bob_reads(bytes);
  EXPECT_FALSE(h.b->closed.has_value());
  EXPECT_EQ(h.b->session.messages_received(), 1u);
  // Bob answered the whole Ping, so it arrived whole.
  h.pump();
  ASSERT_EQ(h.a->received.size(), 1u);
  EXPECT_EQ(std::get<Pong>(h.a->received[0]).nonce, 1u);
}

TEST_F(PeerSessionTest, ResponderThatDoesNotAdmitTheInitiatorClosesWithoutSendingAByte) {
  h.begin(test::admit_all(), test::admit_only(identity::IdentityKey{}));
  h.pump();
  expect_bob_closed(CloseReason::kNotAdmitted);
  EXPECT_TRUE(h.b->outbox.empty());
  EXPECT_FALSE(h.b->admitted.has_value());
}

TEST_F(PeerSessionTest, InitiatorThatDoesNotAdmitTheResponderNeverWritesMessage3) {
  h.begin(test::admit_only(identity::IdentityKey{}), test::admit_all());
  h.deliver(*h.a, *h.b, h.now, h.rng);  // message 1
  h.deliver(*h.b, *h.a, h.now, h.rng);  // message 2
  ASSERT_TRUE(h.a->closed.has_value());
  EXPECT_EQ(h.a->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(h.a->outbox.empty()) << "message 3 would reveal who dialled";
}

// Admission is a question the session asks its owner, not a callback it
// runs: until the answer comes nothing is sent or read, and what the peer
// sent meanwhile (its first message right behind message 3) is held and read
// once admitted.
TEST_F(PeerSessionTest, BytesBehindMessage3WaitForTheAdmissionAnswer) {
  h.begin();
  h.deliver(*h.a, *h.b, h.now, h.rng);  // message 1
  h.deliver(*h.b, *h.a, h.now, h.rng);  // message 2; alice admits bob and writes message 3
  ASSERT_TRUE(h.a->session.is_open());
  Bytes both = std::move(h.a->outbox);
  h.a->outbox.clear();
  ASSERT_TRUE(h.a->session.send(test::ping(5), both));  // the Ping rides in the same read as message 3

  auto asked = h.b->session.on_bytes(h.now, both, h.rng);
  ASSERT_TRUE(asked.admission.has_value());
  EXPECT_EQ(asked.admission->peer.identity().identity_key, h.alice.public_identity().identity_key);
  EXPECT_TRUE(asked.send.empty());
  EXPECT_TRUE(asked.received.empty()) << "nothing is read before the answer";
  EXPECT_TRUE(h.b->session.awaiting_admission());
  EXPECT_FALSE(h.b->session.is_open());

  auto admitted = h.b->session.admit(h.now, h.rng);
  ASSERT_TRUE(admitted.admitted.has_value());
  EXPECT_TRUE(h.b->session.is_open());
  EXPECT_TRUE(admitted.received.empty()) << "the Ping is the session's own: answered, not surfaced";
  EXPECT_FALSE(admitted.send.empty()) << "the Pong to the held Ping";
}

TEST_F(PeerSessionTest, RefusingTheQuestionClosesWithoutAByte) {
  h.begin();
  h.deliver(*h.a, *h.b, h.now, h.rng);
  h.deliver(*h.b, *h.a, h.now, h.rng);
  auto asked = h.b->session.on_bytes(h.now, h.a->outbox, h.rng);
  ASSERT_TRUE(asked.admission.has_value());
  auto refused = h.b->session.refuse(core::make_error<core::ErrorId::kNetworkNotAMember>(core::Errc::kRefused));
  ASSERT_TRUE(refused.closed.has_value());
  EXPECT_EQ(refused.closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(refused.send.empty());
  EXPECT_TRUE(h.b->session.is_closed());
  EXPECT_FALSE(h.b->session.admit(h.now, h.rng).admitted.has_value()) << "no second answer";
}

TEST_F(PeerSessionTest, AnUnansweredQuestionMeetsTheHandshakeTimeout) {
  h.begin();
  h.deliver(*h.a, *h.b, h.now, h.rng);
  h.deliver(*h.b, *h.a, h.now, h.rng);
  ASSERT_TRUE(h.b->session.on_bytes(h.now, h.a->outbox, h.rng).admission.has_value());
  h.now += h.limits.handshake_timeout;
  auto out = h.b->session.on_tick(h.now);
  ASSERT_TRUE(out.closed.has_value());
  EXPECT_EQ(out.closed->reason, CloseReason::kHandshakeTimeout);
}

TEST_F(PeerSessionTest, InitiatorPinningAnotherIdentityRefusesBeforeMessage3) {
  h.begin(test::admit_all(), test::admit_all(), identity::IdentityKey{1, 2, 3});
  h.deliver(*h.a, *h.b, h.now, h.rng);
  h.deliver(*h.b, *h.a, h.now, h.rng);
  ASSERT_TRUE(h.a->closed.has_value());
  EXPECT_EQ(h.a->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(h.a->outbox.empty());
}

TEST_F(PeerSessionTest, HandshakeMustFinishWithinTenSeconds) {
  EXPECT_EQ(h.limits.handshake_timeout, 10s);
  h.begin();
  h.deliver(*h.a, *h.b, h.now, h.rng);  // bob got message 1 and waits for message 3 forever
  h.b->outbox.clear();
  h.advance(9999ms);
  EXPECT_FALSE(h.b->closed.has_value());
  h.advance(1ms);
  expect_bob_closed(CloseReason::kHandshakeTimeout);
}

TEST_F(PeerSessionTest, DribblingBytesDoesNotExtendTheHandshakeDeadline) {
  h.begin();
  Bytes m1 = std::move(h.a->outbox);
  for (std::size_t i = 0; i + 1 < m1.size(); ++i) {
    h.now += 400ms;  // 33 bytes over 13 s
    bob_reads(Bytes{m1[i]});
    h.b->absorb(h.b->session.on_tick(h.now));
  }
  expect_bob_closed(CloseReason::kHandshakeTimeout);
}

TEST_F(PeerSessionTest, IdleConnectionClosesAfterTheConfiguredTime) {
  SessionLimits bob_limits;
  bob_limits.idle_timeout = 30s;
  h.bob_limits = bob_limits;
  h.connect();
  h.advance(29s);
  EXPECT_TRUE(h.b->session.is_open());
  // A whole message resets the clock...
  bob_reads(sealed_by_alice(test::pong(1)));
  h.advance(29s);
  EXPECT_TRUE(h.b->session.is_open());
  // ...a partial frame does not.
  Bytes next = sealed_by_alice(test::pong(2));
  bob_reads(Bytes(next.begin(), next.begin() + 5));
  h.advance(1s);
  expect_bob_closed(CloseReason::kIdleTimeout);
}

TEST_F(PeerSessionTest, OversizedHandshakeFrameIsRefusedFromItsLengthAlone) {
  h.begin();
  bob_reads(Bytes{0x02, 0x61});  // announces 609 bytes: one more than message 2 or 3 can be
  expect_bob_closed(CloseReason::kLimit);
}

TEST_F(PeerSessionTest, OversizedTransportFrameIsRefusedFromItsLengthAlone) {
  SessionLimits small;
  small.max_frame_len = 1024;
  h.bob_limits = small;
  h.connect();
  bob_reads(Bytes{0x04, 0x01});  // 1025 bytes announced, none sent
  expect_bob_closed(CloseReason::kLimit);
}

TEST_F(PeerSessionTest, OversizedMessageIsRefusedBeforeItIsBuffered) {
  SessionLimits small;
  small.max_message_len = 64 * 1024;
  h.bob_limits = small;
  h.connect();
  Bytes bytes = sealed_by_alice(test::ping(1, 100 * 1024));
  bob_reads(bytes);
  expect_bob_closed(CloseReason::kLimit);
}

TEST_F(PeerSessionTest, SenderRefusesAMessageOverItsOwnLimit) {
  h.limits.max_message_len = 4096;
  h.connect();
  Bytes out;
  auto r = h.a->session.send(test::ping(1, 8192), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(h.a->session.is_open()) << "a refused send changes nothing";
}

TEST_F(PeerSessionTest, GarbageAfterTheHandshakeCloses) {
  h.connect();
  bob_reads(Bytes{0x00, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  expect_bob_closed(CloseReason::kProtocol);
}

TEST_F(PeerSessionTest, GarbageDuringTheHandshakeCloses) {
  h.begin();
  bob_reads(Bytes{0x00, 0x05, 'h', 'e', 'l', 'l', 'o'});
  expect_bob_closed(CloseReason::kProtocol);
}

TEST_F(PeerSessionTest, ZeroLengthFrameCloses) {
  h.connect();
  bob_reads(Bytes{0x00, 0x00});
  expect_bob_closed(CloseReason::kProtocol);
}

TEST_F(PeerSessionTest, FlippedBitFailsTheTagAndCloses) {
  h.connect();
  Bytes bytes = sealed_by_alice(test::pong(1));
  bytes[bytes.size() / 2] ^= 0x01;
  bob_reads(bytes);
  expect_bob_closed(CloseReason::kProtocol);
  EXPECT_TRUE(h.b->received.empty());
}

TEST_F(PeerSessionTest, TruncatedFrameFollowedByMoreDataCloses) {
  h.connect();
  Bytes first = sealed_by_alice(test::pong(1));
  Bytes second = sealed_by_alice(test::pong(2));
  Bytes cut(first.begin(), first.end() - 4);
  cut.insert(cut.end(), second.begin(), second.end());
  bob_reads(cut);
  expect_bob_closed(CloseReason::kProtocol);
  EXPECT_TRUE(h.b->received.empty());
}

TEST_F(PeerSessionTest, ReplayedMessageCloses) {
  h.connect();
  Bytes once = sealed_by_alice(test::pong(1));
  bob_reads(once);
  ASSERT_EQ(h.b->received.size(), 1u);
  bob_reads(once);
  expect_bob_closed(CloseReason::kProtocol);
  EXPECT_EQ(h.b->received.size(), 1u);
}

TEST_F(PeerSessionTest, ReorderedMessagesClose) {
  h.connect();
  Bytes first = sealed_by_alice(test::pong(1));
  Bytes second = sealed_by_alice(test::pong(2));
  bob_reads(second);
  expect_bob_closed(CloseReason::kProtocol);
  EXPECT_TRUE(h.b->received.empty());
}

TEST_F(PeerSessionTest, AfterAFailureNothingMoreIsAcceptedOrSent) {
  h.connect();
  bob_reads(Bytes{0x00, 0x00});
  expect_bob_closed(CloseReason::kProtocol);
  h.b->closed.reset();
  bob_reads(sealed_by_alice(test::pong(1)));
  EXPECT_TRUE(h.b->received.empty());
  EXPECT_FALSE(h.b->closed.has_value()) << "closed is reported once";
  Bytes out;
  EXPECT_FALSE(h.b->session.send(test::pong(1), out));
  EXPECT_TRUE(out.empty());
}

TEST_F(PeerSessionTest, GoodbyeClosesBothSides) {
  h.connect();
  h.a->absorb(h.a->session.close());
  EXPECT_EQ(h.a->closed->reason, CloseReason::kLocal);
  h.pump();
  expect_bob_closed(CloseReason::kPeerGoodbye);
}

TEST_F(PeerSessionTest, PeerClosingMidHandshakeIsReported) {
  h.begin();
  h.b->absorb(h.b->session.on_peer_closed(core::make_error<core::ErrorId::kSessionPeerClosed>(core::Errc::kProtocol)));
  expect_bob_closed(CloseReason::kPeerClosed);
}

TEST_F(PeerSessionTest, SendBeforeTheHandshakeIsRefused) {
  h.begin();
  Bytes out;
  auto r = h.a->session.send(test::pong(1), out);
  ASSERT_FALSE(r);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace tumar::session
