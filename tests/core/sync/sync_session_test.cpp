// Two replicas reconciled through a pair of SyncSessions, checked against a
// naive set difference: what the dialler asks for is exactly what only the
// node has, what it sends is exactly what only it has, and both end with
// the union.

#include "core/sync/sync_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <set>

#include "core/sync/sync_wire.hpp"
#include "sync_harness.hpp"

namespace tumar::sync::test {
namespace {

std::set<ObjectId> difference(const std::set<ObjectId>& a, const std::set<ObjectId>& b) {
  std::set<ObjectId> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

std::set<ObjectId> union_of(const std::set<ObjectId>& a, const std::set<ObjectId>& b) {
  std::set<ObjectId> out = a;
  out.insert(b.begin(), b.end());
  return out;
}

// What one side asked for (WantObjects ids) and sent (envelope ids by kind).
struct Traffic {
  std::set<ObjectId> wanted;
  std::set<ObjectId> objects;
  std::size_t want_messages = 0;
  std::size_t objects_messages = 0;
};

Traffic traffic(const Endpoint& e, const NetworkId& network) {
  Traffic t;
  for (const auto& m : e.sent) {
    if (network_of(m) != network) continue;
    if (is<session::WantObjects>(m)) {
      t.want_messages += 1;
      for (const auto& id : std::get<session::WantObjects>(m).ids) t.wanted.insert(id);
    }
    if (is<session::Objects>(m)) {
      t.objects_messages += 1;
      for (const auto& e2 : std::get<session::Objects>(m).envelopes) t.objects.insert(id_of(e2));
    }
  }
  return t;
}

struct Pair {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);

  void share(const NetworkId& net) {
    a.replica.join(net, {b.key});
    b.replica.join(net, {a.key});
  }
  // n objects with scattered timestamps; where: 0 both, 1 only a, 2 only b.
  void fill(const NetworkId& net, std::size_t n, int where, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < n; ++i) {
      const Bytes e = envelope(net, 1 + rng() % 1'000'000, seed * 1'000'000 + i, 40 + rng() % 200);
      if (where != 2) a.replica.put(net, e);
      if (where != 1) b.replica.put(net, e);
    }
  }
  Link& sync() {
    Link& l = mesh.connect(a, b);
    mesh.start(l);
    EXPECT_TRUE(mesh.run());
    EXPECT_FALSE(l.a.error) << l.a.error->describe();
    EXPECT_FALSE(l.b.error) << l.b.error->describe();
    return l;
  }
};

// The check every reconciliation test makes: against the naive difference.
void expect_reconciled(Pair& p, const Link& l, const NetworkId& net, const std::set<ObjectId>& a_before,
                       const std::set<ObjectId>& b_before) {
  const Traffic from_a = traffic(l.a, net);
  const Traffic from_b = traffic(l.b, net);
  EXPECT_EQ(from_a.wanted, difference(b_before, a_before));
  EXPECT_EQ(from_a.objects, difference(a_before, b_before));
  EXPECT_EQ(from_b.objects, difference(b_before, a_before));
  EXPECT_EQ(p.a.replica.ids(net), union_of(a_before, b_before));
  EXPECT_EQ(p.b.replica.ids(net), union_of(a_before, b_before));
}

TEST(SyncSessionTest, IdenticalSetsExchangeNoObject) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  p.fill(net, 500, 0, 1);
  Link& l = p.sync();
  EXPECT_TRUE(l.a.session->round_complete());
  EXPECT_TRUE(l.b.session->round_complete());
  EXPECT_EQ(l.a.session->progress().objects_sent, 0u);
  EXPECT_EQ(l.b.session->progress().objects_sent, 0u);
  EXPECT_EQ(traffic(l.a, net).want_messages, 0u);
  EXPECT_EQ(p.a.replica.ids(net).size(), 500u);
}

TEST(SyncSessionTest, DisjointSetsEndWithTheUnion) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  p.fill(net, 300, 1, 2);
  p.fill(net, 400, 2, 3);
  const auto a0 = p.a.replica.ids(net), b0 = p.b.replica.ids(net);
  Link& l = p.sync();
  expect_reconciled(p, l, net, a0, b0);
  EXPECT_EQ(l.a.session->progress().objects_received, 400u);
  EXPECT_EQ(l.a.session->progress().accepted, 400u);
  EXPECT_EQ(l.a.session->progress().objects_sent, 300u);
  EXPECT_EQ(l.b.session->progress().accepted, 300u);
}

