// How a sync session paces itself and ends: bounded requests with one
// outstanding, round completion on both sides, the periodic round, the
// request timeout, and live pushes with de-duplication across a chain of
// nodes.

#include "core/sync/sync_session.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <set>
#include <algorithm>

#include "cli/front_end_error.hpp"
#include "core/sync/sync_wire.hpp"
#include "sync_harness.hpp"

namespace tumar::sync::test {
namespace {

void share(std::initializer_list<Node*> nodes, const NetworkId& net) {
  for (Node* n : nodes) {
    for (Node* m : nodes) {
      if (n != m) n->replica.join(net, {m->key});
    }
  }
}

void fill(Node& node, const NetworkId& net, std::size_t n, std::uint64_t seed) {
  for (std::size_t i = 0; i < n; ++i) node.replica.put(net, envelope(net, 1 + (i * 7919) % 10'000, seed * 100'000 + i));
}

// The dialler keeps `wants_in_flight` WantObjects outstanding per network
// (two by default: the peer reads the next answer while the last is
// stored), never more, and each within the batch size.
TEST(SyncFlowTest, WantObjectsStayWithinTheBatchAndTheWindow) {
  for (const std::size_t window : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    SCOPED_TRACE("wants_in_flight = " + std::to_string(window));
    Mesh mesh;
    mesh.limits.want_batch = 8;
    mesh.limits.wants_in_flight = window;
    Node& a = mesh.add_node(1);
    Node& b = mesh.add_node(2);
    const auto n1 = network_id(1), n2 = network_id(2);
    share({&a, &b}, n1);
    share({&a, &b}, n2);
    fill(b, n1, 100, 1);
    fill(b, n2, 37, 2);
    fill(a, n1, 100, 3);
    std::map<NetworkId, std::size_t> wants_outstanding;
    std::map<NetworkId, bool> have_outstanding;
    std::size_t wants = 0, most_outstanding = 0;
    mesh.on_send = [&](const Endpoint& from, const WireMessage& m) {
      const auto net = network_of(m);
      if (is<session::WantObjects>(m)) {
        ++wants;
        EXPECT_LE(std::get<session::WantObjects>(m).ids.size(), 8u);
        most_outstanding = std::max(most_outstanding, ++wants_outstanding[*net]);
      }
      if (is_objects(m, ObjectsKind::kAnswerEnd)) --wants_outstanding[*net];
      if (is_objects(m, ObjectsKind::kHave)) {
        EXPECT_EQ(from.session->role(), Role::kInitiator);
        EXPECT_FALSE(have_outstanding[*net]) << "a second HAVE batch before the first was acknowledged";
        have_outstanding[*net] = true;
      }
      if (is<session::ObjectsAck>(m)) have_outstanding[*net] = false;
    };
    Link& l = mesh.connect(a, b);
    mesh.start(l);
    ASSERT_TRUE(mesh.run());
    EXPECT_EQ(most_outstanding, window);
    EXPECT_EQ(wants, (100 + 7) / 8 + (37 + 7) / 8);
    EXPECT_LE(b.replica.largest_envelopes_request, 8u);
    EXPECT_EQ(a.replica.ids(n1).size(), 200u);
    EXPECT_EQ(a.replica.ids(n2).size(), 37u);
    EXPECT_EQ(b.replica.ids(n1).size(), 200u);
  }
}

// A dialler holding nothing of a network is joining it: the node sends
// the replica's bootstrap objects unasked, right after its first reply and
// before any answer, and the dialler stores them before anything else. (Its
// first WantObjects leave with its handling of that reply, before the push
// arrives, so they may name pushed objects too: those come twice and are
// counted as duplicates.) A dialler that holds something gets no push.
TEST(SyncFlowTest, AJoiningDiallerGetsTheBootstrapObjectsFirstAndUnasked) {
  for (const bool joining : {true, false}) {
    SCOPED_TRACE(joining ? "the dialler holds nothing" : "the dialler holds some objects");
    Mesh mesh;
    mesh.limits.want_batch = 8;
    Node& a = mesh.add_node(1);
    Node& b = mesh.add_node(2);
    const auto net = network_id(1);
    share({&a, &b}, net);
    fill(b, net, 60, 1);
    if (!joining) fill(a, net, 5, 2);
    // The newest three of b's objects, as a grant to a newcomer would be.
    std::vector<std::pair<std::uint64_t, ObjectId>> by_time;
    for (const auto& [id, bytes] : b.replica.networks[net].objects) {
      by_time.emplace_back(MemoryReplica::timestamp_of(bytes), id);
    }
    std::sort(by_time.begin(), by_time.end());
    for (std::size_t i = by_time.size() - 3; i < by_time.size(); ++i) b.replica.bootstrap.push_back(by_time[i].second);

    std::vector<std::string> from_b;  // what b sent, in order
    mesh.on_send = [&](const Endpoint& from, const WireMessage& m) {
      if (from.session->role() != Role::kResponder) return;
      if (is<session::Objects>(m)) {
        from_b.push_back(std::get<session::Objects>(m).kind == ObjectsKind::kPush ? "push" : "answer");
      } else if (is<session::Reconcile>(m)) {
        from_b.push_back("reconcile");
      }
    };
    Link& l = mesh.connect(a, b);
    mesh.start(l);
    ASSERT_TRUE(mesh.run());
    EXPECT_EQ(a.replica.ids(net).size(), joining ? 60u : 65u);
    if (joining) {
      ASSERT_GE(from_b.size(), 3u);
      EXPECT_EQ(from_b[0], "reconcile");
      EXPECT_EQ(from_b[1], "push");
      EXPECT_EQ(b.replica.bootstrap_asked_for, std::vector<identity::IdentityKey>{a.key});
      ASSERT_GE(a.accepted.size(), 3u);
      for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(id_of(a.accepted[i].envelope), b.replica.bootstrap[i]);
    } else {
      EXPECT_TRUE(b.replica.bootstrap_asked_for.empty());
      EXPECT_EQ(std::count(from_b.begin(), from_b.end(), "push"), 0);
    }
  }
}

TEST(SyncFlowTest, AnswersAreStoredInBatchesOfIngestBatchAndAllBeforeSyncDone) {
  Mesh mesh;
  mesh.limits.want_batch = 8;
  mesh.limits.ingest_batch = 30;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  fill(b, net, 100, 1);
  bool done_sent = false;
  mesh.on_send = [&](const Endpoint& from, const WireMessage& m) {
    if (from.node == &a && is<session::SyncDone>(m)) {
      done_sent = true;
      // The dialler says it is done only once everything it fetched is stored.
      EXPECT_EQ(a.replica.ids(net).size(), 100u);
    }
  };
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  ASSERT_TRUE(mesh.run());
  EXPECT_TRUE(done_sent);
  EXPECT_EQ(a.replica.ids(net).size(), 100u);
  EXPECT_TRUE(l.a.session->round_complete());
  // Four answers of 8 reach 30, so 32 per transaction; the rest at the end.
  EXPECT_EQ(a.replica.batch_sizes, (std::vector<std::size_t>{32, 32, 32, 4}));
  EXPECT_EQ(l.a.session->progress().accepted, 100u);
}

TEST(SyncFlowTest, AnIngestBatchAlsoEndsAtItsByteBound) {
  Mesh mesh;
  mesh.limits.want_batch = 8;
  mesh.limits.ingest_batch = 1000;
  mesh.limits.ingest_batch_bytes = kMaxEnvelopeLen;  // the least allowed
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  for (std::uint64_t i = 0; i < 20; ++i) b.replica.put(net, envelope(net, 1 + i, i, 20'000));
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  ASSERT_TRUE(mesh.run());
  EXPECT_EQ(a.replica.ids(net).size(), 20u);
  // 20,000 bytes each: the fourth reaches 64 KiB, whatever the count bound.
  for (std::size_t n : a.replica.batch_sizes) EXPECT_LE(n, 8u);
  EXPECT_GE(a.replica.batch_sizes.size(), 3u);
}

TEST(SyncFlowTest, WhatWaitedUnstoredWhenTheConnectionDroppedIsFetchedNextTime) {
  Mesh mesh;
  mesh.limits.want_batch = 8;
  mesh.limits.ingest_batch = 1000;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  fill(b, net, 100, 1);
  std::size_t answers = 0;
  mesh.stop_after = [&](const Endpoint& from, const WireMessage& m) {
    return from.node == &b && is_objects(m, ObjectsKind::kAnswerEnd) && ++answers == 5;
  };
  Link& first = mesh.connect(a, b);
  mesh.start(first);
  ASSERT_TRUE(mesh.run());
  // Four answers arrived (32 objects) and wait for the batch to fill; the
  // connection is then lost, and they with it.
  EXPECT_TRUE(a.replica.ids(net).empty());
  EXPECT_TRUE(a.replica.batch_sizes.empty());
  first.a.error = cli::sentence_error(core::Errc::kProtocol, "connection lost");  // the harness delivers nothing more on it

  Link& second = mesh.connect(a, b);
  mesh.start(second);
  ASSERT_TRUE(mesh.run());
  EXPECT_EQ(a.replica.ids(net), b.replica.ids(net));
  EXPECT_TRUE(second.a.session->round_complete());
}

TEST(SyncFlowTest, ARoundWithMoreDifferencesThanItMayFetchIsFollowedAtOnce) {
  Mesh mesh;
  mesh.limits.max_need_ids = 50;
  // The harness's clock stands still, so the node sees a dozen round
  // starts at one instant; a real round fetches up to 2^18 objects first.
  mesh.limits.round_start_burst = 64;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  // Scattered among many shared objects, so reconciliation takes several
  // round trips and the cap cuts it short.
  for (std::uint64_t i = 0; i < 6000; ++i) {
    const Bytes e = envelope(net, 1 + i, i);
    b.replica.put(net, e);
    if (i % 10 != 0) a.replica.put(net, e);
  }
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  ASSERT_TRUE(mesh.run());
  ASSERT_FALSE(l.failed()) << (l.a.error ? l.a.error->describe() : l.b.error->describe());
  EXPECT_EQ(a.replica.ids(net).size(), 6000u);
  EXPECT_TRUE(l.a.session->round_complete());
  // Several rounds ran back to back; round_complete only after the last.
  std::size_t rounds = 0;
  for (const auto& m : l.a.sent) rounds += is<session::SyncDone>(m) ? 1 : 0;
  EXPECT_GT(rounds, 1u);
  EXPECT_EQ(l.a.session->progress().rounds_completed, 1u);
}

TEST(SyncFlowTest, RoundCompleteOnBothSides) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  fill(b, net, 50, 1);
  Link& l = mesh.connect(a, b);
  EXPECT_FALSE(l.a.session->round_complete());
  EXPECT_FALSE(l.b.session->round_complete());
  mesh.start(l);
  EXPECT_FALSE(l.a.session->round_complete());  // the query is out
  EXPECT_FALSE(l.b.session->round_complete());  // no round started here yet
  ASSERT_TRUE(mesh.run());
  EXPECT_TRUE(l.a.session->round_complete());
  EXPECT_TRUE(l.b.session->round_complete());
  EXPECT_EQ(l.a.session->progress().rounds_completed, 1u);
  EXPECT_EQ(l.b.session->progress().rounds_completed, 1u);
  ASSERT_TRUE(is<session::SyncDone>(l.a.sent.back()));
}

TEST(SyncFlowTest, NoSharedNetworkIsAnImmediatelyCompleteRound) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  EXPECT_TRUE(l.a.sent.empty());
  EXPECT_TRUE(l.a.session->round_complete());
}

TEST(SyncFlowTest, ANewRoundStartsAfterTheIntervalAndFetchesWhatIsNew) {
  Mesh mesh;
  mesh.limits.resync_interval = std::chrono::minutes(3);
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  fill(b, net, 20, 1);
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  ASSERT_TRUE(mesh.run());
  const auto ended = mesh.now;
  EXPECT_EQ(l.a.session->deadline(), ended + std::chrono::minutes(3));
  EXPECT_EQ(l.b.session->deadline(), std::nullopt);  // only the dialler starts rounds

  // Objects b stored without pushing them (another peer gave them, say).
  fill(b, net, 15, 2);
  mesh.now += std::chrono::minutes(3) - std::chrono::milliseconds(1);
  const std::size_t sent_before = l.a.sent.size();
  mesh.tick(l);
  EXPECT_EQ(l.a.sent.size(), sent_before);
  mesh.now += std::chrono::milliseconds(1);
  mesh.tick(l);
  ASSERT_GT(l.a.sent.size(), sent_before);
  EXPECT_TRUE(is<session::Reconcile>(l.a.sent[sent_before]));
  EXPECT_FALSE(l.a.session->round_complete());
  ASSERT_TRUE(mesh.run());
  EXPECT_TRUE(l.a.session->round_complete());
  EXPECT_EQ(a.replica.ids(net).size(), 35u);
  EXPECT_EQ(l.a.session->progress().rounds_completed, 2u);
}

TEST(SyncFlowTest, APeerThatStopsAnsweringIsCutOffAfterTheRequestTimeout) {
  Mesh mesh;
  mesh.limits.request_timeout = std::chrono::seconds(60);
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  share({&a, &b}, network_id(1));
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  l.b.inbox.clear();  // the query is lost: b never answers
  EXPECT_EQ(l.a.session->deadline(), mesh.now + std::chrono::seconds(60));
  mesh.now += std::chrono::seconds(59);
  mesh.tick(l);
  EXPECT_FALSE(l.a.error);
  mesh.now += std::chrono::seconds(1);
  mesh.tick(l);
  ASSERT_TRUE(l.a.error);
  EXPECT_EQ(l.a.error->code(), core::Errc::kProtocol);
}

TEST(SyncFlowTest, ALivePushCrossesAChainOnceAndIsNeverEchoed) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  Node& c = mesh.add_node(3);
  const auto net = network_id(1);
  share({&a, &b, &c}, net);
  fill(a, net, 10, 1);
  Link& ab = mesh.connect(a, b);
  Link& bc = mesh.connect(b, c);
  mesh.start(ab);
  mesh.start(bc);
  ASSERT_TRUE(mesh.run());
  ASSERT_TRUE(mesh.run());
  const std::size_t ab_b_sent = ab.b.sent.size();
  const std::size_t bc_b_sent = bc.b.sent.size();
  const auto c_received = bc.b.session->progress().objects_received;
  const auto a_received = ab.a.session->progress().objects_received;

