// Who our onion service lets in (core/node/onion_clients): the keys of our
// networks' current members and of the invites a newcomer may still come
// with, and nobody else, as the lead's directory changes.

#include "core/node/onion_clients.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/tor/client_auth.hpp"
#include "tests/core/network/network_fixture.hpp"

namespace tumar::node {
namespace {

using network::Role;
using network::test::kMinute;
using network::test::kT0;
using network::test::Node;

tor::ClientAuthPublicKey key_of(std::uint8_t seed) {
  crypto::DeterministicRandom rng(seed);
  return tor::client_auth_public_key(tor::new_client_auth_key(rng));
}

class OnionClientsTest : public network::test::NetworkFixture {
 protected:
  void SetUp() override {
    lead_ = node(1);
    bea_ = node(2);
    cem_ = node(3);
    dov_ = node(4);
    // Network 1: the lead, Bea and Cem. Network 2: the lead and Dov.
    net1_ = found(*lead_, bea_->pub(), Role::kMember);
    bea_->join(net1_);
    network::test::feed(*bea_, everything(*lead_), kT0 + 7 * kMinute);
    admit_and_sync(*lead_, *cem_, net1_, Role::kMember, kT0 + 8 * kMinute);
    auto net2 = lead_->author().create_network("Shymkent shelters", false, kT0 + 9 * kMinute);
    ASSERT_TRUE(net2);
    net2_ = *net2;
    admit_and_sync(*lead_, *dov_, net2_, Role::kMember, kT0 + 10 * kMinute);
    // The lead's own key is in its profile: never listed for itself.
    publish_key(*lead_, net1_, "Aigerim", key_of(100), kT0 + 11 * kMinute);
  }

  // `who` publishes a profile with `key` in `net`, and the lead receives it.
  void publish_key(Node& who, const network::NetworkId& net, const std::string& name,
                   std::optional<tor::ClientAuthPublicKey> key, std::uint64_t at) {
    network::ProfileFields f;
    f.display_name = name;
    f.onion_client_key = key;
    auto w = who.author().set_profile(net, f, at);
    ASSERT_TRUE(w) << w.error().describe();
    if (&who != lead_.get()) network::test::feed(*lead_, w->envelopes, at + 1);
  }

  // An invite the lead issued for `net`, expiring at `expires_s`; its secret is `fill` repeated.
  std::array<std::uint8_t, 32> invite(const network::NetworkId& net, std::uint8_t fill, std::int64_t expires_s) {
    network::InviteRecord r;
    r.invite_id.fill(fill);
    r.network = net;
    std::array<std::uint8_t, 32> secret{};
    secret.fill(fill);
    r.secret = crypto::Secret<32>::copy_of(secret);
    r.created_at = static_cast<std::int64_t>(kT0 / 1000);
    r.expires_at = expires_s;
    EXPECT_TRUE(lead_->store().add_invite(r));
    return secret;
  }

  static tor::ClientAuthPublicKey invite_key(const std::array<std::uint8_t, 32>& secret) {
    return tor::client_auth_public_key(tor::invite_client_auth_key(secret));
  }

  std::vector<tor::ClientAuthPublicKey> clients(std::uint64_t now_ms) {
    auto r = authorized_onion_clients(lead_->replica(), lead_->key(), now_ms);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? *r : std::vector<tor::ClientAuthPublicKey>{};
  }

  static bool has(const std::vector<tor::ClientAuthPublicKey>& keys, const tor::ClientAuthPublicKey& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  }

