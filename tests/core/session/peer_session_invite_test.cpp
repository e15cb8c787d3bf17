// PeerSession with an invite (docs/PROTOCOL.md, "Invites"): the responder's
// Admission receives what message 3 carried and decides with the invite's
// secret; a node whose Admission ignores invites judges the joiner by its
// identity alone, as before.

#include <gtest/gtest.h>

#include <vector>

#include "core/invite/invite_code.hpp"
#include "cli/front_end_error.hpp"
#include "core/invite/invite_proof.hpp"
#include "core/session/peer_session.hpp"
#include "session_harness.hpp"

namespace tumar::session {
namespace {

using test::Admission;
using test::Harness;
using Secret32 = crypto::Secret<noise::kInviteSecretLen>;

// What an Admission callback was shown.
struct Seen {
  int calls = 0;
  std::optional<noise::PresentedInvite> invite;
};

// The lead's side: admits exactly the holders of `secret`.
Admission admit_invite_holders(const Secret32& secret, Seen& seen) {
  return [&secret, &seen](const identity::VerifiedIdentity&,
                          const std::optional<noise::PresentedInvite>& invite) -> core::Result<void> {
    ++seen.calls;
    seen.invite = invite;
    if (invite && invite::verify_invite_proof(secret, *invite)) return {};
    return cli::fail(core::Errc::kRefused, "No valid invite.");
  };
}

Admission record(Seen& seen) {
  return [&seen](const identity::VerifiedIdentity&,
                 const std::optional<noise::PresentedInvite>& invite) -> core::Result<void> {
    ++seen.calls;
    seen.invite = invite;
    return {};
  };
}

class PeerSessionInviteTest : public ::testing::Test {
 protected:
  Harness h;
  Secret32 secret = Secret32::random();
  Seen alice_saw, bob_saw;

  void join_with(const Secret32& presented_secret, Admission bob_admits) {
    h.alice_invite = noise::InviteCredential{invite::invite_id(presented_secret),
                                             Secret32::copy_of(presented_secret.span())};
    h.begin(record(alice_saw), std::move(bob_admits), h.bob.public_identity().identity_key);
    h.pump();
  }
};

TEST_F(PeerSessionInviteTest, LeadAdmitsAJoinerWhoseProofVerifies) {
  join_with(secret, admit_invite_holders(secret, bob_saw));
  ASSERT_TRUE(h.a->session.is_open()) << test::closure_text(h.a->closed);
  ASSERT_TRUE(h.b->session.is_open()) << test::closure_text(h.b->closed);
  ASSERT_TRUE(h.b->admitted);
  EXPECT_EQ(h.b->admitted->identity_key, h.alice.public_identity().identity_key);
  ASSERT_EQ(bob_saw.calls, 1);
  ASSERT_TRUE(bob_saw.invite);
  EXPECT_EQ(bob_saw.invite->invite_id, invite::invite_id(secret));
  // The initiator's Admission is never shown an invite.
  ASSERT_EQ(alice_saw.calls, 1);
  EXPECT_FALSE(alice_saw.invite);

  // And the session works as any other.
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(h.a->session.send(test::pong(7), out));
  h.a->outbox.insert(h.a->outbox.end(), out.begin(), out.end());
  h.pump();
  ASSERT_EQ(h.b->received.size(), 1u);
}

TEST_F(PeerSessionInviteTest, AWrongSecretIsNotAdmittedAndTheLeadSendsNothing) {
  join_with(Secret32::random(), admit_invite_holders(secret, bob_saw));
  ASSERT_TRUE(h.b->closed);
  EXPECT_EQ(h.b->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(h.b->outbox.empty());
  EXPECT_FALSE(h.b->admitted);
  EXPECT_EQ(bob_saw.calls, 1);
  EXPECT_TRUE(bob_saw.invite);
}

TEST_F(PeerSessionInviteTest, NoInviteIsNotAdmittedByALeadThatWantsOne) {
  h.begin(record(alice_saw), admit_invite_holders(secret, bob_saw), h.bob.public_identity().identity_key);
  h.pump();
  ASSERT_TRUE(h.b->closed);
  EXPECT_EQ(h.b->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_EQ(bob_saw.calls, 1);
  EXPECT_FALSE(bob_saw.invite);
}

TEST_F(PeerSessionInviteTest, AdmissionThatIgnoresInvitesJudgesTheIdentityAsBefore) {
  join_with(secret, test::admit_only(h.alice.public_identity().identity_key));
  EXPECT_TRUE(h.b->session.is_open()) << test::closure_text(h.b->closed);

  Harness other;
  other.alice_invite = noise::InviteCredential{invite::invite_id(secret), Secret32::copy_of(secret.span())};
  other.begin(test::admit_all(), test::admit_only(identity::IdentityKey{}), other.bob.public_identity().identity_key);
  other.pump();
  ASSERT_TRUE(other.b->closed);
  EXPECT_EQ(other.b->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(other.b->outbox.empty());
}

TEST_F(PeerSessionInviteTest, AnImpostorAtTheAddressGetsNoMessage3) {
  h.alice_invite = noise::InviteCredential{invite::invite_id(secret), Secret32::copy_of(secret.span())};
  h.begin(record(alice_saw), record(bob_saw), identity::IdentityKey{9});  // the code names someone else
  h.deliver(*h.a, *h.b, h.now, h.rng);  // message 1
  h.deliver(*h.b, *h.a, h.now, h.rng);  // message 2
  ASSERT_TRUE(h.a->closed);
  EXPECT_EQ(h.a->closed->reason, CloseReason::kNotAdmitted);
  EXPECT_TRUE(h.a->outbox.empty()) << "message 3 would carry the proof and reveal who is joining";
  EXPECT_EQ(bob_saw.calls, 0);
}

}  // namespace
}  // namespace tumar::session
