// Bootstrap progress from tor (control-spec 4.1.10, 3.9, 5.5), as the
// STATUS_CLIENT event and as GETINFO status/bootstrap-phase give it.

#include "core/tor/bootstrap.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "tor_test_util.hpp"

namespace tumar::tor {
namespace {

using test::reply_of;

TEST(Bootstrap, ReadsAProgressEvent) {
  auto s = parse_bootstrap_event(reply_of(
      "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=14 TAG=handshake SUMMARY=\"Handshaking with a relay\"\r\n"));
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_TRUE(*s);
  EXPECT_EQ((*s)->severity, BootstrapSeverity::kNotice);
  EXPECT_EQ((*s)->progress, 14);
  EXPECT_EQ((*s)->tag, "handshake");
  EXPECT_EQ((*s)->summary, "Handshaking with a relay");
  EXPECT_FALSE((*s)->done());
  EXPECT_FALSE((*s)->should_warn());
}

TEST(Bootstrap, ReadsAProblemInAnyOrder) {
  auto s = parse_bootstrap_event(reply_of(
      "650 STATUS_CLIENT WARN BOOTSTRAP RECOMMENDATION=warn COUNT=10 REASON=NOROUTE PROGRESS=5 TAG=conn "
      "SUMMARY=\"Connecting to a relay\" WARNING=\"No route to host\" HOSTADDR=\"127.0.0.1:5000\" NEWTHING=1\r\n"));
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->severity, BootstrapSeverity::kWarn);
  EXPECT_EQ((*s)->warning, "No route to host");
  EXPECT_EQ((*s)->reason, "NOROUTE");
  EXPECT_EQ((*s)->count, 10u);
  EXPECT_EQ((*s)->recommendation, "warn");
  EXPECT_TRUE((*s)->should_warn());
}

TEST(Bootstrap, OtherEventsAreNotBootstrap) {
  for (const char* text : {"650 STATUS_CLIENT NOTICE CIRCUIT_ESTABLISHED\r\n",
                           "650 STATUS_CLIENT NOTICE BOOTSTRAPPING PROGRESS=1\r\n",
                           "650 STATUS_GENERAL NOTICE BOOTSTRAP PROGRESS=1 TAG=x SUMMARY=y\r\n",
                           "650-CIRC 1 BUILT\r\n650 OK\r\n"}) {
    auto s = parse_bootstrap_event(reply_of(text));
    ASSERT_TRUE(s) << text;
    EXPECT_FALSE(*s) << text;
  }
}

TEST(Bootstrap, RefusesAMalformedBootstrapEvent) {
  for (const char* text : {
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=101 TAG=done SUMMARY=Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=-1 TAG=done SUMMARY=Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=050 TAG=done SUMMARY=Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 SUMMARY=Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=\"a b\" SUMMARY=Done\r\n",
           "650 STATUS_CLIENT LOUD BOOTSTRAP PROGRESS=50 TAG=done SUMMARY=Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=done SUMMARY=\"Done\r\n",
           "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=done SUMMARY=Done COUNT=x\r\n",
       }) {
    auto s = parse_bootstrap_event(reply_of(text));
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(s.error().id(), core::ErrorId::kTorControlMalformedReply) << text;
  }
}

TEST(Bootstrap, ReadsTheGetinfoPhase) {
  auto s = parse_bootstrap_phase(
      reply_of("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"\r\n250 OK\r\n"));
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_TRUE(s->done());
  EXPECT_EQ(s->summary, "Done");
  auto bad = parse_bootstrap_phase(reply_of("250-status/bootstrap-phase=\r\n250 OK\r\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().id(), core::ErrorId::kTorControlMalformedReply);
  auto failed = parse_bootstrap_phase(reply_of("552 Unrecognized key \"status/bootstrap-phase\"\r\n"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().id(), core::ErrorId::kTorControlCommandFailed);
}

TEST(Bootstrap, MakesTorsWordsPrintable) {
  auto s = parse_bootstrap_event(reply_of(
      "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=1 TAG=x SUMMARY=\"a\\033[31mred\\nb\"\r\n"));
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->summary, "a?[31mred?b");
}

}  // namespace
}  // namespace tumar::tor
