// Who may write what, and when: the pure rules (object_rules.hpp), and the
// same rules as a member experiences them through a replica — an object
// that breaks them is refused, counted, and never stored.

#include "core/network/object_rules.hpp"

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/network/object_limits.hpp"
#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

MemberRecord record(Role role, std::uint64_t admitted_epoch) {
  MemberRecord m;
  m.role = role;
  m.admitted_epoch = admitted_epoch;
  return m;
}

Header header(Kind kind, std::uint64_t epoch, std::uint64_t ts, std::uint64_t seq = 1) {
  Header h;
  h.network_id = NetworkId{};
  h.kind = kind;
  h.epoch = epoch;
  h.timestamp_ms = ts;
  h.seq = seq;
  return h;
}

TEST(ObjectRules, AReasonIsAnIdWithItsFieldsNotASentence) {
  const Decision future = check_timestamp(header(Kind::kNote, 0, kT0 + kMaxClockSkewMs + 1), kT0);
  ASSERT_TRUE(future.reason);
  EXPECT_EQ(future.reason->id(), core::ErrorId::kObjectStampedInFuture);
  const Decision held = check_author(std::nullopt, header(Kind::kNote, 0, kT0));
  ASSERT_TRUE(held.reason);
  EXPECT_EQ(held.reason->id(), core::ErrorId::kObjectAuthorAdmissionMissing);
  const Decision lead = check_author(record(Role::kMember, 0), header(Kind::kRemoval, 0, kT0));
  ASSERT_TRUE(lead.reason);
  EXPECT_EQ(lead.reason->id(), core::ErrorId::kObjectLeadOnlyKind);
  EXPECT_EQ(lead.reason->field("kind"), kind_name(Kind::kRemoval));
  EXPECT_FALSE(Decision::accept().reason);
}

TEST(ObjectRules, TheRulesAsPureFunctions) {
  EXPECT_EQ(check_author(std::nullopt, header(Kind::kNote, 0, kT0)).verdict, Verdict::kPending);
  EXPECT_TRUE(check_author(record(Role::kMember, 0), header(Kind::kNote, 0, kT0)).accepted());
  EXPECT_TRUE(check_author(record(Role::kMember, 0), header(Kind::kProfile, 5, kT0)).accepted());
  EXPECT_EQ(check_author(record(Role::kMember, 2), header(Kind::kNote, 1, kT0)).verdict, Verdict::kReject);
  for (Kind k : {Kind::kGenesis, Kind::kAdmission, Kind::kRemoval, Kind::kEpochGrant, Kind::kBroadcast,
                 Kind::kEpochStart}) {
    EXPECT_EQ(check_author(record(Role::kMember, 0), header(k, 0, kT0)).verdict, Verdict::kReject) << kind_name(k);
    EXPECT_TRUE(check_author(record(Role::kLead, 0), header(k, 0, kT0)).accepted()) << kind_name(k);
  }
  MemberRecord removed = record(Role::kLead, 0);
  removed.removed_epoch = 3;
  removed.removed_at_ms = kT0;
  removed.removed_seq = 7;
  EXPECT_TRUE(check_author(removed, header(Kind::kNote, 3, kT0, 7)).accepted());  // counted, in its epoch
  EXPECT_TRUE(check_author(removed, header(Kind::kNote, 1, kT0 - 1, 2)).accepted());
  EXPECT_EQ(check_author(removed, header(Kind::kNote, 4, kT0 - 1, 2)).verdict, Verdict::kReject);  // a later epoch
  // Past the removal's last seq, whatever the date: a removed lead once
  // came back through an admission dated before its removal.
  EXPECT_EQ(check_author(removed, header(Kind::kNote, 3, kT0 - 1, 8)).verdict, Verdict::kReject);
  EXPECT_EQ(check_author(removed, header(Kind::kAdmission, 0, 0, 8)).verdict, Verdict::kReject);
  EXPECT_TRUE(check_author(removed, header(Kind::kNote, 3, kT0 + 1, 7)).accepted());  // the date decides nothing
  // A removal's seq is judged with the target known (check_removal_seq).
  EXPECT_TRUE(check_author(removed, header(Kind::kRemoval, 0, kT0, 8)).accepted());
  EXPECT_EQ(check_removal_seq(7, header(Kind::kRemoval, 0, kT0, 8)).verdict, Verdict::kReject);
  EXPECT_TRUE(check_removal_seq(std::nullopt, header(Kind::kRemoval, 0, kT0, 8)).accepted());
  EXPECT_FALSE(may_sync(removed));
  EXPECT_TRUE(may_sync(record(Role::kMember, 0)));

  EXPECT_TRUE(check_timestamp(header(Kind::kNote, 0, kT0 + kMaxClockSkewMs), kT0).accepted());
  EXPECT_EQ(check_timestamp(header(Kind::kNote, 0, kT0 + kMaxClockSkewMs + 1), kT0).verdict, Verdict::kReject);
  EXPECT_TRUE(check_timestamp(header(Kind::kNote, 0, 0), kT0).accepted());  // old is fine: sync delivers history
  // A clock at the top of the range does not wrap the allowed skew.
  EXPECT_TRUE(check_timestamp(header(Kind::kNote, 0, UINT64_MAX), UINT64_MAX - 1).accepted());
}

