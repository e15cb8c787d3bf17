// Integration: real nodes on loopback (127.0.0.1 only), real sockets. Every
// limit from the transport issue, over the wire, and after each attack the
// node still serves everyone else.

#include <gtest/gtest.h>

#include "net/net_harness.hpp"

namespace tumar::net {
namespace {

using namespace std::chrono_literals;
using test::Bytes;
using test::RawClient;
using test::RunningNode;
using test::sync_once;
using F = node::JobFailure;

// A node that admits exactly one identity, `member`.
struct Fixture {
  test::Person member;
  test::Person stranger;
};

TEST(NodeTest, TwoNodesSyncOverLoopback) {
  Fixture f;
  RunningNode b(test::admit_only(f.member.key()));
  auto outcome = sync_once(f.member, b.address(), b.key());
  ASSERT_TRUE(outcome.ok()) << static_cast<int>(outcome.failure) << " " << (outcome.cause ? outcome.cause->describe() : std::string());
  ASSERT_TRUE(outcome.peer.has_value());
  EXPECT_EQ(outcome.peer->identity_key, b.key());
  EXPECT_EQ(b.counts().admitted, 1u);
}

TEST(NodeTest, ManyPeersSyncAtOnce) {
  Fixture f;
  RunningNode b(test::admit_all());
  node::EngineOptions options;
  for (int i = 0; i < 8; ++i) options.jobs.push_back(node::SyncJob{b.address(), b.key(), {}, {}, {}});
  crypto::SystemRandom rng;
  node::Engine engine(f.member.replica(), f.member.me(), rng, std::move(options));
  {
    asio::io_context io(1);
    TcpTransport transport(io);
    NodeRunner runner(io, engine, transport, RunnerOptions{false, 500ms});
    runner.run();
  }
  for (std::size_t i = 0; i < engine.job_count(); ++i) EXPECT_TRUE(engine.outcome(i).ok()) << (engine.outcome(i).cause ? engine.outcome(i).cause->describe() : std::string());
  EXPECT_EQ(b.counts().admitted, 8u);
}

TEST(NodeTest, StrangerIsDisconnectedAfterTheHandshakeAndMembersStillSync) {
  Fixture f;
  RunningNode b(test::admit_only(f.member.key()));
  auto refused = sync_once(f.stranger, b.address(), b.key());
  EXPECT_EQ(refused.failure, F::kNotAdmitted);
  EXPECT_TRUE(sync_once(f.member, b.address(), b.key()).ok());
  EXPECT_EQ(b.counts().admitted, 1u);
}

TEST(NodeTest, DiallerRefusesAResponderWithAnotherIdentityBeforeRevealingItself) {
  Fixture f;
  RunningNode b(test::admit_all());
  auto outcome = sync_once(f.member, b.address(), f.stranger.key());
  EXPECT_EQ(outcome.failure, F::kWrongIdentity);
  EXPECT_EQ(b.counts().admitted, 0u) << "message 3 was never sent, so b never learned who dialled";
}

TEST(NodeTest, ClosedPortIsUnreachable) {
  asio::io_context io;
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = probe.local_endpoint().port();
  probe.close();
  Fixture f;
  auto outcome = sync_once(f.member, {"127.0.0.1", port}, std::nullopt);
  EXPECT_EQ(outcome.failure, F::kUnreachable);
  ASSERT_TRUE(outcome.dial);
  EXPECT_EQ(outcome.dial->why, node::DialFailure::kUnreachable) << (outcome.cause ? outcome.cause->describe() : std::string());
  EXPECT_FALSE(outcome.dial->system.empty());
}

TEST(NodeTest, SilentPeerIsCutOffWhenTheHandshakeTimesOut) {
  node::EngineOptions options;
  options.session_limits.handshake_timeout = 300ms;  // 10 s in production; the virtual-clock test checks that
  RunningNode b(test::admit_all(), std::move(options));
  RawClient silent(b.address());
  EXPECT_TRUE(silent.closed_by_peer(5s)) << "well before the 10 s default: the configured limit applies";
  EXPECT_EQ(b.counts().closed_by_limit_or_protocol, 1u);
}

TEST(NodeTest, SlowlorisIsCutOffWhenTheHandshakeTimesOut) {
  node::EngineOptions options;
  options.session_limits.handshake_timeout = 500ms;
  RunningNode b(test::admit_all(), std::move(options));
  RawClient slow(b.address());
  slow.send(Bytes{0x00});  // the first byte of a plausible length
  bool closed = false;
  for (int i = 0; i < 50 && !closed; ++i) {  // 5 s: half the 10 s default
    closed = slow.closed_by_peer(100ms);
    if (!closed) slow.send(Bytes{0x20});  // one more byte of message 1, ever so slowly
  }
  EXPECT_TRUE(closed);
}

TEST(NodeTest, IdleConnectionIsClosedAfterTheConfiguredTime) {
  node::EngineOptions options;
  options.session_limits.idle_timeout = 400ms;
  RunningNode b(test::admit_all());
  RunningNode idle_node(test::admit_all(), std::move(options));
  Fixture f;
  RawClient client(idle_node.address());
  ASSERT_TRUE(client.handshake(f.member.me()));
  EXPECT_TRUE(client.ping_answered(1)) << "open and serving";
  EXPECT_TRUE(client.closed_by_peer(5s)) << "by the configured 400 ms, not the 10 s handshake or 300 s idle default";
}

TEST(NodeTest, EachKindOfBadInputDisconnectsOnlyItsSender) {
  Fixture f;
  node::EngineOptions options;
  options.session_limits.max_message_len = 64 * 1024;
  RunningNode b(test::admit_all(), std::move(options));
  RawClient good(b.address());
  ASSERT_TRUE(good.handshake(f.member.me()));

  auto attack = [&](const char* what, const std::function<void(RawClient&)>& act) {
    SCOPED_TRACE(what);
    RawClient bad(b.address());
    act(bad);
    EXPECT_TRUE(bad.closed_by_peer(10s));
    EXPECT_TRUE(good.ping_answered(std::hash<std::string>{}(what))) << "the node must keep serving others";
  };

  attack("garbage", [](RawClient& c) {
    Bytes junk(300);
    for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 7 + 3);
    c.send(junk);
  });
  attack("oversized handshake frame", [](RawClient& c) { c.send(Bytes{0xFF, 0xFF}); });
  attack("zero-length frame", [](RawClient& c) { c.send(Bytes{0x00, 0x00}); });
  attack("truncated frame, then end of stream", [](RawClient& c) {
    c.send(Bytes{0x00, 0x20, 1, 2, 3, 4, 5});
    c.shutdown_send();
  });
  attack("bad tag", [&](RawClient& c) {
    ASSERT_TRUE(c.handshake(f.member.me()));
    Bytes m = c.seal(session::Ping{5, {}});
    m.back() ^= 0x80;
    c.send(m);
  });
  attack("replayed message", [&](RawClient& c) {
    ASSERT_TRUE(c.handshake(f.member.me()));
    Bytes m = c.seal(session::Pong{5});
    c.send(m);
    c.send(m);
  });
  attack("reordered messages", [&](RawClient& c) {
    ASSERT_TRUE(c.handshake(f.member.me()));
    const session::WireMessage pong = session::Pong{5};
    Bytes first = c.seal(pong);
    Bytes second = c.seal(pong);
    c.send(second);
    c.send(first);
  });
  attack("message over the node's limit", [&](RawClient& c) {
    session::SessionLimits generous;
    generous.max_message_len = 1 << 20;
    ASSERT_TRUE(c.handshake(f.member.me(), generous));
    c.send(c.seal(session::Ping{0, Bytes(100 * 1024, 'x')}));
  });
  EXPECT_GE(b.counts().closed_by_limit_or_protocol, 7u);
}

TEST(NodeTest, TransportFrameOverTheNodeLimitIsRefusedFromItsLength) {
  Fixture f;
  node::EngineOptions options;
  options.session_limits.max_frame_len = 4096;
  RunningNode b(test::admit_all(), std::move(options));
  RawClient good(b.address());
  ASSERT_TRUE(good.handshake(f.member.me()));
  RawClient bad(b.address());
  ASSERT_TRUE(bad.handshake(f.stranger.me()));
  bad.send(Bytes{0x10, 0x01});  // announces 4097 bytes; none follow
  EXPECT_TRUE(bad.closed_by_peer(10s));
  EXPECT_TRUE(good.ping_answered(3));
}

TEST(NodeTest, ConnectionsBeyondTheNodeLimitAreClosedAtOnce) {
  node::EngineOptions options;
  options.connection_limits.max_connections = 2;
  options.connection_limits.max_per_address = 8;
  RunningNode b(test::admit_all(), std::move(options));
  RawClient first(b.address());
  RawClient second(b.address());
  ASSERT_FALSE(first.closed_by_peer(200ms));
  RawClient third(b.address());
  EXPECT_TRUE(third.closed_by_peer(10s));
  EXPECT_FALSE(second.closed_by_peer(200ms)) << "the connections already in are untouched";
  EXPECT_EQ(b.counts().over_budget, 1u);
  // A slot frees when a connection ends.
  first.shutdown_send();
  ASSERT_TRUE(first.closed_by_peer(10s));
  Fixture f;
  EXPECT_TRUE(sync_once(f.member, b.address(), b.key()).ok());
}

TEST(NodeTest, ConnectionsBeyondThePerAddressLimitAreClosedAtOnce) {
  node::EngineOptions options;
  options.connection_limits.max_connections = 64;
  options.connection_limits.max_per_address = 2;
  RunningNode b(test::admit_all(), std::move(options));
  RawClient first(b.address());
  RawClient second(b.address());
  ASSERT_FALSE(second.closed_by_peer(200ms));
  RawClient third(b.address());
  EXPECT_TRUE(third.closed_by_peer(10s));
  EXPECT_EQ(b.counts().over_budget, 1u);
}

TEST(NodeTest, PeerThatNeverReadsItsAnswersIsThrottledNotBuffered) {
  Fixture f;
  RunningNode b(test::admit_all());
  RawClient good(b.address());
  ASSERT_TRUE(good.handshake(f.member.me()));
  RawClient greedy(b.address());
  ASSERT_TRUE(greedy.handshake(f.stranger.me()));
  // 48 MB of distinct sealed Pings (each is answered with a Pong the client
  // never reads); a replayed copy would fail authentication instead.
  Bytes stream;
  while (stream.size() < 48u * 1024 * 1024) {
    for (std::uint64_t i = 0; i < 4096; ++i) {
      Bytes one = greedy.seal(session::Ping{i + 1, {}});
      stream.insert(stream.end(), one.begin(), one.end());
    }
  }
  const std::size_t sent = greedy.flood_without_reading(stream, stream.size(), 1500ms);
  // Without backpressure the node would read all 48 MB and queue as many
  // bytes of Pongs. With it, the node stops reading once 4 MiB of answers
  // wait, and the kernel's socket buffers stop the client soon after.
  EXPECT_LT(sent, stream.size()) << "the node kept reading from a peer that does not read";
  EXPECT_TRUE(good.ping_answered(77)) << "and it keeps serving everyone else";
}

TEST(NodeTest, StopSaysGoodbyeToConnectedPeers) {
  Fixture f;
  auto b = std::make_unique<RunningNode>(test::admit_all());
  RawClient client(b->address());
  ASSERT_TRUE(client.handshake(f.member.me()));
  b.reset();  // stop() and join
  EXPECT_TRUE(client.closed_by_peer(5s));
}

}  // namespace
}  // namespace tumar::net
