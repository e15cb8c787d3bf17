// serve's timer handler (cli/timer_tick): whatever a tick's work or the
// re-arming throws stays inside, since it would otherwise unwind through
// Asio's run loop and stop the node. run_timer_tick is noexcept, so an
// exception that got out would end this test binary.

#include "cli/timer_tick.hpp"

#include <gtest/gtest.h>

#include <new>
#include <string>
#include <stdexcept>
#include <system_error>

namespace tumar::cli {
namespace {

TEST(TimerTick, AFailedTickIsLoggedAndTheTimerStillReArmed) {
  int rearmed = 0;
  EXPECT_TRUE(run_timer_tick([] { throw std::runtime_error("database is locked"); }, [&] { ++rearmed; }));
  EXPECT_EQ(rearmed, 1) << "the next tick retries";
}

TEST(TimerTick, AReArmThatThrowsDoesNotLeaveTheHandler) {
  int worked = 0;
  EXPECT_FALSE(run_timer_tick([&] { ++worked; },
                              [] { throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again)); }));
  EXPECT_EQ(worked, 1);
  EXPECT_FALSE(run_timer_tick([] { throw 42; }, [] { throw std::bad_alloc(); })) << "both failing";
}

TEST(TimerTick, AnOrdinaryTickWorksThenReArms) {
  std::string order;
  EXPECT_TRUE(run_timer_tick([&] { order += "work "; }, [&] { order += "rearm"; }));
  EXPECT_EQ(order, "work rearm");
}

}  // namespace
}  // namespace tumar::cli
