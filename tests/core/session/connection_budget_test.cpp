#include "core/session/connection_budget.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tumar::session {
namespace {

TEST(ConnectionBudgetTest, PerAddressLimitLeavesRoomForOthers) {
  ConnectionBudget budget({.max_connections = 10, .max_per_address = 2});
  auto a1 = budget.try_acquire("10.0.0.1");
  auto a2 = budget.try_acquire("10.0.0.1");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(budget.try_acquire("10.0.0.1"));
  EXPECT_TRUE(budget.try_acquire("10.0.0.2"));
  EXPECT_EQ(budget.in_use("10.0.0.1"), 2u);
}

TEST(ConnectionBudgetTest, TotalLimitHolds) {
  ConnectionBudget budget({.max_connections = 3, .max_per_address = 3});
  std::vector<Ticket> held;
  for (const char* addr : {"a", "b", "c"}) held.push_back(*budget.try_acquire(addr));
  EXPECT_FALSE(budget.try_acquire("d"));
  EXPECT_EQ(budget.in_use(), 3u);
}

// Every connection tor forwards to the node's onion service arrives on its
// Unix socket with no address: a per-address limit of 8 would let only 8
// people in at once. Those count against the total alone.
TEST(ConnectionBudgetTest, ConnectionsWithNoAddressCountOnlyAgainstTheTotal) {
  ConnectionBudget budget({.max_connections = 5, .max_per_address = 2});
  std::vector<Ticket> held;
  for (int i = 0; i < 5; ++i) {
    auto t = budget.try_acquire("");
    ASSERT_TRUE(t) << i;
    held.push_back(std::move(*t));
  }
  EXPECT_FALSE(budget.try_acquire(""));
  EXPECT_FALSE(budget.try_acquire("10.0.0.1"));
  held.pop_back();
  EXPECT_TRUE(budget.try_acquire(""));
}

TEST(ConnectionBudgetTest, DroppingATicketFreesItsSlot) {
  ConnectionBudget budget({.max_connections = 1, .max_per_address = 1});
  {
    auto t = budget.try_acquire("x");
    ASSERT_TRUE(t);
    EXPECT_FALSE(budget.try_acquire("y"));
  }
  EXPECT_EQ(budget.in_use(), 0u);
  EXPECT_EQ(budget.in_use("x"), 0u);
  EXPECT_TRUE(budget.try_acquire("y"));
}

TEST(ConnectionBudgetTest, MovedTicketReleasesOnce) {
  ConnectionBudget budget({.max_connections = 2, .max_per_address = 2});
  auto t = budget.try_acquire("x");
  Ticket moved = std::move(*t);
  t.reset();
  EXPECT_EQ(budget.in_use(), 1u);
  {
    Ticket again = std::move(moved);
  }
  EXPECT_EQ(budget.in_use(), 0u);
}

}  // namespace
}  // namespace tumar::session