// A founds the network; B is a plain member, L a second lead. Everyone is in sync.
class RulesTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    l_ = node(4);
    net_ = found(*a_, b_->pub(), Role::kMember);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    admit_and_sync(*a_, *l_, net_, Role::kLead, kT0 + 8 * kMinute);
    feed(*b_, missing(*a_, *b_), kT0 + 9 * kMinute);
    ASSERT_EQ(snapshot(*a_, net_), snapshot(*b_, net_));
  }

  // Ingests one envelope at A; expects `want`, and that a refused or pending
  // object is not stored.
  void expect_at_a(const Bytes& env, sync::IngestOutcome want, std::uint64_t now = kT0 + 20 * kMinute) {
    const auto before = a_->replica().counters();
    auto r = a_->replica().ingest(env, now);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->outcome, want) << (r->reason ? r->reason->describe() : std::string());
    EXPECT_EQ(*a_->store().has_object(object_id(env)), want == sync::IngestOutcome::kAccepted);
    if (want == sync::IngestOutcome::kRejected) {
      EXPECT_EQ(a_->replica().counters().rejected, before.rejected + 1);
    }
  }

  std::unique_ptr<Node> a_, b_, l_;
  NetworkId net_{};
};

TEST_F(RulesTest, AMemberCannotWriteWhatOnlyLeadsMay) {
  auto [epoch, key] = current_key(*b_, net_);
  const std::uint64_t t = kT0 + 10 * kMinute;
  crypto::DeterministicRandom rng(50);
  auto stranger = identity::LocalIdentity::generate(rng);

  proto::Admission adm;
  adm.mutable_member()->set_identity_key(std::string(stranger.public_identity().identity_key.begin(),
                                                     stranger.public_identity().identity_key.end()));
  adm.mutable_member()->set_noise_static_key(std::string(stranger.public_identity().noise_key.begin(),
                                                         stranger.public_identity().noise_key.end()));
  adm.mutable_member()->set_binding_signature(std::string(stranger.public_identity().binding_signature.begin(),
                                                          stranger.public_identity().binding_signature.end()));
  adm.set_role(proto::LEAD);
  proto::Removal rm;
  rm.set_member(std::string(l_->key().begin(), l_->key().end()));
  proto::Broadcast bc;
  bc.set_priority(proto::URGENT);
  bc.set_text("Everyone evacuate now");

  expect_at_a(craft(b_->me(), net_, Kind::kAdmission, epoch, t, bytes_of(adm.SerializeAsString()), key, b_->rng()),
              sync::IngestOutcome::kRejected);
  expect_at_a(craft(b_->me(), net_, Kind::kRemoval, epoch, t, bytes_of(rm.SerializeAsString()), key, b_->rng()),
              sync::IngestOutcome::kRejected);
  expect_at_a(craft(b_->me(), net_, Kind::kBroadcast, epoch, t, bytes_of(bc.SerializeAsString()), key, b_->rng()),
              sync::IngestOutcome::kRejected);
  expect_at_a(craft_grant(b_->me(), net_, a_->pub(), epoch, t, grant_payload(net_, a_->key(), {{epoch, &key}})),
              sync::IngestOutcome::kRejected);
  EXPECT_FALSE(*a_->replica().directory().member(net_, stranger.public_identity().identity_key));
  EXPECT_FALSE((*a_->replica().directory().member(net_, l_->key()))->removed());
  EXPECT_EQ(a_->replica().library().broadcasts(net_)->size(), 1u);

  // B's own node refuses to write them in the first place.
  auto r = b_->author().broadcast(net_, "hello", false, 0, t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kRefused);
  EXPECT_FALSE(b_->author().admit(net_, stranger.public_identity(), Role::kMember, t));
  EXPECT_FALSE(b_->author().remove(net_, l_->key(), t));
}

