// TorTransport through a real tor on the private network (the `tor_net`
// fixture; issue 18, "Tests"): a node that listens only on its Unix socket,
// published as an onion service, and a node that dials ADDRESS.onion:7000
// through tor's SOCKS port — two real engines, a full sync, and no TCP
// connection between them. An onion that exists nowhere is tor's F0
// (descriptor not found), mapped, within the deadline.
//
//   tumar_tor_transport_tests NETDIR      (or TUMAR_TOR_NET=NETDIR)

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "core/error_ids.hpp"
#include "net/net_harness.hpp"
#include "net/tor/tor_transport.hpp"
#include "tor/test_tor.hpp"

namespace tumar::net::tor {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::uint16_t kVirtualPort = 7000;
// A valid v3 address (its key is Ed25519's base point, its checksum right:
// tor would answer F6 otherwise) that no service of the private network
// publishes.
const std::string kNowhereOnion = "lbtgmztgmztgmztgmztgmztgmztgmztgmztgmztgmztgmztgmztmn5ad.onion";

// The TCP sockets this process listens on (/proc/net/tcp{,6} state 0A,
// matched by inode against /proc/self/fd).
std::size_t tcp_listeners_of_this_process() {
  std::set<std::string> mine;
  for (const auto& fd : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = fs::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0) mine.insert(target.substr(8, target.size() - 9));
  }
  std::size_t n = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state == "0A" && mine.count(inode) != 0) ++n;
    }
  }
  return n;
}

// One tor for the suite: it publishes B's onion service (HiddenServicePort
// to B's Unix socket) and offers a SOCKS port on a Unix socket with tor's
// extended errors. B runs on its own thread for the whole suite.
class TorTransportOverTor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::tumar::test::tor_net_dir().empty()) GTEST_SKIP() << "no private Tor network given";
    char tmpl[] = "/tmp/tumar-tt-XXXXXX";  // short: sun_path holds 107 bytes
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    work_ = new fs::path(tmpl);
    b_ = new Listener(*work_ / "node");
    const fs::path tor_dir = *work_ / "tor";
    tor_ = new ::tumar::test::TestTor(
        tor_dir, ::tumar::test::tor_net_dir(),
        "SocksPort unix:" + (tor_dir / "socks").string() + " ExtendedErrors\n" +
            "HiddenServiceDir " + (tor_dir / "hs").string() + "\n" + "HiddenServicePort " +
            std::to_string(kVirtualPort) + " " + b_->target + "\n");
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(tor_->wait_log("Bootstrapped 100%", 120s)) << tor_->log_tail();
    onion_ = new std::string(::tumar::test::TestTor::wait_hostname(tor_dir / "hs", 30s));
    ASSERT_FALSE(onion_->empty()) << tor_->log_tail();
    std::printf("tor bootstrapped in %.1fs; service %s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), onion_->c_str());
  }
  static void TearDownTestSuite() {
    delete b_;
    delete tor_;
    delete onion_;
    if (work_ != nullptr) fs::remove_all(*work_);
    delete work_;
  }
  void SetUp() override {
    if (tor_ == nullptr || onion_ == nullptr) GTEST_SKIP() << "no tor";
  }

  // B: serves on TorTransport's Unix socket only.
  struct Listener {
    explicit Listener(const fs::path& dir)
        : transport(io, {SocksEndpoint::unix_socket(dir / "unused"), dir, "onion.sock", "tumar", false}) {
      node::EngineOptions options;
      options.serve = true;
      engine = std::make_unique<node::Engine>(me.replica(), me.me(), rng, std::move(options), nullptr,
                                              test::admit_all());
      auto bound = transport.listen({"", kVirtualPort});
      if (!bound) throw std::runtime_error(bound.error().describe());
      target = *bound;
      runner = std::make_unique<NodeRunner>(io, *engine, transport, RunnerOptions{false, 500ms});
      thread = std::thread([this] { runner->run(); });
    }
    ~Listener() {
      runner->stop();
      thread.join();
    }
    node::EngineCounts counts() {
      std::promise<node::EngineCounts> p;
      asio::post(io, [&] { p.set_value(engine->counts()); });
      return p.get_future().get();
    }
    crypto::SystemRandom rng;
    test::Person me;
    asio::io_context io{1};
    TorTransport transport;
    std::unique_ptr<node::Engine> engine;
    std::unique_ptr<NodeRunner> runner;
    std::string target;
    std::thread thread;
  };

  // One sync job from `a` to B's onion through `socks`.
  static node::JobOutcome sync_via(test::Person& a, const SocksEndpoint& socks, std::chrono::milliseconds timeout) {
    node::EngineOptions options;
    options.dial_timeout = timeout;
    options.jobs.push_back(
        node::SyncJob{{*onion_, kVirtualPort}, b_->me.key(), std::nullopt, std::nullopt, std::nullopt});
    crypto::SystemRandom rng;
    node::Engine engine(a.replica(), a.me(), rng, std::move(options));
    asio::io_context io(1);
    TorTransport t(io, {socks, *work_ / "a", "onion.sock", "tumar", false});
    NodeRunner runner(io, engine, t, RunnerOptions{false, 500ms});
    runner.run();
    return engine.outcome(0);
  }

  // Tries until the service is published and reachable (tor uploads the
  // descriptor some seconds after it bootstrapped).
  static node::JobOutcome sync_when_published(test::Person& a, const SocksEndpoint& socks) {
    const auto end = std::chrono::steady_clock::now() + 150s;
    int attempts = 0;
    while (true) {
      ++attempts;
      const auto t0 = std::chrono::steady_clock::now();
      auto outcome = sync_via(a, socks, 30s);
      const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (outcome.ok() || std::chrono::steady_clock::now() > end) {
        std::printf("attempt %d via %s: %s in %.2fs\n", attempts, socks.to_string().c_str(),
                    outcome.ok() ? "synced" : (outcome.cause ? outcome.cause->describe() : std::string()).c_str(), took);
        return outcome;
      }
      std::printf("attempt %d via %s: %s (%.1fs); trying again\n", attempts, socks.to_string().c_str(),
                  outcome.dial ? outcome.dial->system.c_str() : (outcome.cause ? outcome.cause->describe() : std::string()).c_str(), took);
      std::this_thread::sleep_for(1s);
    }
  }

  static SocksEndpoint own_socks() { return SocksEndpoint::unix_socket(tor_->dir() / "socks"); }
  static SocksEndpoint network_socks() {
    const auto env = ::tumar::test::tor_net_env(::tumar::test::tor_net_dir());
    return SocksEndpoint::loopback_port(static_cast<std::uint16_t>(std::stoi(env.at("TOR_TESTNET_SOCKS_PORT"))));
  }

  static fs::path* work_;
  static Listener* b_;
  static ::tumar::test::TestTor* tor_;
  static std::string* onion_;
};

