// The profile's Tor settings kept in its encrypted store: bridges added in
// order, all or none, a line never twice, removed by number or by line, and
// the direct-TCP setting off until set; all still there after the profile
// is locked and opened again.

#include "core/node/tor_settings.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <optional>

#include "core/crypto/random.hpp"
#include "core/error_ids.hpp"
#include "core/profile/profile.hpp"
#include "support/temp_dir.hpp"

namespace tumar::node {
namespace {

using core::ErrorId;

crypto::SecretBuffer pass() {
  const char* text = "a passphrase for the bridges test";
  return crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)));
}

tor::BridgeLine bridge(const std::string& text) {
  auto b = tor::parse_bridge_line(text);
  if (!b) ADD_FAILURE() << text << ": " << b.error().describe();
  return b ? *b : tor::BridgeLine{};
}

const std::string kA = "obfs4 192.0.2.44:443 4A1B2C3D4E5F60718293A4B5C6D7E8F901234567 cert=Zm9vYmFyYmF6cXV4 iat-mode=0";
const std::string kB = "obfs4 198.51.100.9:8443 0123456789ABCDEF0123456789ABCDEF01234567 cert=cXV1eHF1dXV4 iat-mode=1";
const std::string kC = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://broker.example.net/";

class TorSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile::InitOptions o;
    o.display_name = "Zarina";
    o.kdf = profile::kdf_limits_minimum_for_tests();
    auto created = profile::Profile::create(home_, pass(), o, rng_);
    ASSERT_TRUE(created) << created.error().describe();
    prof_.emplace(std::move(*created));
  }

  store::Database& db() { return prof_->database(); }

  void reopen() {
    prof_.reset();
    auto opened = profile::Profile::unlock(home_, pass(), rng_);
    ASSERT_TRUE(opened) << opened.error().describe();
    prof_.emplace(std::move(*opened));
  }

  std::vector<std::string> listed() {
    auto l = list_bridges(db());
    EXPECT_TRUE(l) << l.error().describe();
    return l ? *l : std::vector<std::string>{};
  }

  test::TempDir dir_;
  std::filesystem::path home_ = dir_ / "home";
  crypto::SystemRandom rng_;
  std::optional<profile::Profile> prof_;
};

TEST_F(TorSettingsTest, ANewProfileHasNoBridgesAndNoDirectTcp) {
  EXPECT_TRUE(listed().empty());
  auto direct = direct_tcp_allowed(db());
  ASSERT_TRUE(direct);
  EXPECT_FALSE(*direct);
}

TEST_F(TorSettingsTest, BridgesAreKeptInTheOrderAddedAcrossReopening) {
  auto first = add_bridges(db(), {bridge(kB), bridge(kA)});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(*first, (std::vector<BridgeAdded>{BridgeAdded::kAdded, BridgeAdded::kAdded}));
  ASSERT_TRUE(add_bridges(db(), {bridge(kC)}));
  reopen();
  EXPECT_EQ(listed(), (std::vector<std::string>{kB, kA, kC}));
}

TEST_F(TorSettingsTest, ADuplicateIsStoredOnceAndReportedAsAlreadyStored) {
  ASSERT_TRUE(add_bridges(db(), {bridge(kA)}));
  // The same bridge pasted another way is the same canonical line.
  auto again = add_bridges(db(), {bridge("Bridge  " + kA + "  "), bridge(kB), bridge(kB)});
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(*again,
            (std::vector<BridgeAdded>{BridgeAdded::kAlreadyStored, BridgeAdded::kAdded, BridgeAdded::kAlreadyStored}));
  EXPECT_EQ(listed(), (std::vector<std::string>{kA, kB}));
}

TEST_F(TorSettingsTest, TooManyBridgesStoresNoneOfTheNewOnes) {
  std::vector<tor::BridgeLine> many;
  for (std::size_t i = 0; i < kMaxStoredBridges - 1; ++i) {
    many.push_back(bridge("192.0.2." + std::to_string(i + 1) + ":443"));
  }
  ASSERT_TRUE(add_bridges(db(), many));
  auto over = add_bridges(db(), {bridge("198.51.100.1:443"), bridge("198.51.100.2:443")});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().id(), ErrorId::kTorBridgeTooMany);
  EXPECT_EQ(over.error().code(), core::Errc::kLimit);
  EXPECT_EQ(listed().size(), kMaxStoredBridges - 1);
  ASSERT_TRUE(add_bridges(db(), {bridge("198.51.100.1:443")}));
  EXPECT_EQ(listed().size(), kMaxStoredBridges);
}

TEST_F(TorSettingsTest, RemovingByNumberGivesTheLineAndKeepsTheOrder) {
  ASSERT_TRUE(add_bridges(db(), {bridge(kA), bridge(kB), bridge(kC)}));
  auto removed = remove_bridge(db(), std::size_t{2});
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_EQ(*removed, kB);
  EXPECT_EQ(listed(), (std::vector<std::string>{kA, kC}));
  for (std::size_t bad : {std::size_t{0}, std::size_t{3}}) {
    auto r = remove_bridge(db(), bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().id(), ErrorId::kTorBridgeNoSuchNumber);
    EXPECT_EQ(r.error().field("count"), "2");
  }
  EXPECT_EQ(listed(), (std::vector<std::string>{kA, kC}));
}

TEST_F(TorSettingsTest, RemovingByLineNeedsTheExactStoredLine) {
  ASSERT_TRUE(add_bridges(db(), {bridge(kA), bridge(kC)}));
  auto missing = remove_bridge(db(), std::string_view(kB));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().id(), ErrorId::kTorBridgeNotStored);
  ASSERT_TRUE(remove_bridge(db(), std::string_view(kA)));
  ASSERT_TRUE(remove_bridge(db(), std::size_t{1}));
  reopen();
  EXPECT_TRUE(listed().empty());
}

TEST_F(TorSettingsTest, DirectTcpIsSetAndKept) {
  ASSERT_TRUE(set_direct_tcp(db(), true));
  EXPECT_TRUE(*direct_tcp_allowed(db()));
  reopen();
  EXPECT_TRUE(*direct_tcp_allowed(db()));
  ASSERT_TRUE(set_direct_tcp(db(), false));
  EXPECT_FALSE(*direct_tcp_allowed(db()));
}

}  // namespace
}  // namespace tumar::node
