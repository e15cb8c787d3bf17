// TorTransport against a fake SOCKS port (tests/net/fake_socks.hpp): every
// reply code tor can give maps to its own error, a stalled or silent proxy
// meets the deadline, a proxy that closes or talks nonsense is a failure and
// never a crash, the peer's bytes after the reply reach the stream, no name
// is ever resolved, each peer has its own isolation name — and two real node
// engines sync through it, one listening only on the Unix socket.

#include "net/tor/tor_transport.hpp"

#include <gtest/gtest.h>

#include <set>

#include <boost/asio/read.hpp>

#include "core/error_ids.hpp"
#include "core/tor/socks5.hpp"
#include "net/fake_socks.hpp"
#include "net/net_harness.hpp"
#include "support/temp_dir.hpp"

namespace tumar::net::tor {
namespace {

using namespace std::chrono_literals;
using core::ErrorId;
using test::FakeSocks;
using Act = FakeSocks::Act;
using Bytes = std::vector<std::uint8_t>;

const std::string kOnion = std::string(55, 'a') + "d.onion";
const std::string kOtherOnion = std::string(55, 'b') + "d.onion";

// Runs one dial to completion on `io`. The address is a named local: GCC 12
// destroys a braced temporary inside a co_await expression twice.
Result<Outbound> dial_now(asio::io_context& io, Transport& transport, peers::PeerAddress to,
                          std::chrono::milliseconds timeout) {
  std::optional<Result<Outbound>> r;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto out = co_await transport.dial(to, timeout);
        r.emplace(std::move(out));
      },
      asio::detached);
  io.restart();
  io.run();
  return std::move(*r);
}

// A TorTransport dialling through a fake SOCKS port on a Unix socket.
struct Rig {
  explicit Rig(FakeSocks::Script script, bool allow_ipv4 = false)
      : socks(tmp / "socks", std::move(script)),
        transport(io, TorTransportOptions{SocksEndpoint::unix_socket(tmp / "socks"), tmp / "node", "onion.sock",
                                          "tumar", allow_ipv4}) {}

  Result<Outbound> dial(const std::string& host, std::uint16_t port = 7000, std::chrono::milliseconds timeout = 5s) {
    return dial_now(io, transport, {host, port}, timeout);
  }

  ::tumar::test::TempDir tmp;
  asio::io_context io;
  FakeSocks socks;
  TorTransport transport;
};

// The error a failed dial carries from core, or kCount.
ErrorId cause_of(const Result<Outbound>& r) {
  if (r || r.error().cause() == nullptr) return ErrorId::kCount;
  return r.error().cause()->id();
}

TEST(TorTransport, EveryReplyCodeIsItsOwnUnreachableError) {
  const std::vector<std::uint8_t> codes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xF0,
                                           0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0x42, 0xFF};
  std::set<ErrorId> seen;
  for (std::uint8_t code : codes) {
    Rig rig({Act::kReply, code, {}, {}, {}});
    auto r = rig.dial(kOnion);
    ASSERT_FALSE(r) << "code " << int{code};
    EXPECT_EQ(r.error().code(), Errc::kUnreachable) << "the CLI's exit code 3";
    EXPECT_EQ(r.error().what(), Failure::kDialSocksFailed);
    EXPECT_EQ(cause_of(r), ::tumar::tor::socks_reply_error(code).id()) << "code " << int{code};
    EXPECT_EQ(r.error().address(), kOnion + ":7000");
    seen.insert(cause_of(r));
  }
  // 0x01..0x08 and 0xF0..0xF7 each their own; 0x42 and 0xFF the unknown one.
  EXPECT_EQ(seen.size(), 17u);
}

