// A peer that breaks the sync protocol: every message out of place is an
// error (the caller closes the session), nothing it sends unasked is
// stored, and the error is final.

#include "core/sync/sync_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <functional>
#include <iterator>

#include "core/error_ids.hpp"
#include "core/reconcile/negentropy.hpp"
#include "core/sync/sync_wire.hpp"
#include "sync_harness.hpp"

namespace tumar::sync::test {
namespace {

bool is_want(const Endpoint&, const WireMessage& m) { return is<session::WantObjects>(m); }

struct SyncHostileTest : ::testing::Test {
  Mesh mesh;
  Node& a = mesh.add_node(1);
  Node& b = mesh.add_node(2);
  NetworkId net = network_id(1);
  NetworkId stranger = network_id(9);
  Link* link = nullptr;

  void SetUp() override {
    a.replica.join(net, {b.key});
    b.replica.join(net, {a.key});
    for (std::uint64_t i = 0; i < 40; ++i) b.replica.put(net, envelope(net, 10 + i, i));
    for (std::uint64_t i = 0; i < 40; ++i) a.replica.put(net, envelope(net, 10 + i, 100 + i));
    link = &mesh.connect(a, b);
  }
  Endpoint& dialler() { return link->a; }
  Endpoint& node() { return link->b; }

  // Runs the real exchange until `pred` matches a message, which is then
  // taken back (never delivered).
  WireMessage run_until(const std::function<bool(const Endpoint&, const WireMessage&)>& pred) {
    mesh.stop_after = pred;
    mesh.start(*link);
    mesh.run();
    for (Endpoint* e : {&dialler(), &node()}) {
      for (auto it = e->inbox.rbegin(); it != e->inbox.rend(); ++it) {
        if (!pred(*e->peer, *it)) continue;
        WireMessage m = *it;
        e->inbox.erase(std::next(it).base());
        return m;
      }
    }
    ADD_FAILURE() << "the exchange never sent the expected message";
    return {};
  }

  // `why`: a piece of the error's describe() (its id's key), so the test
  // proves the refusal happened for the reason it is about.
  void expect_error(Endpoint& to, const WireMessage& m, const std::string& why) {
    auto out = mesh.inject(to, m);
    ASSERT_FALSE(out) << session::wire_kind(m);
    EXPECT_EQ(out.error().code(), core::Errc::kProtocol) << out.error().describe();
    EXPECT_NE(out.error().describe().find(why), std::string::npos) << out.error().describe();
    // Final: the same error again, even for a harmless message.
    auto again = to.session->on_message(session::Ping{1, {}}, mesh.now, mesh.unix_ms);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().describe(), out.error().describe());
  }
};


// A PUSH of one valid-looking object of `network`.
WireMessage push_of(const NetworkId& network) {
  return objects_message(network, ObjectsKind::kPush, std::vector<Bytes>{envelope(network, 1, 1)});
}

// --- at the node (responder) ---

TEST_F(SyncHostileTest, NodeRefusesWantObjectsOutsideARound) {
  mesh.start(*link);
  const ObjectId some = *b.replica.ids(net).begin();
  expect_error(node(), want_message(net, std::vector<ObjectId>{some}), "sync.dialler_asked_outside_round");
}

TEST_F(SyncHostileTest, NodeRefusesHaveBatchesOutsideARound) {
  mesh.start(*link);
  expect_error(node(), objects_message(net, ObjectsKind::kHave, std::vector<Bytes>{envelope(net, 1, 1)}),
               "sync.dialler_objects_outside_round");
}

TEST_F(SyncHostileTest, NodeRefusesPushesOfANetworkNeverSynced) {
  mesh.start(*link);
  expect_error(node(), push_of(stranger), "sync.dialler_pushed_unsynced");
}

TEST_F(SyncHostileTest, NodeRefusesGarbageNegentropy) {
  mesh.start(*link);
  expect_error(node(), reconcile_message(net, Bytes{0x61, 0x00, 0x07, 0xFF}), "reconcile.");
}

TEST_F(SyncHostileTest, NodeRefusesGarbageInARunningReconciliation) {
  mesh.start(*link);
  ASSERT_TRUE(mesh.inject(node(), dialler().sent.front()));  // the real first query
  expect_error(node(), reconcile_message(net, Bytes{0x42}), "reconcile.no_version");
}

TEST_F(SyncHostileTest, NodeRefusesASecondRoundWhileOneRuns) {
  const auto want = run_until(is_want);
  ASSERT_TRUE(mesh.inject(node(), want));  // the round is transferring now
  expect_error(node(), dialler().sent.front(), "sync.dialler_second_round");  // a fresh first query
}

TEST_F(SyncHostileTest, NodeRefusesSyncDoneOutsideARound) {
  mesh.start(*link);
  expect_error(node(), done_message(net), "sync.dialler_ended_no_round");
}

TEST_F(SyncHostileTest, NodeRefusesWhatOnlyANodeSends) {
  for (const auto& m : {objects_message(net, ObjectsKind::kAnswerEnd, std::vector<Bytes>{}), ack_message(net),
                        refused_message(net)}) {
    Mesh fresh;
    Node& x = fresh.add_node(1);
    Node& y = fresh.add_node(2);
    Link& l = fresh.connect(x, y);
    fresh.start(l);
    auto out = fresh.inject(l.b, m);
    ASSERT_FALSE(out) << session::wire_kind(m);
    EXPECT_EQ(out.error().code(), core::Errc::kProtocol);
  }
}

TEST_F(SyncHostileTest, NodeCutsOffADiallerNamingTooManyNetworks) {
  mesh.limits.max_refused = 3;
  Link& l = mesh.connect(a, b);
  link = &l;
  mesh.start(l);
  const Bytes query = std::get<session::Reconcile>(dialler().sent.front()).negentropy;
  for (std::uint8_t i = 0; i < 3; ++i) {
    auto out = mesh.inject(l.b, reconcile_message(network_id(static_cast<std::uint8_t>(100 + i)), query));
    ASSERT_TRUE(out);
    ASSERT_EQ(out->send.size(), 1u);
    EXPECT_TRUE(is<session::SyncRefused>(out->send[0]));
  }
  auto out = mesh.inject(l.b, reconcile_message(network_id(200), query));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kLimit);
}

