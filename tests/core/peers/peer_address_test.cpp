#include "core/peers/peer_address.hpp"

#include <gtest/gtest.h>

namespace tumar::peers {
namespace {

TEST(PeerAddressTest, ParsesTheFormsAUserTypes) {
  auto v4 = parse_peer_address("127.0.0.1:7000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 7000);
  EXPECT_EQ(v4->to_string(), "127.0.0.1:7000");

  auto name = parse_peer_address("node-1.example.org:65535");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "node-1.example.org");
  EXPECT_EQ(name->port, 65535);

  auto v6 = parse_peer_address("[::1]:1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "[::1]:1");
}

TEST(PeerAddressTest, RefusesTyposWithASentence) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":7000", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:70000000", "127.0.0.1:7a", " 127.0.0.1:7000", "127.0.0.1:7000 ", "::1:7000",
                          "[::1]", "[::1]7000", "[]:7000", "[::1]:", "host/x:7000", "127.0.0.1:+70"}) {
    auto r = parse_peer_address(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument);
      EXPECT_EQ(r.error().key().rfind("peers.address_", 0), 0u) << r.error().describe();
      EXPECT_EQ(r.error().field("text"), std::string_view(bad).substr(0, 80));
    }
  }
}

TEST(PeerAddressTest, RefusesOverlongHostNames) {
  EXPECT_FALSE(parse_peer_address(std::string(254, 'a') + ":1"));
  EXPECT_TRUE(parse_peer_address(std::string(253, 'a') + ":1"));
}

}  // namespace
}  // namespace tumar::peers

namespace tumar::peers {
namespace {
TEST(PeerAddressTest, OnlyAListenAddressMayUsePortZero) {
  EXPECT_FALSE(parse_peer_address("127.0.0.1:0"));
  auto any = parse_listen_address("127.0.0.1:0");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
  EXPECT_FALSE(parse_listen_address("127.0.0.1:65536"));
}
}  // namespace
}  // namespace tumar::peers