TEST(TorTransport, TheOnionNameGoesToTorUnresolvedWithAnIsolationNamePerPeer) {
  Rig rig({Act::kReply, 0xF0, {}, {}, {}});
  (void)rig.dial(kOnion, 7000);
  (void)rig.dial(kOtherOnion, 7001);
  (void)rig.dial(kOnion, 7000);
  const auto requests = rig.socks.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& q : requests) {
    EXPECT_EQ(q.method, ::tumar::tor::kSocksMethodUserPass);
    EXPECT_EQ(q.atyp, ::tumar::tor::kSocksAtypDomain) << "the name goes to tor, never resolved here";
    EXPECT_EQ(q.password, "tumar");
  }
  EXPECT_EQ(requests[0].host, kOnion);
  EXPECT_EQ(requests[0].port, 7000);
  EXPECT_EQ(requests[1].host, kOtherOnion);
  EXPECT_NE(requests[0].username, requests[1].username) << "each peer on circuits of its own";
  EXPECT_EQ(requests[0].username, requests[2].username) << "the same peer keeps its name";
}

TEST(TorTransport, NamesThatAreNotOnionsAreRefusedBeforeAnythingIsSent) {
  Rig rig({});
  for (const std::string& host : std::vector<std::string>{"example.org", "localhost", "127.0.0.1", "::1", "AAAA" + kOnion.substr(4)}) {
    auto r = rig.dial(host);
    ASSERT_FALSE(r) << host;
    EXPECT_EQ(r.error().what(), Failure::kDialNotOnion) << host;
    EXPECT_EQ(r.error().code(), Errc::kAddress);
    EXPECT_EQ(cause_of(r), ErrorId::kTorOnionAddressShape) << host;
  }
  EXPECT_EQ(rig.socks.connections(), 0u) << "not even tor heard of them";
}

TEST(TorTransport, AnIpv4LiteralGoesThroughTorOnlyWhenAllowed) {
  Rig rig({Act::kReply, 0x00, {}, {}, {}}, /*allow_ipv4=*/true);
  auto r = rig.dial("127.0.0.1", 9);
  ASSERT_TRUE(r) << r.error().describe();
  const auto requests = rig.socks.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].atyp, ::tumar::tor::kSocksAtypIpv4);
  EXPECT_EQ(requests[0].host, "127.0.0.1");
  // A name still is not resolved, allowed or not.
  EXPECT_EQ(rig.dial("localhost").error().what(), Failure::kDialNotOnion);
}

TEST(TorTransport, AProxyThatStallsMeetsTheDeadline) {
  for (Act act : {Act::kStallAfterGreeting, Act::kStallMidReply}) {
    Rig rig({act, 0, {}, {}, {}});
    const auto start = std::chrono::steady_clock::now();
    auto r = rig.dial(kOnion, 7000, 300ms);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what(), Failure::kDialTimedOut);
    EXPECT_EQ(r.error().code(), Errc::kUnreachable);
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);
  }
}

TEST(TorTransport, AProxyThatClosesEarlyFailsWithoutACrash) {
  for (Act act : {Act::kCloseAfterGreeting, Act::kCloseAfterConnect}) {
    Rig rig({act, 0, {}, {}, {}});
    auto r = rig.dial(kOnion);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what(), Failure::kDialSocksFailed);
    EXPECT_EQ(r.error().code(), Errc::kUnreachable);
    EXPECT_EQ(cause_of(r), ErrorId::kTorSocksClosedEarly);
  }
}

