#include "core/session/sync_round.hpp"

#include <gtest/gtest.h>

namespace tumar::session {
namespace {

using namespace std::chrono_literals;

proto::WireMessage pong(std::uint64_t nonce) {
  proto::WireMessage m;
  m.mutable_pong()->set_nonce(nonce);
  return m;
}

TEST(SyncRoundTest, PongWithOurNonceCompletesTheRoundAndTimesIt) {
  SyncRound round(99);
  Instant t0{};
  auto ping = round.opening(t0);
  EXPECT_EQ(ping.ping().nonce(), 99u);
  auto done = round.on_message(t0 + 1500us, pong(99));
  ASSERT_TRUE(done && *done);
  EXPECT_EQ(round.report().round_trip, 1500us);
}

TEST(SyncRoundTest, WrongNonceOrUnaskedPongIsAProtocolError) {
  SyncRound early(1);
  EXPECT_FALSE(early.on_message(Instant{}, pong(1)));
  SyncRound round(1);
  round.opening(Instant{});
  EXPECT_FALSE(round.on_message(Instant{}, pong(2)));
  EXPECT_FALSE(round.done());
  ASSERT_TRUE(round.on_message(Instant{}, pong(1)));
  EXPECT_FALSE(round.on_message(Instant{}, pong(1))) << "a second Pong is not expected";
}

}  // namespace
}  // namespace tumar::session