TEST(SyncSessionTest, AThousandScatteredDifferencesEachWay) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  p.fill(net, 5000, 0, 4);
  p.fill(net, 1000, 1, 5);
  p.fill(net, 1000, 2, 6);
  const auto a0 = p.a.replica.ids(net), b0 = p.b.replica.ids(net);
  Link& l = p.sync();
  expect_reconciled(p, l, net, a0, b0);
  EXPECT_EQ(l.a.session->progress().duplicates, 0u);
  EXPECT_EQ(l.b.session->progress().duplicates, 0u);
  // 1000 ids in WantObjects of at most 64.
  EXPECT_EQ(traffic(l.a, net).want_messages, (1000 + kMaxWantIds - 1) / kMaxWantIds);
}

TEST(SyncSessionTest, EmptySides) {
  for (int empty : {1, 2, 3}) {
    Pair p;
    const auto net = network_id(1);
    p.share(net);
    if (empty != 1) p.fill(net, 200, 1, 7);
    if (empty != 2) p.fill(net, 200, 2, 8);
    if (empty == 3) {
      p.a.replica.networks[net].objects.clear();
      p.b.replica.networks[net].objects.clear();
    }
    const auto a0 = p.a.replica.ids(net), b0 = p.b.replica.ids(net);
    Link& l = p.sync();
    expect_reconciled(p, l, net, a0, b0);
    EXPECT_TRUE(l.a.session->round_complete()) << empty;
    EXPECT_TRUE(l.b.session->round_complete()) << empty;
  }
}

TEST(SyncSessionTest, SeveralNetworksAtOnce) {
  Pair p;
  std::vector<NetworkId> nets{network_id(1), network_id(2), network_id(3)};
  std::uint64_t seed = 10;
  for (const auto& net : nets) {
    p.share(net);
    p.fill(net, 300, 0, seed);
    p.fill(net, 50 * seed % 170, 1, seed + 1);
    p.fill(net, 30 * seed % 130, 2, seed + 2);
    seed += 3;
  }
  std::vector<std::set<ObjectId>> a0, b0;
  for (const auto& net : nets) {
    a0.push_back(p.a.replica.ids(net));
    b0.push_back(p.b.replica.ids(net));
  }
  Link& l = p.sync();
  for (std::size_t i = 0; i < nets.size(); ++i) expect_reconciled(p, l, nets[i], a0[i], b0[i]);
  EXPECT_EQ(l.a.session->progress().rounds_completed, 1u);
  EXPECT_EQ(l.b.session->progress().rounds_completed, 3u);  // one SyncDone per network
}

TEST(SyncSessionTest, ARemovedMemberIsRefusedAndGetsNothing) {
  Pair p;
  const auto open = network_id(1);
  const auto gone = network_id(2);
  p.share(open);
  p.fill(open, 100, 2, 20);
  // a still believes it shares `gone`; b has removed it.
  p.a.replica.join(gone, {p.b.key});
  p.b.replica.join(gone, {});
  p.fill(gone, 100, 1, 21);
  p.fill(gone, 100, 2, 22);
  const auto a_gone = p.a.replica.ids(gone), b_gone = p.b.replica.ids(gone);
  Link& l = p.sync();
  EXPECT_EQ(p.a.replica.ids(gone), a_gone);
  EXPECT_EQ(p.b.replica.ids(gone), b_gone);
  EXPECT_EQ(p.a.replica.ids(open).size(), 100u);
  // The only message b sent about `gone` is the refusal.
  std::size_t about_gone = 0;
  for (const auto& m : l.b.sent) {
    if (network_of(m) == gone) {
      ++about_gone;
      EXPECT_TRUE(is<session::SyncRefused>(m));
    }
  }
  EXPECT_EQ(about_gone, 1u);
  EXPECT_TRUE(l.a.session->round_complete());
  // Nor does a push about it go either way.
  const Bytes fresh = envelope(gone, 5, 999);
  EXPECT_TRUE(l.a.session->push(gone, fresh)->empty());
  EXPECT_TRUE(l.b.session->push(gone, fresh)->empty());
}