TEST(TorTransport, AProxyThatSpeaksNoSocksIsRefused) {
  const std::string http = "HTTP/1.0 400 Bad Request\r\n\r\n";
  const Bytes garbage(http.begin(), http.end());
  {
    Rig rig({Act::kGarbageMethod, 0, {}, garbage, {}});
    auto r = rig.dial(kOnion);
    ASSERT_FALSE(r);
    EXPECT_EQ(cause_of(r), ErrorId::kTorSocksVersion);
  }
  struct Case {
    Bytes reply;
    ErrorId id;
  };
  for (const auto& [reply, id] : {Case{{0x04, 0x5A, 0, 0, 0, 0, 0, 0}, ErrorId::kTorSocksVersion},
                                  Case{{0x05, 0x00, 0x01, 0x01}, ErrorId::kTorSocksReservedByte},
                                  Case{{0x05, 0x00, 0x00, 0x09}, ErrorId::kTorSocksAddressType},
                                  Case{{0x05, 0x00, 0x00, 0x03, 0x00}, ErrorId::kTorSocksEmptyBoundName}}) {
    Rig rig({Act::kGarbageReply, 0, {}, reply, {}});
    auto r = rig.dial(kOnion, 7000, 2s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what(), Failure::kDialSocksFailed);
    EXPECT_EQ(r.error().code(), Errc::kUnreachable);
    EXPECT_EQ(cause_of(r), id);
  }
}

TEST(TorTransport, ThePeersBytesAfterTheReplyStayInTheStream) {
  const std::string hello = "the peer speaks first";
  Rig rig({Act::kReply, 0x00, Bytes(hello.begin(), hello.end()), {}, {}});
  auto r = rig.dial(kOnion);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->label, kOnion + ":7000 via tor");
  std::string got(hello.size(), '\0');
  error_code ec;
  asio::read(r->stream, asio::buffer(got), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, hello);
}

TEST(TorTransport, NoSocksPortIsAProxyFailure) {
  ::tumar::test::TempDir tmp;
  asio::io_context io;
  TorTransport t(io, {SocksEndpoint::unix_socket(tmp / "nobody"), tmp / "node", "onion.sock", "tumar", false});
  const auto r = dial_now(io, t, {kOnion, 7000}, 2s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), Failure::kDialProxyFailed);
  EXPECT_EQ(r.error().code(), Errc::kUnreachable);
  EXPECT_NE(r.error().system().find("unix:"), std::string::npos);
}

TEST(TorTransport, ASocksPathTooLongForSunPathIsAProxyFailureNotAThrow) {
  ::tumar::test::TempDir tmp;
  asio::io_context io;
  TorTransport t(io, {SocksEndpoint::unix_socket(tmp / std::string(kMaxUnixPathLen, 's')), tmp / "node",
                      "onion.sock", "tumar", false});
  const auto r = dial_now(io, t, {kOnion, 7000}, 2s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), Failure::kDialProxyFailed);
}

TEST(TorTransport, DialsThroughASocksPortOnLoopbackToo) {
  FakeSocks socks({Act::kReply, 0xF4, {}, {}, {}});
  ::tumar::test::TempDir tmp;
  asio::io_context io;
  TorTransport t(io, {SocksEndpoint::loopback_port(socks.port()), tmp / "node", "onion.sock", "tumar", false});
  const auto r = dial_now(io, t, {kOnion, 7000}, 2s);
  ASSERT_FALSE(r);
  EXPECT_EQ(cause_of(r), ErrorId::kTorOnionMissingClientAuth);
}

TEST(TorTransport, ListensOnlyOnItsUnixSocket) {
  ::tumar::test::TempDir tmp;
  asio::io_context io;
  TorTransport t(io, {SocksEndpoint::unix_socket(tmp / "socks"), tmp / "node", "onion.sock", "tumar", false});
  auto bound = t.listen({"", 7000});
  ASSERT_TRUE(bound) << bound.error().describe();
  EXPECT_EQ(*bound, "unix:" + (tmp / "node" / "onion.sock").string());
  EXPECT_TRUE(t.listening());
  EXPECT_FALSE(t.public_address());
  t.set_public_address({kOnion, 7000});
  EXPECT_EQ(t.public_address()->to_string(), kOnion + ":7000");

  asio::local::stream_protocol::socket client(io);
  client.connect(asio::local::stream_protocol::endpoint(t.socket_path()->string()));
  std::optional<Result<Inbound>> in;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { in.emplace(co_await t.accept()); }, asio::detached);
  io.run();
  ASSERT_TRUE(in && *in);
  EXPECT_EQ((*in)->remote_ip, "") << "tor hides the peer: there is no address to count";
  t.close_listener();
  EXPECT_FALSE(t.listening());
  EXPECT_FALSE(std::filesystem::exists(tmp / "node" / "onion.sock"));
}

