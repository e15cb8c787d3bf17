// Convergence: a newcomer who receives a network's objects in any order —
// sync order is by timestamp, not by dependency, and peers come and go —
// ends up seeing exactly what the founder sees: the same directory, notes,
// broadcasts and stored objects. Includes the case where the newcomer's own
// grant waits for the admission of the lead who wrote it (candidate keys).

#include <gtest/gtest.h>

#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

class ConvergenceTest : public NetworkFixture {};

TEST_F(ConvergenceTest, AMemberReceivingEverythingInAnyOrderSeesWhatTheFounderSees) {
  auto a = node(1);
  const auto b_identity = node(2);  // only its public identity is used
  const NetworkId net = found(*a, b_identity->pub(), Role::kMember);
  const Log log = everything(*a);
  ASSERT_EQ(log.size(), 8u);  // genesis, profile, 2 notes, a revision, broadcast, admission, grant
  const Snapshot want = snapshot(*a, net);
  ASSERT_EQ(want.directory.size(), 2u);
  ASSERT_EQ(want.notes.size(), 2u);
  ASSERT_EQ(want.broadcasts.size(), 1u);
  EXPECT_EQ(want.name, "Almaty crisis line");

  int order_no = 0;
  for (const Log& order : orders(log)) {
    auto b = node(2);
    b->join(net);
    feed(*b, order, kT0 + 10 * kMinute);
    EXPECT_EQ(snapshot(*b, net), want) << "order " << order_no;
    EXPECT_EQ(b->replica().counters().accepted, log.size()) << "order " << order_no;
    EXPECT_EQ(b->replica().counters().rejected, 0u) << "order " << order_no;
    // B holds the key and can now write: a note A accepts.
    auto note = b->author().add_note(net, {"Night bus", "Route 12 runs until 2am", {}, "", "", 0, 0},
                                     kT0 + 11 * kMinute);
    ASSERT_TRUE(note) << "order " << order_no << ": " << note.error().describe();
    ++order_no;
  }
}

TEST_F(ConvergenceTest, OneBatchInAnyOrderConvergesToo) {
  auto a = node(1);
  const NetworkId net = found(*a, node(2)->pub(), Role::kLead);
  const Log log = everything(*a);
  for (std::uint64_t seed : {3u, 4u, 5u}) {
    auto b = node(2);
    b->join(net);
    const Log order = shuffled(log, seed);
    auto r = b->replica().ingest_batch(order, kT0 + 10 * kMinute);
    ASSERT_TRUE(r);
    EXPECT_EQ(snapshot(*b, net), snapshot(*a, net)) << "seed " << seed;
  }
}

TEST_F(ConvergenceTest, TwoWayExchangeConverges) {
  auto a = node(1);
  auto b = node(2);
  const NetworkId net = found(*a, b->pub(), Role::kLead);
  b->join(net);
  feed(*b, shuffled(everything(*a), 9), kT0 + 7 * kMinute);
  // B, now a lead, writes too; A receives B's objects in reverse.
  ASSERT_TRUE(b->author().set_profile(net, {"Dana", "Shelter", "Shymkent", "", {}, {}, {}}, kT0 + 8 * kMinute));
  ASSERT_TRUE(b->author().add_note(net, {"Pharmacy", "Open 24h", {"health"}, "", "", 0, 0}, kT0 + 9 * kMinute));
  ASSERT_TRUE(b->author().broadcast(net, "Meeting moved to Friday", false, 0, kT0 + 9 * kMinute));
  Log from_b;
  for (auto& e : everything(*b)) {
    if (!*a->store().has_object(object_id(e))) from_b.push_back(e);
  }
  ASSERT_EQ(from_b.size(), 3u);
  feed(*a, Log(from_b.rbegin(), from_b.rend()), kT0 + 10 * kMinute);
  EXPECT_EQ(snapshot(*a, net), snapshot(*b, net));
  // And they agree who may sync with whom.
  EXPECT_TRUE(*a->replica().may_sync(net, b->key()));
  EXPECT_TRUE(*b->replica().may_sync(net, a->key()));
  EXPECT_EQ(*b->replica().shared_networks(a->key()), std::vector<sync::NetworkId>{net});
}