  const Bytes x = envelope(net, 99'999, 42);
  mesh.publish(a, net, x);
  ASSERT_TRUE(mesh.run());
  EXPECT_TRUE(c.replica.ids(net).count(id_of(x)));
  EXPECT_EQ(bc.b.session->progress().objects_received, c_received + 1);  // once
  EXPECT_EQ(ab.b.sent.size(), ab_b_sent);  // b did not echo it to a
  EXPECT_EQ(bc.b.sent.size(), bc_b_sent);  // c did not echo it to b
  EXPECT_EQ(ab.a.session->progress().objects_received, a_received);

  // Publishing it again sends nothing: this session has sent it.
  const std::size_t ab_a_sent = ab.a.sent.size();
  mesh.publish(a, net, x);
  EXPECT_EQ(ab.a.sent.size(), ab_a_sent);
  EXPECT_FALSE(ab.failed() || bc.failed());
}

TEST(SyncFlowTest, PushesGoOnlyWhereTheNetworkIsSynced) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto shared = network_id(1), mine = network_id(2);
  share({&a, &b}, shared);
  a.replica.join(mine, {});
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  // Before the node has answered a query about it, the dialler pushes nothing.
  EXPECT_TRUE(l.a.session->push(shared, envelope(shared, 1, 1))->empty());
  ASSERT_TRUE(mesh.run());
  EXPECT_EQ(l.a.session->push(shared, envelope(shared, 1, 1))->size(), 1u);
  EXPECT_EQ(l.b.session->push(shared, envelope(shared, 2, 2))->size(), 1u);
  EXPECT_TRUE(l.a.session->push(mine, envelope(mine, 1, 3))->empty());
}

TEST(SyncFlowTest, AMemberRemovedWhileConnectedGetsNoMorePushesAndIsRefusedNextRound) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  const auto net = network_id(1);
  share({&a, &b}, net);
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  ASSERT_TRUE(mesh.run());
  b.replica.networks[net].members.clear();  // b's network removed a
  const Bytes secret = envelope(net, 7, 7);
  mesh.publish(b, net, secret);
  ASSERT_TRUE(mesh.run());
  EXPECT_FALSE(a.replica.ids(net).count(id_of(secret)));

  mesh.now += mesh.limits.resync_interval;
  mesh.tick(l);
  ASSERT_TRUE(mesh.run());
  EXPECT_TRUE(is<session::SyncRefused>(l.b.sent.back()));
  EXPECT_TRUE(l.a.session->round_complete());
  EXPECT_FALSE(a.replica.ids(net).count(id_of(secret)));
  // a's pushes about it now stop at a; one still in flight is dropped by b.
  EXPECT_TRUE(l.a.session->push(net, envelope(net, 8, 8))->empty());
  auto late = mesh.inject(l.b, objects_message(net, ObjectsKind::kPush, std::vector<Bytes>{envelope(net, 9, 9)}));
  ASSERT_TRUE(late) << late.error().describe();
  EXPECT_FALSE(b.replica.ids(net).count(id_of(envelope(net, 9, 9))));
}

TEST(SyncFlowTest, AStorageFailureClosesTheSession) {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  share({&a, &b}, network_id(1));
  b.replica.fail_storage = true;
  Link& l = mesh.connect(a, b);
  mesh.start(l);
  mesh.run();
  ASSERT_TRUE(l.b.error);
  EXPECT_EQ(l.b.error->code(), core::Errc::kStorage);
}

}  // namespace
}  // namespace tumar::sync::test