TEST_F(RulesTest, ANonMembersObjectWaitsAndIsNeverStored) {
  auto [epoch, key] = current_key(*a_, net_);
  crypto::DeterministicRandom rng(51);
  auto outsider = identity::LocalIdentity::generate(rng);
  // Even with the network's key (a leaked laptop), an outsider's note is not stored.
  const Bytes env = craft(outsider, net_, Kind::kNote, epoch, kT0 + 10 * kMinute,
                          bytes_of(note_payload("Fake shelter", "Come to 1 Trap st.")), key, rng);
  expect_at_a(env, sync::IngestOutcome::kPending);
  // Other objects arriving retry it; it keeps waiting.
  auto n = b_->author().add_note(net_, {"Real", "note", {}, "", "", 0, 0}, kT0 + 11 * kMinute);
  ASSERT_TRUE(n);
  feed(*a_, n->envelopes, kT0 + 12 * kMinute);
  EXPECT_FALSE(*a_->store().has_object(object_id(env)));
  auto notes = a_->replica().library().notes(net_);
  ASSERT_TRUE(notes);
  for (const auto& note : *notes) EXPECT_NE(note.title, "Fake shelter");
  // Sent again, it is a duplicate of what waits (and pushes nothing out); still not stored.
  expect_at_a(env, sync::IngestOutcome::kDuplicate);
}

TEST_F(RulesTest, AnObjectStampedMoreThanTenMinutesAheadIsRejected) {
  auto [epoch, key] = current_key(*b_, net_);
  const std::uint64_t now = kT0 + 30 * kMinute;
  const Bytes late = craft(b_->me(), net_, Kind::kNote, epoch, now + 10 * kMinute + 1,
                           bytes_of(note_payload("Future", "x")), key, b_->rng());
  expect_at_a(late, sync::IngestOutcome::kRejected, now);
  const Bytes edge = craft(b_->me(), net_, Kind::kNote, epoch, now + 10 * kMinute,
                           bytes_of(note_payload("Edge", "x")), key, b_->rng());
  expect_at_a(edge, sync::IngestOutcome::kAccepted, now);
  // LocalAuthor's clock is the same `now`, so it cannot produce one; a
  // rejected object is judged again if re-sent once its time has come.
  expect_at_a(late, sync::IngestOutcome::kAccepted, now + kMinute);
}

