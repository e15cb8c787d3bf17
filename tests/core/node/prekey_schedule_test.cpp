// `serve` refreshes direct-message prekeys while it runs (core/node/prekey_schedule):
// when a refresh is due, and what a node serving for three weeks ends up
// with when serve's own tick (serve_prekey_tick) drives the refresh (a
// virtual clock, no waiting), including a refresh that fails.

#include "core/node/prekey_schedule.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/direct/prekey_keeper.hpp"
#include "core/store/statement.hpp"
#include "tests/core/network/network_fixture.hpp"

namespace tumar::node {
namespace {

using network::test::kT0;
constexpr std::uint64_t kHour = 3'600'000;
constexpr std::uint64_t kDay = 24 * kHour;

TEST(PrekeyRefreshSchedule, DueHourlyAndWhenTheClockGoesBack) {
  ASSERT_EQ(static_cast<std::uint64_t>(kServePrekeyRefresh.count()), kHour);
  PrekeyRefreshSchedule s(kT0);
  EXPECT_FALSE(s.due(kT0));
  EXPECT_FALSE(s.due(kT0 + kHour - 1));
  EXPECT_TRUE(s.due(kT0 + kHour));
  EXPECT_TRUE(s.due(kT0 + 30 * kDay)) << "a node that slept (suspended laptop) refreshes at once";
  s.refreshed(kT0 + kHour);
  EXPECT_FALSE(s.due(kT0 + 2 * kHour - 1));
  EXPECT_TRUE(s.due(kT0 + 2 * kHour));
  EXPECT_TRUE(s.due(kT0 + kHour - 1)) << "clock set back: do not wait for the old time to return";
  EXPECT_TRUE(s.due(0));
}

class ServePrekeyRefreshTest : public network::test::NetworkFixture {};

// A node that starts serving and runs for 22 days, its timer ticking every
// 2 s; only the ticks where the schedule says "due" matter, so the virtual
// clock steps five minutes at a time. The signed prekey must rotate every 7 days
// (give or take one refresh interval) and each retired private half must be
// gone within the 14-day retention (plus one interval) of its successor.
TEST_F(ServePrekeyRefreshTest, ServingForWeeksRotatesAndPrunesTheSignedPrekey) {
  auto a = node(1), b = node(2);
  const auto net = found(*a, b->pub(), network::Role::kMember);
  const std::uint64_t start = kT0 + 10 * network::test::kMinute;
  // What serve does before its node starts.
  ASSERT_FALSE(refresh_prekeys(a->replica(), a->me(), a->rng(), start).empty()) << "a first bundle is published";
  PrekeyRefreshSchedule schedule(start);

  direct::PrekeyKeeper keeper(a->replica(), a->me(), a->rng());
  std::map<std::uint32_t, std::uint64_t> born;        // signed prekey id -> first seen current
  std::map<std::uint32_t, std::uint64_t> superseded;  // id -> when its successor appeared
  std::uint32_t current = keeper.load(net)->signed_prekeys.at(0).pub.id;
  born[current] = start;
  std::size_t published = 0;
  for (std::uint64_t now = start; now <= start + 22 * kDay; now += 5 * network::test::kMinute) {
    published += serve_prekey_tick(schedule, a->replica(), a->me(), a->rng(), now).size();
    const auto ours = keeper.load(net);
    ASSERT_TRUE(ours);
    const std::uint32_t id = ours->signed_prekeys.at(0).pub.id;
    if (id != current) {
      const std::uint64_t age = now - born[current];
      EXPECT_GE(age, 7 * kDay) << "rotated early";
      EXPECT_LE(age, 7 * kDay + kHour) << "rotation waited for a command other than serve";
      superseded[current] = now;
      born[id] = now;
      current = id;
    }
    for (const auto& spk : ours->signed_prekeys) {
      if (const auto it = superseded.find(spk.pub.id); it != superseded.end()) {
        EXPECT_LE(now - it->second, 14 * kDay + kHour) << "a retired private prekey outlived its retention";
      }
    }
  }
  EXPECT_EQ(born.size(), 4u) << "rotated at days 7, 14 and 21";
  EXPECT_GE(published, 3u) << "each rotation's bundle goes to the node's peers";
  const auto end = keeper.load(net);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->signed_prekeys.size(), 3u) << "current and the two retired within 14 days; the first is gone";
}

}  // namespace
}  // namespace tumar::node

namespace tumar::node {
namespace {

// A refresh that fails (here: the database is in another transaction, as
// when another command holds it) is not counted as done: the next tick, 2 s
// later, tries again instead of an hour later.
TEST_F(ServePrekeyRefreshTest, AFailedRefreshIsRetriedAtTheNextTick) {
  auto a = node(1), b = node(2);
  const auto net = found(*a, b->pub(), network::Role::kMember);
  const std::uint64_t start = kT0 + 10 * network::test::kMinute;
  ASSERT_FALSE(refresh_prekeys(a->replica(), a->me(), a->rng(), start).empty());
  PrekeyRefreshSchedule schedule(start);
  direct::PrekeyKeeper keeper(a->replica(), a->me(), a->rng());
  const std::uint32_t first = keeper.signed_prekeys(net)->at(0).pub.id;

  const std::uint64_t due = start + 7 * kDay;  // the signed prekey is due to rotate
  {
    auto busy = store::Transaction::begin(a->store().database());
    ASSERT_TRUE(busy);
    EXPECT_TRUE(serve_prekey_tick(schedule, a->replica(), a->me(), a->rng(), due).empty());
    ASSERT_TRUE(busy->rollback());
  }
  EXPECT_EQ(keeper.signed_prekeys(net)->at(0).pub.id, first) << "nothing happened";
  EXPECT_TRUE(schedule.due(due + 2000)) << "the failed refresh is not recorded";
  EXPECT_FALSE(serve_prekey_tick(schedule, a->replica(), a->me(), a->rng(), due + 2000).empty())
      << "the next tick refreshes and returns the new bundle to flood";
  EXPECT_NE(keeper.signed_prekeys(net)->at(0).pub.id, first) << "rotated";
  EXPECT_FALSE(schedule.due(due + 2001)) << "and now the hour starts";
  EXPECT_TRUE(serve_prekey_tick(schedule, a->replica(), a->me(), a->rng(), due + 4000).empty()) << "not due";
}

}  // namespace
}  // namespace tumar::node