// Two real engines: B listens only on TorTransport's Unix socket; A dials
// B's onion name through a SOCKS port that splices to that socket (as tor
// would), and they sync. The engines and transports are the real ones.
TEST(TorTransport, TwoNodesSyncThroughTheSocksPortAndTheUnixSocket) {
  ::tumar::test::TempDir tmp;
  test::Person a, b;
  crypto::SystemRandom rng;

  node::EngineOptions b_options;
  b_options.serve = true;
  node::Engine b_engine(b.replica(), b.me(), rng, std::move(b_options), nullptr, test::admit_only(a.key()));
  asio::io_context b_io(1);
  TorTransport b_transport(b_io, {SocksEndpoint::unix_socket(tmp / "unused"), tmp / "b", "onion.sock", "tumar", false});
  ASSERT_TRUE(b_transport.listen({"", 7000}));
  NodeRunner b_runner(b_io, b_engine, b_transport, RunnerOptions{false, 500ms});
  std::thread b_thread([&] { b_runner.run(); });

  FakeSocks socks(tmp / "socks", {Act::kSpliceToUnix, 0, {}, {}, *b_transport.socket_path()});
  node::EngineOptions a_options;
  a_options.jobs.push_back(node::SyncJob{{kOnion, 7000}, b.key(), std::nullopt, std::nullopt, std::nullopt});
  node::Engine a_engine(a.replica(), a.me(), rng, std::move(a_options));
  {
    asio::io_context a_io(1);
    TorTransport a_transport(a_io,
                             {SocksEndpoint::unix_socket(tmp / "socks"), tmp / "a", "onion.sock", "tumar", false});
    NodeRunner a_runner(a_io, a_engine, a_transport, RunnerOptions{false, 500ms});
    a_runner.run();
  }
  const auto outcome = a_engine.outcome(0);
  EXPECT_TRUE(outcome.ok()) << static_cast<int>(outcome.failure) << " " << (outcome.cause ? outcome.cause->describe() : std::string());
  ASSERT_TRUE(outcome.peer);
  EXPECT_EQ(outcome.peer->identity_key, b.key());
  EXPECT_EQ(socks.requests().at(0).host, kOnion);
  b_runner.stop();
  b_thread.join();
}

// A SOCKS failure reaches the sync job as an unreachable dial, with core's
// error behind it for the words.
TEST(TorTransport, ASocksFailureEndsASyncJobAsUnreachable) {
  ::tumar::test::TempDir tmp;
  test::Person a;
  FakeSocks socks(tmp / "socks", {Act::kReply, 0xF0, {}, {}, {}});
  node::EngineOptions options;
  options.jobs.push_back(node::SyncJob{{kOnion, 7000}, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  crypto::SystemRandom rng;
  node::Engine engine(a.replica(), a.me(), rng, std::move(options));
  {
    asio::io_context io(1);
    TorTransport t(io, {SocksEndpoint::unix_socket(tmp / "socks"), tmp / "a", "onion.sock", "tumar", false});
    NodeRunner runner(io, engine, t, RunnerOptions{false, 500ms});
    runner.run();
  }
  const auto outcome = engine.outcome(0);
  EXPECT_EQ(outcome.failure, node::JobFailure::kUnreachable);
  ASSERT_TRUE(outcome.dial);
  EXPECT_EQ(outcome.dial->why, node::DialFailure::kUnreachable);
  // core's error itself reaches the front end, to be worded there.
  ASSERT_TRUE(outcome.dial->cause);
  EXPECT_EQ(outcome.dial->cause->key(), "tor.onion_descriptor_not_found") << outcome.dial->cause->describe();
}

}  // namespace
}  // namespace tumar::net::tor