// A dialler that starts round after round saying it holds nothing gets the
// bootstrap push once per session: a five-byte query must not buy a
// network's membership objects again and again.
TEST_F(SyncHostileTest, NodeSendsTheBootstrapPushOncePerSession) {
  for (const auto& [id, bytes] : b.replica.networks[net].objects) {
    b.replica.bootstrap.push_back(id);
    if (b.replica.bootstrap.size() == 5) break;
  }
  Link& l = mesh.connect(a, b);
  link = &l;
  mesh.start(l);
  const reconcile::SortedItems nothing = [] {
    reconcile::SortedItems s;
    EXPECT_TRUE(s.seal());
    return s;
  }();
  auto client = reconcile::Negentropy::make(nothing, 0);
  ASSERT_TRUE(client);
  const Bytes empty_query = *client->initiate();
  for (int round = 0; round < 3; ++round) {
    auto out = mesh.inject(l.b, reconcile_message(net, empty_query));
    ASSERT_TRUE(out) << out.error().describe();
    const auto pushes = std::count_if(out->send.begin(), out->send.end(), [](const WireMessage& m) {
      return is_objects(m, ObjectsKind::kPush);
    });
    EXPECT_EQ(pushes, round == 0 ? 1 : 0) << "round " << round;
    ASSERT_TRUE(mesh.inject(l.b, done_message(net)));
  }
  EXPECT_EQ(b.replica.bootstrap_asked_for.size(), 1u);
}

// Each round start costs the node a read of the network's whole item set:
// a dialler starting rounds in a loop is cut off once the bucket is empty,
// and one that waits gets a round per refill interval.
TEST_F(SyncHostileTest, NodeCutsOffADiallerStartingRoundsInALoop) {
  mesh.limits.round_start_burst = 3;
  mesh.limits.round_start_refill = std::chrono::seconds(10);
  Link& l = mesh.connect(a, b);
  link = &l;
  mesh.start(l);
  const Bytes query = std::get<session::Reconcile>(dialler().sent.front()).negentropy;
  auto round = [&] {
    auto out = mesh.inject(l.b, reconcile_message(net, query));
    if (!out) return out;
    return mesh.inject(l.b, done_message(net));
  };
  // mesh.start only queued the dialler's first query: the node sees just
  // these rounds, three of them at one instant.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(round()) << i;
  auto out = round();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::Errc::kLimit);
  EXPECT_EQ(out.error().id(), core::ErrorId::kSyncRoundsTooFast);

  // Another session, patient: one round per interval is always allowed.
  Link& patient = mesh.connect(a, b);
  mesh.start(patient);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(mesh.inject(patient.b, reconcile_message(net, query))) << i;
    ASSERT_TRUE(mesh.inject(patient.b, done_message(net))) << i;
    mesh.now += std::chrono::seconds(10);
  }
}

