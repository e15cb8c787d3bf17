// The inviter's node redeeming invites (core/network/node_admission.hpp),
// and the sandbox on its side (SECURITY.md, "The trainer's demo"): a valid
// proof from a joining profile of the other kind than the network's is
// refused before the invite is marked used, so nothing is admitted, no key
// is granted, and the rightful joiner can still use the invite.

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/invite/invite_code.hpp"
#include "core/invite/invite_proof.hpp"
#include "core/network/node_admission.hpp"
#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;
using Secret32 = crypto::Secret<noise::kInviteSecretLen>;

class InviteAdmissionTest : public NetworkFixture {
 protected:
  // `lead` founds a network of `kind` and records an invite to it.
  NetworkId found_with_invite(Node& lead, noise::ProfileKind kind) {
    const bool demo = kind == noise::ProfileKind::kDemo;
    if (demo) {
      EXPECT_TRUE(lead.store().mark_profile_demo());
    }
    auto net = lead.author().create_network("Shelters KZ", demo, kT0);
    EXPECT_TRUE(net) << net.error().describe();
    InviteRecord record;
    record.invite_id = invite::invite_id(secret);
    record.network = *net;
    record.secret = Secret32::copy_of(secret.span());
    record.created_at = static_cast<std::int64_t>(kT0 / 1000);
    record.expires_at = record.created_at + 3600;
    EXPECT_TRUE(lead.store().add_invite(record));
    return *net;
  }

  // What a joining profile of `kind` presents: a proof that verifies.
  noise::PresentedInvite proof(noise::ProfileKind kind) {
    noise::PresentedInvite p;
    p.invite_id = invite::invite_id(secret);
    p.kind = kind;
    p.handshake_hash.fill(0x80);
    p.mac = invite::invite_proof_mac(secret, p.handshake_hash, kind);
    return p;
  }

  static identity::VerifiedIdentity verified(Node& n) { return *identity::verify_binding(n.pub()); }

  bool used(Node& lead) {
    auto record = lead.store().invite(invite::invite_id(secret));
    EXPECT_TRUE(record && *record);
    return (*record)->used_at.has_value();
  }

  static std::size_t members(Node& lead, const NetworkId& net) {
    auto entries = lead.replica().directory().entries(net);
    EXPECT_TRUE(entries);
    return entries->size();
  }

  static bool is_member(Node& lead, const NetworkId& net, Node& who) {
    auto m = lead.replica().directory().member(net, who.key());
    EXPECT_TRUE(m);
    return m->has_value();
  }

  Secret32 secret = Secret32::random();
  const std::uint64_t now = kT0 + kMinute;
};

TEST_F(InviteAdmissionTest, ARealNetworkRefusesADemoProfileBeforeTheInviteIsSpent) {
  auto lead = node(1), demo = node(2), rightful = node(3);
  const NetworkId net = found_with_invite(*lead, noise::ProfileKind::kReal);
  const std::size_t before = members(*lead, net);
  NodeAdmission gate(lead->replica(), lead->me(), lead->rng());

  auto refused = gate.admit(verified(*demo), proof(noise::ProfileKind::kDemo), now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::Errc::kRefused);
  EXPECT_EQ(refused.error().id(), core::ErrorId::kNetworkDemoJoinerRealNetwork) << refused.error().describe();
  EXPECT_FALSE(used(*lead));
  EXPECT_FALSE(is_member(*lead, net, *demo));
  EXPECT_EQ(members(*lead, net), before);
  // Nothing signed, no key granted: the refusal carries no envelopes.

  // The rightful (real) joiner still gets in with the same invite, once.
  auto admitted = gate.admit(verified(*rightful), proof(noise::ProfileKind::kReal), now);
  ASSERT_TRUE(admitted);
  EXPECT_TRUE(used(*lead));
  EXPECT_TRUE(is_member(*lead, net, *rightful));
  EXPECT_EQ(members(*lead, net), before + 1);
  EXPECT_FALSE(admitted->empty()) << "the admission and grants, for the node to flood";
  EXPECT_FALSE(gate.admit(verified(*demo), proof(noise::ProfileKind::kReal), now));
}

TEST_F(InviteAdmissionTest, ADemoNetworkRefusesARealProfileBeforeTheInviteIsSpent) {
  auto lead = node(1), real = node(2), rightful = node(3);
  const NetworkId net = found_with_invite(*lead, noise::ProfileKind::kDemo);
  const std::size_t before = members(*lead, net);
  NodeAdmission gate(lead->replica(), lead->me(), lead->rng());

  auto refused = gate.admit(verified(*real), proof(noise::ProfileKind::kReal), now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::Errc::kRefused);
  EXPECT_EQ(refused.error().id(), core::ErrorId::kNetworkRealJoinerDemoNetwork) << refused.error().describe();
  EXPECT_FALSE(used(*lead));
  EXPECT_FALSE(is_member(*lead, net, *real));
  EXPECT_EQ(members(*lead, net), before);

  ASSERT_TRUE(gate.admit(verified(*rightful), proof(noise::ProfileKind::kDemo), now));
  EXPECT_TRUE(used(*lead));
  EXPECT_TRUE(is_member(*lead, net, *rightful));
}

TEST_F(InviteAdmissionTest, AProofRelabelledWithTheNetworksKindDoesNotVerify) {
  // The kind is under the mac: a demo joiner's proof with its kind byte
  // changed to "real" is refused like any forged proof, and spends nothing.
  auto lead = node(1), demo = node(2);
  found_with_invite(*lead, noise::ProfileKind::kReal);
  NodeAdmission gate(lead->replica(), lead->me(), lead->rng());
  noise::PresentedInvite relabelled = proof(noise::ProfileKind::kDemo);
  relabelled.kind = noise::ProfileKind::kReal;
  auto refused = gate.admit(verified(*demo), relabelled, now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().id(), core::ErrorId::kNetworkInviteProofInvalid) << refused.error().describe();
  EXPECT_FALSE(used(*lead));
}

}  // namespace
}  // namespace tumar::network
