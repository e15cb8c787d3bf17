// The demo sandbox (SECURITY.md, "The trainer's demo"): the demo mark is
// signed into the genesis, a real profile accepts nothing of a demo network
// and a demo profile nothing of a real one, and a real network's genesis
// encodes exactly as before the mark existed.

#include <gtest/gtest.h>

#include "core/network/payload_codec.hpp"
#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

class SandboxTest : public NetworkFixture {
 protected:
  static void make_demo(Node& n) { ASSERT_TRUE(n.store().mark_profile_demo()); }

  // `lead` founds a network and admits `who`; `who` is then fed everything.
  std::pair<NetworkId, std::vector<sync::IngestOutcome>> found_and_feed(Node& lead, Node& who, bool demo) {
    auto net = lead.author().create_network("Training: Shelters KZ", demo, kT0);
    EXPECT_TRUE(net) << net.error().describe();
    EXPECT_TRUE(lead.author().add_note(*net, {"Hotline", "24h", {}, "", "", 0, 0}, kT0 + kMinute));
    EXPECT_TRUE(lead.author().admit(*net, who.pub(), Role::kMember, kT0 + 2 * kMinute));
    who.join(*net);
    return {*net, feed(who, everything(lead), kT0 + 3 * kMinute)};
  }
};

TEST_F(SandboxTest, ProfilesAreRealUnlessMarked) {
  auto a = node(1);
  EXPECT_FALSE(*a->store().profile_is_demo());
  make_demo(*a);
  EXPECT_TRUE(*a->store().profile_is_demo());
}

TEST_F(SandboxTest, TheMarkIsSignedIntoTheGenesisAndReachesEveryReplica) {
  auto lead = node(1), member = node(2);
  make_demo(*lead);
  make_demo(*member);
  auto [net, outcomes] = found_and_feed(*lead, *member, true);
  // Objects that come before the member's key grant wait (kPending) and are
  // stored once it arrives: none is refused, and the member ends with all.
  for (auto o : outcomes) EXPECT_NE(o, sync::IngestOutcome::kRejected);
  EXPECT_EQ(*member->store().object_count(net), *lead->store().object_count(net));
  auto notes = member->replica().library().notes(net);
  ASSERT_TRUE(notes);
  EXPECT_EQ(notes->size(), 1u);
  EXPECT_FALSE(member->replica().sandbox_refused());
  auto rec = member->store().network(net);
  ASSERT_TRUE(rec && *rec);
  EXPECT_TRUE((*rec)->is_demo);
  EXPECT_EQ((*rec)->name, "Training: Shelters KZ");  // the member's row came from the genesis alone
}

TEST_F(SandboxTest, ARealProfileAcceptsNothingOfADemoNetwork) {
  auto lead = node(1), real = node(2);
  make_demo(*lead);
  auto [net, outcomes] = found_and_feed(*lead, *real, true);
  EXPECT_TRUE(real->replica().sandbox_refused());
  EXPECT_EQ(*real->store().object_count(net), 0u);
  for (auto o : outcomes) EXPECT_NE(o, sync::IngestOutcome::kAccepted);
  auto notes = real->replica().library().notes(net);
  ASSERT_TRUE(notes);
  EXPECT_TRUE(notes->empty());
}

TEST_F(SandboxTest, ADemoProfileAcceptsNothingOfARealNetwork) {
  auto lead = node(1), demo = node(2);
  make_demo(*demo);
  auto [net, outcomes] = found_and_feed(*lead, *demo, false);
  EXPECT_TRUE(demo->replica().sandbox_refused());
  EXPECT_EQ(*demo->store().object_count(net), 0u);
  for (auto o : outcomes) EXPECT_NE(o, sync::IngestOutcome::kAccepted);
}

TEST_F(SandboxTest, EachKindOfProfileCreatesOnlyItsKindOfNetwork) {
  auto real = node(1), demo = node(2);
  make_demo(*demo);
  auto a = real->author().create_network("Training", true, kT0);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code(), core::Errc::kRefused);
  auto b = demo->author().create_network("Real", false, kT0);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), core::Errc::kRefused);
  EXPECT_TRUE(real->store().networks()->empty());
  EXPECT_TRUE(demo->store().networks()->empty());
}

TEST_F(SandboxTest, ARealGenesisEncodesWithoutTheMarkAndDecodingStaysStrict) {
  proto::Genesis g;
  g.set_name("Shelters KZ");
  const std::string without = g.SerializeAsString();
  g.set_demo(false);
  EXPECT_EQ(g.SerializeAsString(), without);  // old networks keep their ids
  g.set_demo(true);
  EXPECT_NE(g.SerializeAsString(), without);
  auto founder = node(1);
  proto::Genesis full;
  full.set_name("Shelters KZ");
  full.mutable_founder()->set_identity_key(founder->key().data(), founder->key().size());
  const std::string real = full.SerializeAsString();
  full.set_demo(true);
  auto decoded = decode_genesis(full.SerializeAsString());
  ASSERT_TRUE(decoded) << decoded.error().describe();
  EXPECT_TRUE(decoded->demo());
  // demo = true as a non-canonical varint (0x18 0x81 0x00) would give one
  // network two ids: refused.
  EXPECT_FALSE(decode_genesis(real + std::string("\x18\x81\x00", 3)));
  // demo = false written out explicitly (0x18 0x00) likewise.
  EXPECT_FALSE(decode_genesis(real + std::string("\x18\x00", 2)));
}

}  // namespace
}  // namespace tumar::network