TEST_F(SyncHostileTest, NodeRefusesObjectsOfAnotherNetworkUnderThisOne) {
  const NetworkId other = network_id(2);
  b.replica.join(other, {});  // b is in it, a is not a member there
  run_until(is_want);
  // A HAVE batch about `net` carrying an object the replica files under `other`.
  expect_error(node(), objects_message(net, ObjectsKind::kHave, std::vector<Bytes>{envelope(other, 5, 5)}),
               "sync.object_of_other_network");
}

// --- at the dialler (initiator) ---

TEST_F(SyncHostileTest, DiallerRefusesAnObjectItDidNotAskForAndStoresNothing) {
  run_until(is_want);
  const auto before = a.replica.ids(net);
  const Bytes unasked = envelope(net, 5, 777);
  expect_error(dialler(), objects_message(net, ObjectsKind::kAnswerEnd, std::vector<Bytes>{unasked}),
               "sync.unasked_object");
  EXPECT_EQ(a.replica.ids(net), before);
  EXPECT_EQ(a.replica.ingest_calls, 0u);
}

TEST_F(SyncHostileTest, DiallerRefusesTheSameObjectTwiceInOneAnswer) {
  const auto want = run_until(is_want);
  const ObjectId first = std::get<session::WantObjects>(want).ids.at(0);
  const Bytes e = b.replica.networks[net].objects.at(first);
  expect_error(dialler(), objects_message(net, ObjectsKind::kAnswer, std::vector<Bytes>{e, e}), "sync.unasked_object");
}

TEST_F(SyncHostileTest, DiallerRefusesAnAnswerLargerThanTheRequest) {
  mesh.limits.want_batch = 2;
  Link& l = mesh.connect(a, b);
  link = &l;
  run_until(is_want);
  std::vector<Bytes> three(3, envelope(net, 1, 1));
  expect_error(dialler(), objects_message(net, ObjectsKind::kAnswer, three), "sync.too_many_objects");
}

TEST_F(SyncHostileTest, DiallerRefusesAReplyNobodyAskedFor) {
  run_until(is_want);
  expect_error(dialler(), reconcile_message(net, Bytes{0x61}), "sync.unasked_reply");
}

TEST_F(SyncHostileTest, DiallerRefusesGarbageNegentropy) {
  mesh.start(*link);
  expect_error(dialler(), reconcile_message(net, Bytes{0x61, 0x00, 0x07, 0xFF}), "reconcile.");
}

TEST_F(SyncHostileTest, DiallerRefusesALateRefusal) {
  run_until(is_want);
  expect_error(dialler(), refused_message(net), "sync.refused_at_wrong_moment");
}

TEST_F(SyncHostileTest, DiallerRefusesAnAcknowledgementOfNothing) {
  mesh.start(*link);
  expect_error(dialler(), ack_message(net), "sync.unsent_acknowledged");
}

TEST_F(SyncHostileTest, DiallerRefusesWhatOnlyADiallerSends) {
  for (const auto& m : {want_message(net, std::vector<ObjectId>{ObjectId{}}),
                        objects_message(net, ObjectsKind::kHave, std::vector<Bytes>{envelope(net, 1, 1)}),
                        done_message(net)}) {
    Mesh fresh;
    Node& x = fresh.add_node(1);
    Node& y = fresh.add_node(2);
    x.replica.join(net, {y.key});
    y.replica.join(net, {x.key});
    Link& l = fresh.connect(x, y);
    fresh.start(l);
    ASSERT_TRUE(fresh.run());  // the network is synced: only the direction is wrong
    auto out = fresh.inject(l.a, m);
    ASSERT_FALSE(out) << session::wire_kind(m);
    EXPECT_EQ(out.error().code(), core::Errc::kProtocol);
    const auto id = out.error().id();
    EXPECT_TRUE(id == core::ErrorId::kSyncNodeSentDiallerMessage || id == core::ErrorId::kSyncNodeSentDiallerObjects)
        << out.error().describe();
  }
}

TEST_F(SyncHostileTest, DiallerRefusesObjectsOfAnUnknownNetwork) {
  mesh.start(*link);
  expect_error(dialler(), push_of(stranger), "sync.objects_of_unsynced_network");
}

TEST_F(SyncHostileTest, DiallerRefusesPushesBeforeTheNetworkWasSynced) {
  mesh.start(*link);
  expect_error(dialler(), push_of(net), "sync.peer_pushed_unsynced");
}

TEST_F(SyncHostileTest, ASyncMessageBeforeStartIsRefused) {
  expect_error(node(), done_message(net), "sync.before_start");
}

}  // namespace
}  // namespace tumar::sync::test