TEST_F(RulesTest, ANoteIsRevisedOnlyByItsAuthorOrALead) {
  auto a_note = a_->author().add_note(net_, {"Clinic", "Open", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  auto b_note = b_->author().add_note(net_, {"Bus", "Route 12", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(a_note && b_note);
  feed(*a_, b_note->envelopes, kT0 + 11 * kMinute);
  feed(*b_, a_note->envelopes, kT0 + 11 * kMinute);
  feed(*l_, missing(*a_, *l_), kT0 + 11 * kMinute);

  // B (a member) edits A's note: B's own node refuses, and A refuses it by hand too.
  auto own = b_->author().revise_note(a_note->id, {"Clinic", "Closed forever", {}, "", "", 0, 0}, kT0 + 12 * kMinute);
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code(), core::Errc::kRefused);
  auto [epoch, key] = current_key(*b_, net_);
  const Bytes forged = craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 12 * kMinute,
                             bytes_of(note_payload("Clinic", "Closed forever", a_note->id, 5)), key, b_->rng());
  expect_at_a(forged, sync::IngestOutcome::kRejected);
  EXPECT_EQ((*a_->replica().library().note(a_note->id))->body, "Open");

  // B edits its own note; L (a lead, not the author) edits it too: both stand.
  auto mine = b_->author().revise_note(b_note->id, {"Bus", "Route 12, until 2am", {}, "", "", 0, 0}, kT0 + 13 * kMinute);
  ASSERT_TRUE(mine);
  feed(*l_, mine->envelopes, kT0 + 13 * kMinute);
  auto lead = l_->author().revise_note(b_note->id, {"Bus", "Route 12 cancelled", {}, "", "", 0, 0}, kT0 + 14 * kMinute);
  ASSERT_TRUE(lead) << lead.error().describe();
  expect_at_a(mine->envelopes[0], sync::IngestOutcome::kAccepted);
  expect_at_a(lead->envelopes[0], sync::IngestOutcome::kAccepted);
  auto shown = *a_->replica().library().note(b_note->id);
  EXPECT_EQ(shown->body, "Route 12 cancelled");
  EXPECT_EQ(shown->author, b_->key());
  EXPECT_EQ(shown->editor, l_->key());
  EXPECT_EQ(shown->lamport, 2u);
}

TEST_F(RulesTest, ARevisionMustPointAtANoteOfThisNetwork) {
  auto [epoch, key] = current_key(*b_, net_);
  // The broadcast's id as a "root", and a revision used as a root.
  const ObjectId broadcast_id = a_->replica().library().broadcasts(net_)->front().id;
  expect_at_a(craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 12 * kMinute,
                    bytes_of(note_payload("x", "y", broadcast_id, 1)), key, b_->rng()),
              sync::IngestOutcome::kRejected);
  auto note = b_->author().add_note(net_, {"Mine", "v0", {}, "", "", 0, 0}, kT0 + 12 * kMinute);
  auto rev = b_->author().revise_note(note->id, {"Mine", "v1", {}, "", "", 0, 0}, kT0 + 13 * kMinute);
  ASSERT_TRUE(note && rev);
  feed(*a_, note->envelopes, kT0 + 13 * kMinute);
  feed(*a_, rev->envelopes, kT0 + 13 * kMinute);
  expect_at_a(craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 14 * kMinute,
                    bytes_of(note_payload("x", "y", rev->id, 2)), key, b_->rng()),
              sync::IngestOutcome::kRejected);
  // A root that has not arrived: pending, not rejected.
  ObjectId unknown{};
  unknown.fill(0x5A);
  expect_at_a(craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 14 * kMinute,
                    bytes_of(note_payload("x", "y", unknown, 2)), key, b_->rng()),
              sync::IngestOutcome::kPending);
}

