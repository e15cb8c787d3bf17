// The allow list in the profile database: add, pin, trust on first use,
// remove, and admission lookups.

#include "core/peers/peer_store.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/profile/schema.hpp"
#include "support/temp_dir.hpp"

namespace tumar::peers {
namespace {

class PeerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open_plain(dir_.path() / "t.db");
    ASSERT_TRUE(opened) << opened.error().describe();
    db_.emplace(std::move(*opened));
    ASSERT_TRUE(profile::migrate(*db_));
  }

  PeerAddress addr(const char* s) { return *parse_peer_address(s); }

  test::TempDir dir_;
  std::optional<store::Database> db_;
  identity::IdentityKey k1{1};
  identity::IdentityKey k2{2};
};

TEST_F(PeerStoreTest, AddListAndFind) {
  PeerStore peers(*db_);
  EXPECT_EQ(*peers.add(addr("127.0.0.1:7001"), k1, 100), AddOutcome::kAdded);
  EXPECT_EQ(*peers.add(addr("127.0.0.1:7002"), std::nullopt, 101), AddOutcome::kAdded);
  auto all = peers.list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].address.to_string(), "127.0.0.1:7001");
  EXPECT_EQ((*all)[0].identity_key, k1);
  EXPECT_FALSE((*all)[1].identity_key.has_value());
  EXPECT_EQ((*all)[1].added_at, 101);
  auto found = peers.find(addr("127.0.0.1:7002"));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_FALSE(*peers.find(addr("127.0.0.1:9999")));
}

TEST_F(PeerStoreTest, AddingAgainIsHarmlessAndAKeyCanBeRecordedLater) {
  PeerStore peers(*db_);
  ASSERT_TRUE(peers.add(addr("127.0.0.1:7001"), std::nullopt, 1));
  EXPECT_EQ(*peers.add(addr("127.0.0.1:7001"), std::nullopt, 2), AddOutcome::kUnchanged);
  EXPECT_EQ(*peers.add(addr("127.0.0.1:7001"), k1, 3), AddOutcome::kKeyRecorded);
  EXPECT_EQ(*peers.add(addr("127.0.0.1:7001"), k1, 4), AddOutcome::kUnchanged);
  EXPECT_EQ((*peers.find(addr("127.0.0.1:7001")))->identity_key, k1);
}

TEST_F(PeerStoreTest, APinnedKeyIsNeverReplacedSilently) {
  PeerStore peers(*db_);
  ASSERT_TRUE(peers.add(addr("127.0.0.1:7001"), k1, 1));
  auto r = peers.add(addr("127.0.0.1:7001"), k2, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kRefused);
  EXPECT_EQ(r.error().id(), core::ErrorId::kPeersOtherKey);
  EXPECT_EQ(r.error().field("address"), "127.0.0.1:7001");
  ASSERT_TRUE(peers.record_key(addr("127.0.0.1:7001"), k2));  // TOFU never overwrites either
  EXPECT_EQ((*peers.find(addr("127.0.0.1:7001")))->identity_key, k1);
}

TEST_F(PeerStoreTest, AdmissionIsByRecordedKey) {
  PeerStore peers(*db_);
  ASSERT_TRUE(peers.add(addr("127.0.0.1:7001"), k1, 1));
  ASSERT_TRUE(peers.add(addr("127.0.0.1:7002"), std::nullopt, 1));
  EXPECT_TRUE(*peers.is_allowed(k1));
  EXPECT_FALSE(*peers.is_allowed(k2));
  ASSERT_TRUE(peers.record_key(addr("127.0.0.1:7002"), k2));
  EXPECT_TRUE(*peers.is_allowed(k2));
  EXPECT_TRUE(*peers.remove(addr("127.0.0.1:7002")));
  EXPECT_FALSE(*peers.is_allowed(k2));
  EXPECT_FALSE(*peers.remove(addr("127.0.0.1:7002")));
}

TEST_F(PeerStoreTest, MarkSynced) {
  PeerStore peers(*db_);
  ASSERT_TRUE(peers.add(addr("[::1]:7001"), k1, 1));
  ASSERT_TRUE(peers.mark_synced(addr("[::1]:7001"), 55));
  EXPECT_EQ((*peers.find(addr("[::1]:7001")))->last_synced_at, 55);
}

}  // namespace
}  // namespace tumar::peers
