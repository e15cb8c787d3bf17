// Negentropy against hostile or broken peers and careless callers: every
// malformed message is a clean kProtocol/kLimit error, never a crash; an
// error is final; have/need are untouched by a failed call.

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"
#include "core/reconcile/negentropy.hpp"
#include "reconcile_test_support.hpp"

namespace tumar::reconcile {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

const SortedItems& some_items() {
  static const SortedItems items = test::seal(test::random_sets(21, 500, 0, 0, 1, 40).client);
  return items;
}

TEST(NegentropyMalformedTest, ServerRefusesMalformedQueries) {
  const std::string id32(64, 'b');
  for (const std::string& bad : std::vector<std::string>{
           "",                                 // no version byte
           "5f",                               // below the version range
           "70",                               // above it
           "ff0000",                           // not Negentropy at all
           "6100",                             // bound without prefix length
           "610000",                           // bound without mode
           "61000003",                         // mode 3
           "6100008100",                       // mode 0 spelled non-minimally
           "610000ffffffffffffffffff7f",       // mode larger than 64 bits
           "6100000102",                       // fingerprint cut short
           "61000002",                         // IdList without a count
           "6100000201",                       // IdList of 1 with no id
           "6100000202" + id32,                // IdList of 2 with one id
           "61000002ffffffffffffffffff01",     // count past 64 bits
           "61000002ffffffff0f",               // a huge count: refused before allocating
           "610121" + std::string(66, '0'),    // id prefix of 33 bytes
           "6101ff",                           // prefix length 255, 0 bytes present
           "61" "0201aa" "00" "0100" "00",     // (1, aa..) then (1, empty): out of order
           "61" "000109" "00",                 // (infinity, 09..): past infinity
           "61" "0300" "00" "81ffffffffffffffff7f" "0109" "00",  // (2), then deltas saturate to (infinity, 09..)
       }) {
    auto server = Negentropy::make(some_items(), 0);
    ASSERT_TRUE(server);
    auto r = server->reconcile(hex(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), core::Errc::kProtocol) << bad << ": " << r.error().describe();
  }
}

TEST(NegentropyMalformedTest, EmptyRangesAndImplicitSkipAreAllowed) {
  // (2) Skip, infinity IdList, infinity IdList again (an empty range the
  // reference itself can produce at a frame limit); and a message that
  // stops before infinity (the rest is an implicit Skip).
  for (const char* ok : {"61" "0300" "00" "0000" "0200" "0000" "0200", "61" "0300" "00", "61"}) {
    auto server = Negentropy::make(some_items(), 0);
    ASSERT_TRUE(server);
    auto r = server->reconcile(hex(ok));
    EXPECT_TRUE(r) << ok << ": " << r.error().describe();
  }
}

TEST(NegentropyMalformedTest, IdPrefixesOutOfOrderAtOneTimestamp) {
  // (ts 4, prefix 20) Skip, then (ts 4, prefix 10) Skip: the second range
  // would end below where it starts.
  auto server = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(server);
  auto r = server->reconcile(hex("61" "050120" "00" "010110" "00"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
}

TEST(NegentropyMalformedTest, OversizedMessagesAreRefusedByLength) {
  Bytes huge(kMaxMessageSize + 1, 0);
  huge[0] = kProtocolVersion;
  auto server = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(server);
  auto r = server->reconcile(huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
}

TEST(NegentropyMalformedTest, ErrorsAreFinal) {
  auto server = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(server);
  auto bad = server->reconcile(hex("61000003"));
  ASSERT_FALSE(bad);
  // A good query afterwards gets the same error.
  auto later = server->reconcile(hex("6100000200"));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code(), bad.error().code());
  EXPECT_EQ(later.error().describe(), bad.error().describe());
}

TEST(NegentropyMalformedTest, ClientRefusesOtherVersionsAndLeavesOutputsAlone) {
  auto client = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->initiate());
  std::vector<Id> have, need;
  // A valid IdList range (the server has one id we lack) followed by junk:
  // the whole reply fails and nothing is reported.
  const std::string reply = "61" "0000" "02" "01" + std::string(64, 'c') + "0003";
  auto r = client->reconcile(hex(reply), have, need);
  ASSERT_FALSE(r);
  EXPECT_TRUE(have.empty());
  EXPECT_TRUE(need.empty());

  auto other = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(other && other->initiate());
  auto v = other->reconcile(hex("62"), have, need);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), core::Errc::kProtocol);
}

TEST(NegentropyMalformedTest, RolesAreExclusive) {
  auto fresh = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(fresh);
  std::vector<Id> have, need;
  auto early = fresh->reconcile(hex("6100000200"), have, need);  // client call before initiate()
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), core::Errc::kInvalidArgument);

  auto server = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(server && server->reconcile(hex("6100000200")));
  EXPECT_FALSE(server->initiate());

  auto client = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(client && client->initiate());
  EXPECT_FALSE(client->initiate());  // once only
  auto again = Negentropy::make(some_items(), 0);
  ASSERT_TRUE(again && again->initiate());
  EXPECT_FALSE(again->reconcile(hex("6100000200")));  // a client does not answer queries
}

TEST(NegentropyMalformedTest, MakeChecksItsArguments) {
  SortedItems unsealed;
  EXPECT_FALSE(Negentropy::make(unsealed, 0));
  for (std::uint64_t bad : {std::uint64_t{1}, std::uint64_t{4095}, std::uint64_t{kMaxMessageSize} + 1}) {
    auto n = Negentropy::make(some_items(), bad);
    ASSERT_FALSE(n) << bad;
    EXPECT_EQ(n.error().code(), core::Errc::kInvalidArgument);
  }
  EXPECT_TRUE(Negentropy::make(some_items(), 4096));
  EXPECT_TRUE(Negentropy::make(some_items(), kMaxMessageSize));
}

TEST(NegentropyMalformedTest, DuplicateIdsInAnIdListAreReportedOnce) {
  SortedItems empty;
  ASSERT_TRUE(empty.seal());
  auto client = Negentropy::make(empty, 0);
  ASSERT_TRUE(client && client->initiate());
  const std::string id(64, 'd');
  std::vector<Id> have, need;
  auto r = client->reconcile(hex("61" "0000" "02" "03" + id + id + id), have, need);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(need.size(), 1u);
}

}  // namespace
}  // namespace tumar::reconcile
