// The node engine's duties one at a time, on a virtual clock (sim_network.hpp):
// what a user of `serve`, `sync` and `join` relies on.

#include "core/node/engine.hpp"

#include <gtest/gtest.h>

#include "core/invite/invite_code.hpp"
#include "core/network/envelope.hpp"
#include "core/peers/peer_store.hpp"
#include "sim_network.hpp"
#include "support/temp_dir.hpp"

namespace tumar::node::test {
namespace {

using network::NetworkId;

bool holds(network::test::Node& n, const network::ObjectId& id) {
  auto has = n.store().has_object(id);
  return has && *has;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : sim(dir.path(), 42) {
    for (int i = 0; i < 4; ++i) sim.add_person();
  }

  // Person 0 founds a network and admits `members`; each member knows its
  // id, and the lead's address and key (as after a join).
  NetworkId found(std::initializer_list<std::size_t> members) {
    auto net = sim.person(0).author().create_network("Almaty shelters", false, sim.wall_ms());
    EXPECT_TRUE(net);
    for (std::size_t m : members) {
      EXPECT_TRUE(sim.person(0).author().admit(*net, sim.person(m).pub(), network::Role::kMember, sim.wall_ms()));
      sim.person(m).join(*net);
      // What its join's first sync brought it (the engine's join job is
      // tested on its own below and in sim_network_test).
      auto everything = sim.person(0).store().envelopes_after(0, 100000);
      network::test::Log log;
      for (auto& [rowid, env] : *everything) log.push_back(std::move(env));
      network::test::feed(sim.person(m), log, sim.wall_ms());
      peers::PeerStore peers(sim.person(m).db());
      EXPECT_TRUE(peers.add(sim.address(0), sim.person(0).key(), 0));
    }
    return *net;
  }

  // A serving engine that never polls its store within a test: what reaches
  // others can only have been flooded.
  static EngineOptions serving_without_poll() {
    EngineOptions o = SimNet::serving();
    o.local_poll = std::chrono::hours(1);
    return o;
  }

  EngineOptions job_to(std::size_t target, std::optional<identity::IdentityKey> key) {
    EngineOptions o;
    o.jobs.push_back(SyncJob{sim.address(target), key, std::nullopt, std::nullopt, std::nullopt});
    return o;
  }

  ::tumar::test::TempDir dir;
  SimNet sim;
};

TEST_F(EngineTest, AServingMemberGetsTheNetworkAndANoteWrittenByAnotherCommandWithinAPoll) {
  const NetworkId net = found({1});
  sim.start(0);
  sim.start(1);  // dials the lead from its allow list at once
  sim.run_for(2s);
  EXPECT_EQ(sim.pipes(), 1u);
  auto lead_objects = sim.person(0).store().envelopes_after(0, 1000);
  ASSERT_TRUE(lead_objects);
  for (const auto& [rowid, env] : *lead_objects) EXPECT_TRUE(holds(sim.person(1), network::object_id(env)));

  // `tumar note add` on the lead's profile while its node runs: another
  // process, the same database. The engine notices within one poll (400 ms).
  auto note = sim.person(0).author().add_note(net, {"Shelter", "2 beds", {}, "", "", 0, 0}, sim.wall_ms());
  ASSERT_TRUE(note);
  sim.run_for(450ms);
  EXPECT_TRUE(holds(sim.person(1), note->id)) << "flooded within a poll interval and a hop";
}

TEST_F(EngineTest, WhatOneMemberSendsIsFloodedToTheOthersAtOnce) {
  const NetworkId net = found({1, 2});
  sim.start(0, serving_without_poll());  // the lead relays only by flooding
  sim.start(1);
  sim.start(2, serving_without_poll());
  sim.run_for(3s);
  auto note = sim.person(1).author().add_note(net, {"Legal aid", "Tuesdays", {}, "", "", 0, 0}, sim.wall_ms());
  ASSERT_TRUE(note);
  // 400 ms for 1's own poll, then two hops of 5 ms; the lead and 2 never
  // poll, so 2 has it only if the lead flooded what it received.
  sim.run_for(420ms);
  EXPECT_TRUE(holds(sim.person(0), note->id));
  EXPECT_TRUE(holds(sim.person(2), note->id)) << "member 2 knows only the lead: the lead flooded it on";
}

TEST_F(EngineTest, AnInviteAdmissionIsAnsweredByTheEngineAndFloodedToConnectedMembers) {
  const NetworkId net = found({1});
  sim.start(0, serving_without_poll());  // only a flood at admission time can tell member 1
  sim.start(1, serving_without_poll());
  sim.run_for(2s);
  // Person 2 joins with an invite.
  std::array<std::uint8_t, 32> bytes{};
  bytes.fill(7);
  auto secret = crypto::Secret<32>::copy_of(bytes);
  network::InviteRecord record;
  record.invite_id = invite::invite_id(secret);
  record.network = net;
  record.secret = crypto::Secret<32>::copy_of(bytes);
  record.created_at = static_cast<std::int64_t>(sim.wall_ms() / 1000);
  record.expires_at = record.created_at + 600;
  ASSERT_TRUE(sim.person(0).store().add_invite(record));
  sim.person(2).join(net);
  EngineOptions o;
  SyncJob job{sim.address(0), sim.person(0).key(), std::nullopt, net, std::string("Dana")};
  job.invite = noise::InviteCredential{record.invite_id, std::move(secret), noise::ProfileKind::kReal};
  o.jobs.push_back(std::move(job));
  sim.start(2, std::move(o));
  sim.run_for(100ms);
  auto seen = sim.person(1).replica().directory().member(net, sim.person(2).key());
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->has_value()) << "member 1 learned of the newcomer from the lead's flood";
  sim.run_for(3s);
  EXPECT_FALSE(sim.up(2)) << "a job-only engine finishes";
}

TEST_F(EngineTest, AnUnreachableJobEndsTheEngineWithTheTransportsReason) {
  crypto::DeterministicRandom rng(5);
  {
    Engine e(sim.person(3).replica(), sim.person(3).me(), rng, job_to(0, sim.person(0).key()));
    auto a = e.start(sim.now());
    ASSERT_EQ(a.dials.size(), 1u);
    EXPECT_FALSE(a.finished);
    a = e.dial_failed(sim.now(), a.dials[0].conn, DialError{DialFailure::kUnreachable, "Connection refused", std::nullopt});
    EXPECT_TRUE(a.finished);
    EXPECT_EQ(e.outcome(0).failure, JobFailure::kUnreachable);
    ASSERT_TRUE(e.outcome(0).dial);
    EXPECT_EQ(e.outcome(0).dial->why, DialFailure::kUnreachable);
    EXPECT_EQ(e.outcome(0).dial->system, "Connection refused");
    EXPECT_EQ(e.stop_reason(), StopReason::kJobsDone);
  }
}

TEST_F(EngineTest, ADiallerRefusesAnImpostorBeforeShowingWhoItIs) {
  found({1});
  sim.start(0);
  EngineOptions o = job_to(0, sim.person(2).key());  // expects person 2's key at person 0's address
  sim.start(1, std::move(o));
  sim.run_for(1s);
  ASSERT_FALSE(sim.up(1)) << "finished";
  EXPECT_EQ(sim.engine(1).outcome(0).failure, JobFailure::kWrongIdentity);
  EXPECT_EQ(sim.engine(0).counts().admitted, 0u) << "message 3 was never sent";
}

TEST_F(EngineTest, AStrangerIsTurnedAwayAndTheJobSaysSo) {
  found({1});
  sim.start(0);
  sim.start(3, job_to(0, sim.person(0).key()));
  sim.run_for(1s);
  ASSERT_FALSE(sim.up(3)) << "finished";
  EXPECT_EQ(sim.engine(3).outcome(0).failure, JobFailure::kNotAdmitted);
  EXPECT_EQ(sim.engine(0).counts().closed_by_limit_or_protocol, 1u);
}

TEST_F(EngineTest, StopSaysGoodbyeAndFinishesWithinTheGrace) {
  found({1});
  sim.start(0);
  sim.start(1);
  sim.run_for(2s);
  ASSERT_EQ(sim.pipes(), 1u);
  sim.stop(0);
  sim.run_for(20ms);
  EXPECT_FALSE(sim.up(0)) << "the peer's close came back well within the 500 ms grace";
  EXPECT_EQ(sim.pipes(), 0u);
}

TEST_F(EngineTest, ConnectionsBeyondTheBudgetAreClosedBeforeAByte) {
  crypto::DeterministicRandom rng(9);
  EngineOptions o = SimNet::serving();
  o.connection_limits.max_connections = 2;
  Engine e(sim.person(0).replica(), sim.person(0).me(), rng, std::move(o));
  (void)e.start(sim.now());
  auto [c1, a1] = e.accepted(sim.now(), "a", "a:1");
  auto [c2, a2] = e.accepted(sim.now(), "b", "b:1");
  auto [c3, a3] = e.accepted(sim.now(), "c", "c:1");
  EXPECT_TRUE(a1.closes.empty());
  EXPECT_TRUE(a2.closes.empty());
  ASSERT_EQ(a3.closes.size(), 1u);
  EXPECT_EQ(a3.closes[0].conn, c3);
  EXPECT_EQ(a3.closes[0].how, CloseHow::kAbort);
  EXPECT_EQ(e.counts().over_budget, 1u);
  // A slot frees when a connection ends.
  (void)e.closed(sim.now(), c1, core::make_error<core::ErrorId::kSessionPeerClosed>(core::Errc::kProtocol));
  auto [c4, a4] = e.accepted(sim.now(), "d", "d:1");
  EXPECT_TRUE(a4.closes.empty());
  (void)c2;
  (void)c4;
}

}  // namespace
}  // namespace tumar::node::test
