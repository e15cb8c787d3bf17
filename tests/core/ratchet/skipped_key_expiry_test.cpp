// Skipped message keys are bounded in time as well as in number
// (core/ratchet/skipped_keys.hpp): each carries when it was skipped and is
// deleted kSkippedKeyLifetimeMs later, by a virtual clock passed in. Stored
// sessions keep the times (codec version 2); a version-1 state, written
// before keys had times, still opens and its keys live one lifetime from
// the moment it is first read.

#include <gtest/gtest.h>

#include "tests/core/ratchet/ratchet_harness.hpp"
#include "tumar/ratchet.pb.h"

namespace tumar::ratchet::test {
namespace {

constexpr std::uint64_t kDayMs = 24ull * 60 * 60 * 1000;

// Bob holds the key of Alice's "late" message, skipped at `skipped_at`.
struct OneSkipped {
  explicit OneSkipped(std::uint64_t skipped_at) : c(60) {
    c.round_trip();
    late = c.send(c.alice, "late");
    EXPECT_TRUE(c.bob.decrypt(c.send(c.alice, "after"), kAd, skipped_at));
    EXPECT_EQ(c.bob.state().skipped.size(), 1u);
  }
  Conversation c;
  Bytes late;
};

std::uint64_t only_time(const RatchetSession& s) { return s.state().skipped.chains().at(0).entries.at(0).skipped_at_ms; }

TEST(SkippedKeyExpiry, TheLifetimeOutlastsTheDirectMessageItWaitsFor) {
  EXPECT_EQ(kSkippedKeyLifetimeMs, 31 * kDayMs);
}

TEST(SkippedKeyExpiry, AKeyOpensItsLateMessageUntilTheEndOfItsLifetimeAndIsDeletedThen) {
  OneSkipped s(kNow);
  EXPECT_EQ(only_time(s.c.bob), kNow);
  auto kept = copy_of(s.c.bob);
  EXPECT_FALSE(kept.expire_skipped_keys(kNow + kSkippedKeyLifetimeMs - 1).changed());
  EXPECT_EQ(text(*kept.decrypt(s.late, kAd, kNow + kSkippedKeyLifetimeMs - 1)), "late");

  const auto expiry = s.c.bob.expire_skipped_keys(kNow + kSkippedKeyLifetimeMs);
  EXPECT_EQ(expiry.erased, 1u);
  EXPECT_EQ(s.c.bob.state().skipped.size(), 0u);
  EXPECT_FALSE(s.c.bob.decrypt(s.late, kAd, kNow + kSkippedKeyLifetimeMs));
  s.c.round_trip();  // the conversation goes on
}

TEST(SkippedKeyExpiry, EachKeyKeepsTheTimeItWasSkippedAtThroughTheStoredSession) {
  Conversation c(61);
  c.round_trip();
  const Bytes first = c.send(c.alice, "first lost");
  ASSERT_TRUE(c.bob.decrypt(c.send(c.alice, "a"), kAd, kNow));
  const Bytes second = c.send(c.alice, "second lost");
  ASSERT_TRUE(c.bob.decrypt(c.send(c.alice, "b"), kAd, kNow + 10 * kDayMs));
  auto bob = copy_of(c.bob);  // through encode_session / decode_session
  ASSERT_EQ(bob.state().skipped.size(), 2u);
  const auto& entries = bob.state().skipped.chains().at(0).entries;
  EXPECT_EQ(entries.at(0).skipped_at_ms, kNow);
  EXPECT_EQ(entries.at(1).skipped_at_ms, kNow + 10 * kDayMs);

  EXPECT_EQ(bob.expire_skipped_keys(kNow + kSkippedKeyLifetimeMs).erased, 1u);
  EXPECT_FALSE(bob.decrypt(first, kAd, kNow + kSkippedKeyLifetimeMs));
  EXPECT_EQ(text(*bob.decrypt(second, kAd, kNow + kSkippedKeyLifetimeMs)), "second lost");
}

TEST(SkippedKeyExpiry, AKeySkippedWhileTheClockRanFastLivesOneLifetimeFromWhenTheClockIsRight) {
  OneSkipped s(kNow + 200 * kDayMs);  // the clock was 200 days ahead
  const auto fixed = s.c.bob.expire_skipped_keys(kNow);
  EXPECT_EQ(fixed.stamped, 1u);
  EXPECT_EQ(fixed.erased, 0u);
  EXPECT_EQ(only_time(s.c.bob), kNow);
  EXPECT_EQ(s.c.bob.expire_skipped_keys(kNow + kSkippedKeyLifetimeMs).erased, 1u);
}

TEST(SkippedKeyExpiry, AVersionOneStateOpensAndItsKeysLiveOneLifetimeFromItsFirstReading) {
  OneSkipped s(kNow);
  const auto snap = snapshot(s.c.bob);
  proto::RatchetSessionState m;
  ASSERT_TRUE(m.ParseFromArray(snap.data(), static_cast<int>(snap.size())));
  EXPECT_EQ(m.version(), kSessionStateVersion);
  EXPECT_EQ(m.version(), 2u);
  // What tumar wrote before skipped keys had a time.
  m.set_version(kUnstampedSessionStateVersion);
  for (auto& chain : *m.mutable_skipped()) {
    for (auto& key : *chain.mutable_keys()) key.clear_skipped_at_ms();
  }
  Bytes v1(m.ByteSizeLong());
  ASSERT_TRUE(m.SerializeToArray(v1.data(), static_cast<int>(v1.size())));
  auto old = decode_session(v1);
  ASSERT_TRUE(old) << old.error().describe();
  EXPECT_EQ(only_time(*old), 0u);

  const std::uint64_t upgrade = kNow + 100 * kDayMs;
  const auto first = old->expire_skipped_keys(upgrade);
  EXPECT_EQ(first.stamped, 1u);
  EXPECT_EQ(first.erased, 0u);
  auto again = decode_session(snapshot(*old));  // written back as version 2 with the time
  ASSERT_TRUE(again);
  EXPECT_EQ(only_time(*again), upgrade);
  EXPECT_FALSE(again->expire_skipped_keys(upgrade + kSkippedKeyLifetimeMs - 1).changed());
  EXPECT_EQ(text(*copy_of(*again).decrypt(s.late, kAd, upgrade)), "late");
  EXPECT_EQ(again->expire_skipped_keys(upgrade + kSkippedKeyLifetimeMs).erased, 1u);
}

}  // namespace
}  // namespace tumar::ratchet::test