TEST_F(ConvergenceTest, AChainOfAdmissionsBootstrapsTheNewestMemberInAnyOrder) {
  // A admits B as a lead; B (after syncing) admits C. C's only grant comes
  // from B, whose own admission C may receive last: until then the grant's
  // keys may only be used to read (candidate keys).
  auto a = node(1);
  auto b = node(2);
  const auto c_identity = node(3);
  const NetworkId net = found(*a, b->pub(), Role::kLead);
  b->join(net);
  feed(*b, everything(*a), kT0 + 7 * kMinute);
  ASSERT_TRUE(b->author().add_note(net, {"From B", "B's note", {}, "", "", 0, 0}, kT0 + 8 * kMinute));
  auto admitted = b->author().admit(net, c_identity->pub(), Role::kMember, kT0 + 9 * kMinute);
  ASSERT_TRUE(admitted) << admitted.error().describe();
  const Log log = everything(*b);
  feed(*a, log, kT0 + 10 * kMinute);
  const Snapshot want = snapshot(*a, net);
  ASSERT_EQ(want, snapshot(*b, net));
  ASSERT_EQ(want.directory.size(), 3u);

  int order_no = 0;
  for (const Log& order : orders(log)) {
    auto c = node(3);
    c->join(net);
    feed(*c, order, kT0 + 10 * kMinute);
    EXPECT_EQ(snapshot(*c, net), want) << "order " << order_no;
    EXPECT_EQ(c->replica().counters().rejected, 0u) << "order " << order_no;
    ++order_no;
  }
}

TEST_F(ConvergenceTest, ConcurrentEditsWithTheSameClockResolveByIdEverywhere) {
  auto a = node(1);
  auto b = node(2);
  const NetworkId net = found(*a, b->pub(), Role::kLead);
  b->join(net);
  feed(*b, everything(*a), kT0 + 7 * kMinute);
  auto root = a->author().add_note(net, {"Clinic", "Open", {}, "", "", 0, 0}, kT0 + 8 * kMinute);
  ASSERT_TRUE(root);
  feed(*b, root->envelopes, kT0 + 8 * kMinute);
  // Both edit offline: each computes lamport 1.
  auto ea = a->author().revise_note(root->id, {"Clinic", "Closed Mondays", {}, "", "", 0, 0}, kT0 + 9 * kMinute);
  auto eb = b->author().revise_note(root->id, {"Clinic", "Moved to Tole bi 5", {}, "", "", 0, 0}, kT0 + 9 * kMinute);
  ASSERT_TRUE(ea && eb);
  const ObjectId winner = std::max(ea->id, eb->id);
  feed(*a, eb->envelopes, kT0 + 10 * kMinute);
  feed(*b, ea->envelopes, kT0 + 10 * kMinute);
  for (Node* n : {a.get(), b.get()}) {
    auto note = n->replica().library().note(root->id);
    ASSERT_TRUE(note && *note);
    EXPECT_EQ((*note)->lamport, 1u);
    EXPECT_EQ((*note)->revision, winner);
  }
  EXPECT_EQ(snapshot(*a, net), snapshot(*b, net));
  // The next edit on either side builds on lamport 1 and wins everywhere.
  auto next = b->author().revise_note(root->id, {"Clinic", "Final", {}, "", "", 0, 0}, kT0 + 11 * kMinute);
  ASSERT_TRUE(next);
  feed(*a, next->envelopes, kT0 + 12 * kMinute);
  EXPECT_EQ((*a->replica().library().note(root->id))->body, "Final");
  EXPECT_EQ((*a->replica().library().note(root->id))->lamport, 2u);
}

}  // namespace
}  // namespace tumar::network
