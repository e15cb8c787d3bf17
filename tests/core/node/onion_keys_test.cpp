// This node's Tor keys in the profile's store (core/node/onion_keys): kept
// across opens, made once, never silently replaced when damaged; and the
// migration to schema 9 that holds them keeps an older profile's directory.

#include "core/node/onion_keys.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/store/bind.hpp"
#include "core/tor/client_auth.hpp"
#include "tests/core/network/network_fixture.hpp"

namespace tumar::node {
namespace {

using network::test::kT0;

class OnionKeysTest : public network::test::NetworkFixture {};

tor::OnionServiceKey onion_key(std::uint8_t fill) {
  std::array<std::uint8_t, tor::kOnionKeyLen> bytes{};
  bytes.fill(fill);
  return tor::OnionServiceKey::copy_of(bytes);
}

TEST_F(OnionKeysTest, TheOnionServiceKeyIsKeptAndReplaced) {
  auto a = node(1);
  auto none = load_onion_service_key(a->db());
  ASSERT_TRUE(none) << none.error().describe();
  EXPECT_FALSE(*none) << "before the first publication there is no key";

  ASSERT_TRUE(store_onion_service_key(a->db(), onion_key(0x41)));
  auto first = load_onion_service_key(a->db());
  ASSERT_TRUE(first && *first);
  EXPECT_TRUE(crypto::constant_time_equal((*first)->span(), onion_key(0x41).span()));

  ASSERT_TRUE(store_onion_service_key(a->db(), onion_key(0x42)));
  auto second = load_onion_service_key(a->db());
  ASSERT_TRUE(second && *second);
  EXPECT_TRUE(crypto::constant_time_equal((*second)->span(), onion_key(0x42).span()));
}

TEST_F(OnionKeysTest, TheClientAuthKeypairIsMadeOnceAndThenTheSame) {
  auto a = node(1);
  crypto::DeterministicRandom rng1(11), rng2(12);
  auto made = client_auth_keypair(a->db(), rng1);
  ASSERT_TRUE(made) << made.error().describe();
  EXPECT_EQ(made->public_key, tor::client_auth_public_key(made->private_key));
  auto again = client_auth_keypair(a->db(), rng2);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->public_key, made->public_key) << "a second call with other randomness keeps the stored key";
  EXPECT_TRUE(crypto::constant_time_equal(again->private_key.span(), made->private_key.span()));

  // Another profile gets its own.
  auto b = node(2);
  auto other = client_auth_keypair(b->db(), rng1);
  ASSERT_TRUE(other);
  EXPECT_NE(other->public_key, made->public_key);
}

TEST_F(OnionKeysTest, AStoredKeyOfTheWrongSizeIsDamagedNotReplaced) {
  auto a = node(1);
  const std::vector<std::uint8_t> short_key(31, 7), long_key(65, 7);
  ASSERT_TRUE(store::execute(a->db(), "INSERT INTO tor_key (name, key) VALUES ('client_auth', ?1)",
                             std::span<const std::uint8_t>(short_key)));
  ASSERT_TRUE(store::execute(a->db(), "INSERT INTO tor_key (name, key) VALUES ('onion_service', ?1)",
                             std::span<const std::uint8_t>(long_key)));
  crypto::DeterministicRandom rng(3);
  auto pair = client_auth_keypair(a->db(), rng);
  ASSERT_FALSE(pair);
  EXPECT_EQ(pair.error().code(), core::Errc::kCorrupt);
  EXPECT_EQ(pair.error().id(), core::ErrorId::kTorStoredKeyDamaged);
  EXPECT_EQ(pair.error().field("name"), "client_auth");
  auto service = load_onion_service_key(a->db());
  ASSERT_FALSE(service);
  EXPECT_EQ(service.error().code(), core::Errc::kCorrupt);
  EXPECT_EQ(service.error().field("name"), "onion_service");
  // Still the damaged row: a new key would lock us out of every peer's service.
  auto st = store::prepare_bound(a->db(), "SELECT length(key) FROM tor_key WHERE name = 'client_auth'");
  ASSERT_TRUE(st && *st->step());
  EXPECT_EQ(st->column_int64(0), 31);
}

TEST_F(OnionKeysTest, ARealProfileCarriesItsKeyAndADemoProfileNone) {
  auto real = node(1);
  crypto::DeterministicRandom rng(5);
  auto key = profile_client_key(real->store(), rng);
  ASSERT_TRUE(key) << key.error().describe();
  ASSERT_TRUE(*key);
  auto pair = client_auth_keypair(real->db(), rng);
  ASSERT_TRUE(pair);
  EXPECT_EQ(**key, pair->public_key);

  auto demo = node(2);
  ASSERT_TRUE(demo->store().mark_profile_demo());
  auto none = profile_client_key(demo->store(), rng);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto st = store::prepare_bound(demo->db(), "SELECT count(*) FROM tor_key");
  ASSERT_TRUE(st && *st->step());
  EXPECT_EQ(st->column_int64(0), 0) << "a demo profile makes no Tor key";
}

// A schema 8 profile: its members' profiles keep their addresses and have
// no onion key, and there is no Tor key yet.
TEST_F(OnionKeysTest, SchemaNineKeepsAVersion8Directory) {
  auto db = store::Database::open_plain(dir_.path() / "v8.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE(profile::migrate(*db, 8));
  network::NetworkId net{};
  net.fill(0x11);
  identity::IdentityKey member{};
  member.fill(0x22);
  network::ObjectId object{};
  object.fill(0x33);
  ASSERT_TRUE(store::execute(*db,
                             "INSERT INTO profile (network_id, identity_key, lamport, object_id, display_name, "
                             "organisation, region, languages, services, contact, updated_at, addresses) VALUES "
                             "(?1, ?2, 1, ?3, 'Dana', '', '', '', '', '', ?4, '192.0.2.7:7420')",
                             net, member, object, kT0));
  ASSERT_TRUE(profile::migrate(*db));
  EXPECT_EQ(*profile::schema_version(*db), 9);
  auto st = store::prepare_bound(*db, "SELECT addresses, onion_client_key IS NULL FROM profile");
  ASSERT_TRUE(st && *st->step());
  EXPECT_EQ(st->column_text(0), "192.0.2.7:7420");
  EXPECT_EQ(st->column_int64(1), 1);
  auto none = load_onion_service_key(*db);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  // The column takes only a 32-byte key.
  const std::vector<std::uint8_t> short_key(31, 1);
  EXPECT_FALSE(store::execute(*db, "UPDATE profile SET onion_client_key = ?1", std::span<const std::uint8_t>(short_key)));
}

}  // namespace
}  // namespace tumar::node