  std::unique_ptr<Node> lead_, bea_, cem_, dov_;
  network::NetworkId net1_{}, net2_{};
};

TEST_F(OnionClientsTest, CurrentMembersOfEveryNetworkButNotUsNorTheRemoved) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  publish_key(*bea_, net1_, "Bea", key_of(2), t);
  publish_key(*cem_, net1_, "Cem", key_of(3), t + 2);
  publish_key(*dov_, net2_, "Dov", key_of(4), t + 4);
  std::vector<tor::ClientAuthPublicKey> expected{key_of(2), key_of(3), key_of(4)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(clients(t + kMinute), expected) << "sorted, without the lead's own key";

  ASSERT_TRUE(lead_->author().remove(net1_, cem_->key(), t + 2 * kMinute));
  std::vector<tor::ClientAuthPublicKey> after{key_of(2), key_of(4)};
  std::sort(after.begin(), after.end());
  EXPECT_EQ(clients(t + 3 * kMinute), after) << "a removal revokes Cem's access at the next publication";
}

TEST_F(OnionClientsTest, AMemberWithoutAKeyAddsNothingAndOneKeyInTwoNetworksIsListedOnce) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  publish_key(*bea_, net1_, "Bea", std::nullopt, t);
  EXPECT_TRUE(clients(t + kMinute).empty());
  // Two members naming one key (one person under two identities, one per
  // network): tor gets it once.
  publish_key(*bea_, net1_, "Bea", key_of(9), t + 2);
  publish_key(*dov_, net2_, "Dov", key_of(9), t + 4);
  EXPECT_EQ(clients(t + kMinute), std::vector<tor::ClientAuthPublicKey>{key_of(9)});
}

TEST_F(OnionClientsTest, OutstandingInvitesAreListedExpiredOnesNot) {
  const std::uint64_t now = kT0 + 20 * kMinute;
  const auto now_s = static_cast<std::int64_t>(now / 1000);
  const auto open = invite(net1_, 0xA1, now_s + 3600);
  const auto expired = invite(net2_, 0xA2, now_s);  // expires this very second
  const auto keys = clients(now);
  EXPECT_TRUE(has(keys, invite_key(open)));
  EXPECT_FALSE(has(keys, invite_key(expired)));
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_FALSE(has(clients(now + 3600 * 1000), invite_key(open))) << "and it goes when it expires";
}

TEST_F(OnionClientsTest, AUsedInviteStaysListedUntilItsJoinerPublishesHerOwnKey) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  const auto now_s = static_cast<std::int64_t>(t / 1000);
  // Dov joined network 2 with this invite; an hour later it would have expired.
  const auto used = invite(net2_, 0xB1, now_s + 3600);
  std::array<std::uint8_t, 16> id{};
  id.fill(0xB1);
  ASSERT_TRUE(*lead_->store().use_invite(id, dov_->key(), now_s));
  EXPECT_EQ(clients(t), std::vector<tor::ClientAuthPublicKey>{invite_key(used)})
      << "Dov has no key in any directory yet: the invite's key lets her in";
  EXPECT_EQ(clients(t + 7200 * 1000), std::vector<tor::ClientAuthPublicKey>{invite_key(used)})
      << "however long her profile takes (used invites do not expire here)";

  publish_key(*dov_, net2_, "Dov", key_of(4), t + 1);
  EXPECT_EQ(clients(t + kMinute), std::vector<tor::ClientAuthPublicKey>{key_of(4)})
      << "her own key replaces the invite's";
}

TEST_F(OnionClientsTest, AUsedInviteOfARemovedJoinerIsNotListed) {
  const std::uint64_t t = kT0 + 20 * kMinute;
  const auto now_s = static_cast<std::int64_t>(t / 1000);
  const auto used = invite(net1_, 0xC1, now_s + 3600);
  std::array<std::uint8_t, 16> id{};
  id.fill(0xC1);
  ASSERT_TRUE(*lead_->store().use_invite(id, cem_->key(), now_s));
  EXPECT_TRUE(has(clients(t), invite_key(used)));
  ASSERT_TRUE(lead_->author().remove(net1_, cem_->key(), t + kMinute));
  EXPECT_TRUE(clients(t + 2 * kMinute).empty());
}

}  // namespace
}  // namespace tumar::node