TEST_F(RulesTest, RevisionsResolveByLamportThenIdWhateverTheArrivalOrder) {
  auto root = b_->author().add_note(net_, {"Hotline", "v0", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(root);
  feed(*a_, root->envelopes, kT0 + 10 * kMinute);
  feed(*l_, missing(*a_, *l_), kT0 + 10 * kMinute);
  auto [epoch, key] = current_key(*a_, net_);
  // Hand-made revisions by three writers: lamports 1, 3, 3, 2 (a tie at the top).
  Log revisions = {
      craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 11 * kMinute, bytes_of(note_payload("Hotline", "b1", root->id, 1)),
            key, b_->rng()),
      craft(a_->me(), net_, Kind::kNote, epoch, kT0 + 11 * kMinute, bytes_of(note_payload("Hotline", "a3", root->id, 3)),
            key, a_->rng()),
      craft(l_->me(), net_, Kind::kNote, epoch, kT0 + 11 * kMinute, bytes_of(note_payload("Hotline", "l3", root->id, 3)),
            key, l_->rng()),
      craft(b_->me(), net_, Kind::kNote, epoch, kT0 + 12 * kMinute, bytes_of(note_payload("Hotline", "b2", root->id, 2)),
            key, b_->rng()),
  };
  const ObjectId winner = std::max(object_id(revisions[1]), object_id(revisions[2]));
  const std::string winner_body = winner == object_id(revisions[1]) ? "a3" : "l3";
  for (const Log& order : orders(revisions)) {
    auto fresh = node(2);
    fresh->join(net_);
    feed(*fresh, everything(*a_), kT0 + 13 * kMinute);
    feed(*fresh, order, kT0 + 13 * kMinute);
    auto shown = fresh->replica().library().note(root->id);
    ASSERT_TRUE(shown && *shown);
    EXPECT_EQ((*shown)->revision, winner);
    EXPECT_EQ((*shown)->body, winner_body);
    EXPECT_EQ((*shown)->lamport, 3u);
  }
}

// Highest (lamport, id) wins: a revision claiming the clock 2^63-1 would
// freeze the note for good. A clock is bounded by the revision's own
// timestamp, so the most anyone can claim is overtaken minutes later.
TEST_F(RulesTest, ARevisionsClockCannotRunAheadOfItsOwnTimestamp) {
  auto root = b_->author().add_note(net_, {"Hotline", "+7 700 000 0000", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(root);
  feed(*a_, root->envelopes, kT0 + 10 * kMinute);
  auto [epoch, key] = current_key(*b_, net_);
  const std::uint64_t written = kT0 + 25 * kMinute;  // within the 10-minute skew of now (20 min)
  for (const std::uint64_t frozen : {std::uint64_t{INT64_MAX}, written + 1}) {
    expect_at_a(craft(b_->me(), net_, Kind::kNote, epoch, written,
                      bytes_of(note_payload("Hotline", "wrong number", root->id, frozen)), key, b_->rng()),
                sync::IngestOutcome::kRejected);
  }
  // At the limit: accepted, and shown for now.
  const Bytes highest = craft(b_->me(), net_, Kind::kNote, epoch, written,
                              bytes_of(note_payload("Hotline", "wrong number", root->id, written)), key, b_->rng());
  expect_at_a(highest, sync::IngestOutcome::kAccepted);
  EXPECT_EQ((*a_->replica().library().note(root->id))->body, "wrong number");
  // A lead correcting it before its own clock passes that one is told when
  // to try again, and nothing is written.
  auto early = a_->author().revise_note(root->id, {"Hotline", "+7 700 111 1111", {}, "", "", 0, 0}, kT0 + 20 * kMinute);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(early.error().id(), core::ErrorId::kNetworkNoteClockAhead) << early.error().describe();
  EXPECT_EQ(early.error().field("minutes"), "6");
  EXPECT_EQ((*a_->replica().library().note(root->id))->body, "wrong number");
  // A minute after it, the correction wins, here and everywhere.
  auto fixed = a_->author().revise_note(root->id, {"Hotline", "+7 700 111 1111", {}, "", "", 0, 0}, kT0 + 26 * kMinute);
  ASSERT_TRUE(fixed) << fixed.error().describe();
  EXPECT_EQ((*a_->replica().library().note(root->id))->body, "+7 700 111 1111");
  feed(*b_, {highest}, kT0 + 26 * kMinute);
  feed(*b_, fixed->envelopes, kT0 + 26 * kMinute);
  EXPECT_EQ((*b_->replica().library().note(root->id))->body, "+7 700 111 1111");
}

TEST_F(RulesTest, AnAdmissionCannotDemoteTheFounder) {
  // A second lead "admits" the founder as a plain member, backdated before
  // the genesis: the founder stays a lead on every replica.
  auto [epoch, key] = current_key(*l_, net_);
  proto::Admission adm;
  const auto& f = a_->pub();
  adm.mutable_member()->set_identity_key(std::string(f.identity_key.begin(), f.identity_key.end()));
  adm.mutable_member()->set_noise_static_key(std::string(f.noise_key.begin(), f.noise_key.end()));
  adm.mutable_member()->set_binding_signature(std::string(f.binding_signature.begin(), f.binding_signature.end()));
  adm.set_role(proto::MEMBER);
  const Bytes demote = craft(l_->me(), net_, Kind::kAdmission, epoch, kT0 - kDay,
                             bytes_of(adm.SerializeAsString()), key, l_->rng());
  auto r = b_->replica().ingest(demote, kT0 + 20 * kMinute);
  ASSERT_TRUE(r);
  auto founder = *b_->replica().directory().member(net_, a_->key());
  ASSERT_TRUE(founder);
  EXPECT_EQ(founder->role, Role::kLead);
  // ...so the founder's broadcast is still accepted by B.
  auto bc = a_->author().broadcast(net_, "Still in charge", false, 0, kT0 + 21 * kMinute);
  ASSERT_TRUE(bc);
  EXPECT_EQ(b_->replica().ingest(bc->envelopes[0], kT0 + 22 * kMinute)->outcome, sync::IngestOutcome::kAccepted);
}

TEST_F(RulesTest, AConcurrentSecondAdmissionLeavesEveryReplicaWithTheSameRights) {
  // Two leads admit the same person at once, one as a lead and one (earlier
  // stamp) as a member. Whatever order replicas see them in, they agree on
  // what that person may write. (A replica that saw only the member
  // admission refuses the new lead's broadcast; the next reconciliation
  // offers it again — the second feed below — and then it is accepted.
  // What must never happen is a replica keeping an object that others
  // refuse for good.)
  auto p = node(60);
  auto as_lead = a_->author().admit(net_, p->pub(), Role::kLead, kT0 + 12 * kMinute);
  auto as_member = l_->author().admit(net_, p->pub(), Role::kMember, kT0 + 11 * kMinute);
  ASSERT_TRUE(as_lead && as_member);
  p->join(net_);
  feed(*p, everything(*a_), kT0 + 13 * kMinute);
  feed(*p, as_member->envelopes, kT0 + 13 * kMinute);
  auto bc = p->author().broadcast(net_, "From the new lead", false, 0, kT0 + 14 * kMinute);
  ASSERT_TRUE(bc) << bc.error().describe();
  Log all = as_lead->envelopes;
  append(all, as_member->envelopes);
  append(all, bc->envelopes);
  std::optional<Snapshot> first;
  for (const Log& order : orders(all)) {
    auto fresh = node(2);
    fresh->join(net_);
    feed(*fresh, everything(*b_), kT0 + 15 * kMinute);
    feed(*fresh, order, kT0 + 15 * kMinute);
    feed(*fresh, order, kT0 + 16 * kMinute);
    auto s = snapshot(*fresh, net_);
    EXPECT_EQ((*fresh->replica().directory().member(net_, p->key()))->role, Role::kLead);
    EXPECT_TRUE(*fresh->store().has_object(bc->id));
    if (!first) first = s;
    EXPECT_EQ(s, *first);
  }
}

}  // namespace
}  // namespace tumar::network