fs::path* TorTransportOverTor::work_ = nullptr;
TorTransportOverTor::Listener* TorTransportOverTor::b_ = nullptr;
::tumar::test::TestTor* TorTransportOverTor::tor_ = nullptr;
std::string* TorTransportOverTor::onion_ = nullptr;

TEST_F(TorTransportOverTor, TwoNodesSyncOverTheOnionServiceWithNoTcpBetweenThem) {
  test::Person a;
  const auto before = b_->counts().admitted;
  // Through the network's client tor (its SOCKS port on 127.0.0.1): the
  // stream crosses the private network's relays to B's tor, which hands it
  // to B's Unix socket.
  const auto outcome = sync_when_published(a, network_socks());
  ASSERT_TRUE(outcome.ok()) << static_cast<int>(outcome.failure) << " " << (outcome.cause ? outcome.cause->describe() : std::string()) << "\n" << tor_->log_tail();
  ASSERT_TRUE(outcome.peer);
  EXPECT_EQ(outcome.peer->identity_key, b_->me.key());
  EXPECT_EQ(b_->counts().admitted, before + 1);
  EXPECT_EQ(tcp_listeners_of_this_process(), 0u) << "B listens on its Unix socket only";
}

TEST_F(TorTransportOverTor, SyncsThroughASocksPortOnAUnixSocket) {
  test::Person a;
  // Through B's own tor, whose SOCKS port is a Unix socket: no TCP socket
  // in tumar at all. (tor reaches its own onion service over the network
  // like any other.)
  const auto outcome = sync_when_published(a, own_socks());
  ASSERT_TRUE(outcome.ok()) << static_cast<int>(outcome.failure) << " " << (outcome.cause ? outcome.cause->describe() : std::string()) << "\n" << tor_->log_tail();
  EXPECT_EQ(outcome.peer->identity_key, b_->me.key());
}

TEST_F(TorTransportOverTor, AnOnionThatExistsNowhereIsDescriptorNotFoundInTime) {
  asio::io_context io(1);
  TorTransport t(io, {own_socks(), *work_ / "c", "onion.sock", "tumar", false});
  const auto timeout = 60s;
  std::optional<Result<Outbound>> r;
  const peers::PeerAddress to{kNowhereOnion, kVirtualPort};
  const auto t0 = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto out = co_await t.dial(to, timeout);
        r.emplace(std::move(out));
      },
      asio::detached);
  io.run();
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r && !*r);
  EXPECT_EQ(r->error().what(), Failure::kDialSocksFailed) << r->error().describe();
  ASSERT_NE(r->error().cause(), nullptr);
  EXPECT_EQ(r->error().cause()->id(), core::ErrorId::kTorOnionDescriptorNotFound) << r->error().describe();
  EXPECT_EQ(r->error().code(), Errc::kUnreachable);
  EXPECT_LT(took, timeout);
  std::printf("descriptor not found after %.2fs\n", std::chrono::duration<double>(took).count());
}

}  // namespace
}  // namespace tumar::net::tor

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) {
    ::tumar::test::tor_net_dir() = argv[1];
  } else if (const char* env = std::getenv("TUMAR_TOR_NET")) {
    ::tumar::test::tor_net_dir() = env;
  }
  return RUN_ALL_TESTS();
}
