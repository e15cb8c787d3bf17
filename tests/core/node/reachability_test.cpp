// Our profiles say where our onion service is and which key we dial with
// (core/node/reachability): once per change, every other field kept, and
// what they say reaches the other members.

#include "core/node/reachability.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/tor/client_auth.hpp"
#include "tests/core/network/network_fixture.hpp"

namespace tumar::node {
namespace {

using network::Role;
using network::test::kMinute;
using network::test::kT0;
using network::test::Node;

const std::string kService = std::string(55, 'a') + "d";
const std::string kOnion = kService + ".onion:7420";
const std::string kOldOnion = std::string(55, 'b') + "d.onion:7000";

tor::ClientAuthPublicKey key_of(std::uint8_t seed) {
  crypto::DeterministicRandom rng(seed);
  return tor::client_auth_public_key(tor::new_client_auth_key(rng));
}

class ReachabilityTest : public network::test::NetworkFixture {
 protected:
  void SetUp() override {
    me_ = node(1);
    bea_ = node(2);
    net1_ = found(*me_, bea_->pub(), Role::kMember);  // writes our profile: Aigerim, Crisis line, Almaty...
    bea_->join(net1_);
    network::test::feed(*bea_, everything(*me_), kT0 + 7 * kMinute);
    auto net2 = me_->author().create_network("Shymkent shelters", false, kT0 + 8 * kMinute);
    ASSERT_TRUE(net2);
    net2_ = *net2;
    network::ProfileFields f;
    f.display_name = "Aigerim S.";
    f.addresses = {"192.0.2.1:1", kOldOnion, "192.0.2.2:2", "192.0.2.3:3"};
    ASSERT_TRUE(me_->author().set_profile(net2_, f, kT0 + 9 * kMinute));
  }

  static std::optional<network::ProfileRecord> profile_of(Node& n, const network::NetworkId& net,
                                                          const identity::IdentityKey& who) {
    auto entries = n.replica().directory().entries(net);
    EXPECT_TRUE(entries);
    if (!entries) return std::nullopt;
    for (const auto& e : *entries) {
      if (e.member.identity.identity_key == who) return e.profile;
    }
    return std::nullopt;
  }

  core::Result<std::vector<std::vector<std::uint8_t>>> publish(const std::string& address,
                                                               const tor::ClientAuthPublicKey& key, std::uint64_t at) {
    return publish_reachability(me_->replica(), me_->me(), me_->rng(), address, key, at);
  }

  std::unique_ptr<Node> me_, bea_;
  network::NetworkId net1_{}, net2_{};
};

TEST_F(ReachabilityTest, EveryNetworkLearnsTheOnionAddressFirstAndTheKeyOnce) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  auto written = publish(kOnion, key_of(1), t);
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(written->size(), 2u) << "one new profile in each network";

  auto p1 = profile_of(*me_, net1_, me_->key());
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->addresses, std::vector<std::string>{kOnion});
  EXPECT_EQ(p1->onion_client_key, key_of(1));
  EXPECT_EQ(p1->display_name, "Aigerim");
  EXPECT_EQ(p1->organisation, "Crisis line");
  EXPECT_EQ(p1->region, "Almaty");
  EXPECT_EQ(p1->contact, "+7 700 000");
  EXPECT_EQ(p1->languages, (std::vector<std::string>{"kk", "ru"}));
  EXPECT_EQ(p1->services, std::vector<std::string>{"legal"});

  auto p2 = profile_of(*me_, net2_, me_->key());
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->addresses, (std::vector<std::string>{kOnion, "192.0.2.1:1", "192.0.2.2:2", "192.0.2.3:3"}))
      << "the old onion address goes, the others stay behind the new one";
  EXPECT_EQ(p2->display_name, "Aigerim S.");

  // Nothing changed: nothing written, however often it runs.
  auto again = publish(kOnion, key_of(1), t + kMinute);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());

  // Bea receives it as any profile, through the peer's validation.
  network::test::feed(*bea_, *written, t + 2 * kMinute);
  auto seen = profile_of(*bea_, net1_, me_->key());
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->addresses, std::vector<std::string>{kOnion});
  EXPECT_EQ(seen->onion_client_key, key_of(1));
}

TEST_F(ReachabilityTest, ANewKeyOrAddressIsPublishedAgainAndTheLastAddressDropsWhenFull) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  network::ProfileFields full;
  full.display_name = "Aigerim S.";
  full.addresses = {"192.0.2.1:1", "192.0.2.2:2", "192.0.2.3:3", "192.0.2.4:4"};
  ASSERT_TRUE(me_->author().set_profile(net2_, full, t));
  ASSERT_TRUE(publish(kOnion, key_of(1), t + 1));
  auto p2 = profile_of(*me_, net2_, me_->key());
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->addresses, (std::vector<std::string>{kOnion, "192.0.2.1:1", "192.0.2.2:2", "192.0.2.3:3"}));

  auto new_key = publish(kOnion, key_of(2), t + 2);
  ASSERT_TRUE(new_key);
  EXPECT_EQ(new_key->size(), 2u);
  EXPECT_EQ(profile_of(*me_, net1_, me_->key())->onion_client_key, key_of(2));

  auto moved = publish(kOldOnion, key_of(2), t + 3);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->size(), 2u);
  EXPECT_EQ(profile_of(*me_, net1_, me_->key())->addresses, std::vector<std::string>{kOldOnion})
      << "a new service address replaces the old one";
}

TEST_F(ReachabilityTest, AnAddressThatIsNotAnOnionServiceIsRefusedAndNothingWritten) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  for (const std::string& bad : std::vector<std::string>{"node.example.org:7420", kService + ".onion", "192.0.2.7:7420",
                                                         std::string(55, 'a') + "x.onion:7420"}) {
    auto r = publish(bad, key_of(1), t);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument) << bad;
  }
  auto p1 = profile_of(*me_, net1_, me_->key());
  ASSERT_TRUE(p1);
  EXPECT_FALSE(p1->onion_client_key);
  EXPECT_TRUE(p1->addresses.empty());
}

TEST_F(ReachabilityTest, ANetworkWeWereRemovedFromIsLeftAlone) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  // Bea's view: she is a member of network 1 only; removed, she writes nothing there.
  network::ProfileFields f;
  f.display_name = "Bea";
  ASSERT_TRUE(bea_->author().set_profile(net1_, f, t));
  auto ours = publish_reachability(bea_->replica(), bea_->me(), bea_->rng(), kOnion, key_of(3), t + 1);
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->size(), 1u);
  auto removal = me_->author().remove(net1_, bea_->key(), t + 2);
  ASSERT_TRUE(removal);
  network::test::feed(*bea_, everything(*me_), t + 3);
  auto after = publish_reachability(bea_->replica(), bea_->me(), bea_->rng(), kOnion, key_of(4), t + 4);
  ASSERT_TRUE(after) << after.error().describe();
  EXPECT_TRUE(after->empty());
}

}  // namespace
}  // namespace tumar::node