TEST(SyncSessionTest, ObjectsTheReplicaRejectsAreCountedAndTheSyncGoesOn) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  p.fill(net, 100, 2, 30);
  for (std::uint64_t i = 0; i < 10; ++i) p.b.replica.put(net, envelope(net, 0xFF00'0000'0000'0000ull + i, i));
  Link& l = p.sync();
  EXPECT_EQ(l.a.session->progress().rejected, 10u);
  EXPECT_EQ(l.a.session->progress().accepted, 100u);
  EXPECT_TRUE(l.a.session->round_complete());
}

TEST(SyncSessionTest, TooManyRejectedObjectsCloseTheSession) {
  Pair p;
  p.mesh.limits.max_rejected = 5;
  const auto net = network_id(1);
  p.share(net);
  for (std::uint64_t i = 0; i < 10; ++i) p.b.replica.put(net, envelope(net, 0xFF00'0000'0000'0000ull + i, i));
  Link& l = p.mesh.connect(p.a, p.b);
  p.mesh.start(l);
  p.mesh.run();
  ASSERT_TRUE(l.a.error);
  EXPECT_EQ(l.a.error->code(), core::Errc::kLimit);
  EXPECT_FALSE(l.a.session->round_complete());
  // Every later call gives the same error.
  auto again = l.a.session->on_tick(p.mesh.now);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().describe(), l.a.error->describe());
}

TEST(SyncSessionTest, PendingObjectsAreReportedWhenReleased) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  // The dependency sorts after its dependant, so it arrives second.
  const Bytes admission = envelope(net, 500, 1);
  const Bytes note = dependent_envelope(net, 100, id_of(admission));
  p.b.replica.put(net, note);
  p.b.replica.put(net, admission);
  Link& l = p.sync();
  EXPECT_EQ(p.a.replica.ids(net).size(), 2u);
  EXPECT_EQ(l.a.session->progress().accepted, 2u);
  EXPECT_EQ(p.a.accepted.size(), 2u);
}

TEST(SyncSessionTest, LargeObjectsTravelInBatchesBelowTheMessageLimit) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  for (std::uint64_t i = 0; i < 60; ++i) {
    p.a.replica.put(net, envelope(net, i + 1, i, kMaxEnvelopeLen));
    p.b.replica.put(net, envelope(net, i + 1, 1000 + i, kMaxEnvelopeLen));
  }
  const auto a0 = p.a.replica.ids(net), b0 = p.b.replica.ids(net);
  std::size_t answers_without_end = 0;
  p.mesh.on_send = [&](const Endpoint&, const WireMessage& m) {
    EXPECT_LE(session::encode_wire(m).size(), kObjectsBatchBytes + kObjectsOverhead);
    if (is_objects(m, ObjectsKind::kAnswer)) ++answers_without_end;
  };
  Link& l = p.sync();
  expect_reconciled(p, l, net, a0, b0);
  EXPECT_GT(answers_without_end, 0u);  // an answer of 60 x 64 KiB spans several messages
}

TEST(SyncSessionTest, HavesAreSentInTimestampOrder) {
  Pair p;
  const auto net = network_id(1);
  p.share(net);
  p.fill(net, 300, 1, 40);
  Link& l = p.sync();
  std::vector<std::uint64_t> order;
  for (const auto& m : l.a.sent) {
    if (!is<session::Objects>(m)) continue;
    for (const auto& e : std::get<session::Objects>(m).envelopes) order.push_back(MemoryReplica::timestamp_of(e));
  }
  ASSERT_EQ(order.size(), 300u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  // Every HAVE batch was acknowledged: the dialler can tell a user (and the
  // crash test) how much of what it sent the node has stored.
  EXPECT_EQ(l.a.session->progress().objects_acknowledged, 300u);
  EXPECT_EQ(l.b.session->progress().objects_acknowledged, 0u);
}

}  // namespace
}  // namespace tumar::sync::test
