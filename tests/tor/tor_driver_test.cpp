// The tor driver with the real tor on the private network of
// scripts/tor-testnet (fixture tor_net; TUMAR_TOR_NET names its directory):
// bootstrap progress up to ready, an onion service published with a key
// tumar keeps and reached through the same tor's SOCKS socket, the same
// address after a restart, a tor killed with SIGKILL restarted and its
// service published again, and no tor left behind.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto/random.hpp"
#include "core/tor/socks5.hpp"
#include "net/tor/tor_supervisor.hpp"
#include "net/tor_test_io.hpp"

namespace tumar::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fs = std::filesystem;

constexpr milliseconds kBootstrapLimit{180'000};
constexpr milliseconds kReachLimit{180'000};
constexpr std::uint16_t kVirtualPort = 7000;

std::string client_torrc() {
  const char* net = std::getenv("TUMAR_TOR_NET");
  if (net == nullptr) return {};
  const std::string cmd = std::string(TUMAR_SOURCE_DIR) + "/scripts/tor-testnet client-torrc " + net;
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  return ::pclose(p) == 0 ? out : std::string{};
}

// A short directory (Unix socket paths must fit 107 bytes), removed after.
class ShortDir {
 public:
  ShortDir() {
    char tmpl[] = "/tmp/tumar-tor-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~ShortDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Echoes whatever arrives on a Unix socket: the node tor forwards to.
class EchoServer {
 public:
  explicit EchoServer(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0) std::abort();
    thread_ = std::thread([this] {
      while (true) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::thread([c] {
          char buf[4096];
          ssize_t n = 0;
          while ((n = ::read(c, buf, sizeof buf)) > 0) {
            if (::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
          }
          ::close(c);
        }).detach();
      }
    });
  }
  ~EchoServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

 private:
  int fd_ = -1;
  std::thread thread_;
};

// One SOCKS5 CONNECT to ADDRESS.onion:port through `socks` (a Unix socket),
// then bytes there and back. Empty on success, else what failed.
std::string socks_echo(const std::string& socks, const std::string& service_id) {
  auto target = tor::SocksTarget::onion(service_id + ".onion", kVirtualPort);
  if (!target) return target.error().describe();
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socks.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::string("connect: ") + std::strerror(errno);
  }
  auto send_all = [fd](std::span<const std::uint8_t> b) {
    return ::send(fd, b.data(), b.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(b.size());
  };
  tor::Socks5Client client(std::move(*target));
  std::string failure;
  std::vector<std::uint8_t> rest;
  if (!send_all(client.start())) failure = "send";
  while (failure.empty() && !client.connected()) {
    std::array<std::uint8_t, 512> buf{};
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) {
      failure = "SOCKS closed or timed out";
      break;
    }
    std::span<const std::uint8_t> in(buf.data(), static_cast<std::size_t>(n));
    auto step = client.receive(in);
    if (!step) {
      failure = step.error().describe();
      break;
    }
    if (!send_all(step->send)) failure = "send";
    rest.assign(in.begin(), in.end());
  }
  if (failure.empty()) {
    const std::string payload = "tumar through tor " + std::to_string(::getpid());
    if (!send_all(std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()))) {
      failure = "send payload";
    }
    std::string back(rest.begin(), rest.end());
    while (failure.empty() && back.size() < payload.size()) {
      char buf[256];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        failure = "echo closed or timed out";
        break;
      }
      back.append(buf, static_cast<std::size_t>(n));
    }
    if (failure.empty() && back != payload) failure = "the echo came back different";
  }
  ::close(fd);
  return failure;
}

// True once `service_id` echoes through `socks`; tries again while the
// descriptor is being published.
bool reachable(const std::string& socks, const std::string& service_id, milliseconds limit, int* attempts) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    ++*attempts;
    last = socks_echo(socks, service_id);
    if (last.empty()) return true;
    std::this_thread::sleep_for(seconds(1));
  }
  ADD_FAILURE() << service_id << ".onion not reachable after " << *attempts << " attempts: " << last;
  return false;
}

// Every process whose command line names `needle` (a data directory).
std::vector<pid_t> processes_naming(const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

class TorDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torrc_ = client_torrc();
    if (torrc_.empty()) GTEST_SKIP() << "TUMAR_TOR_NET names no running tor-testnet (ctest -L tor starts one)";
  }

  TorSupervisorOptions options() const {
    TorSupervisorOptions o;
    o.data_directory = dir_.path() / "tor";
    o.extra_torrc = torrc_;
    o.policy.initial_backoff = milliseconds(500);
    o.policy.max_backoff = milliseconds(4000);
    return o;
  }

  TorSupervisorEvents events() {
    TorSupervisorEvents e;
    e.on_bootstrap = [this](const tor::BootstrapStatus& s) { progress_.push_back(s.progress); };
    e.on_ready = [this] { ++ready_count_; };
    e.on_restart = [this](const tor::SupervisionStep::Restart& r) { restarts_.push_back(r); };
    e.on_error = [this](const core::Error& err) { errors_.push_back(err.describe()); };
    return e;
  }

  bool wait_ready(TorSupervisor& s, int count) {
    const auto started = std::chrono::steady_clock::now();
    const bool ok = test::run_until(io_, [&] { return ready_count_ >= count; }, kBootstrapLimit);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("[ figures  ] tor ready (count %d) after %.1fs\n", count, took);
    (void)s;
    return ok;
  }

  tor::OnionPublication publication() const {
    tor::OnionPublication p;
    p.virtual_port = kVirtualPort;
    p.unix_socket_path = (dir_.path() / "node.sock").string();
    return p;
  }

  // Reachability is checked while the loop keeps running on another thread.
  bool reachable_now(TorSupervisor& s, const std::string& id) {
    std::atomic<bool> done{false};
    bool ok = false;
    int attempts = 0;
    const auto started = std::chrono::steady_clock::now();
    std::thread dialer([&] {
      ok = reachable(s.socks_socket().string(), id, kReachLimit, &attempts);
      done = true;
    });
    test::run_until(io_, [&] { return done.load(); }, kReachLimit + seconds(60));
    dialer.join();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("[ figures  ] %s.onion echoed after %.1fs (%d attempts)\n", id.substr(0, 8).c_str(), took, attempts);
    return ok;
  }

  std::string torrc_;
  ShortDir dir_;
  asio::io_context io_;
  crypto::SystemRandom random_;
  std::vector<int> progress_;
  int ready_count_ = 0;
  std::vector<tor::SupervisionStep::Restart> restarts_;
  std::vector<std::string> errors_;
};

TEST_F(TorDriverTest, BootstrapProgressIsReportedUpToReadyAndStopLeavesNoTor) {
  TorSupervisor s(io_, options(), events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(wait_ready(s, 1)) << "progress seen: " << progress_.size();
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back(), 100);
  for (std::size_t i = 1; i < progress_.size(); ++i) EXPECT_LE(progress_[i - 1], progress_[i]);
  EXPECT_TRUE(s.ready());
  EXPECT_TRUE(restarts_.empty());
  EXPECT_TRUE(fs::exists(s.socks_socket()));
  const pid_t pid = s.tor_pid();
  EXPECT_EQ(processes_naming((dir_.path() / "tor" / "torrc").string()), std::vector<pid_t>{pid});
  test::run_coroutine(io_, s.stop(), milliseconds(30'000));
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(pid)));
  EXPECT_TRUE(processes_naming((dir_.path() / "tor" / "torrc").string()).empty());
  EXPECT_TRUE(restarts_.empty()) << "a stop on request is no restart";
}

TEST_F(TorDriverTest, AStoredKeyPublishesTheSameReachableAddressAfterARestart) {
  EchoServer echo(publication().unix_socket_path);
  std::string id;
  std::optional<tor::OnionServiceKey> key;
  {
    TorSupervisor s(io_, options(), events(), random_);
    ASSERT_TRUE(s.start());
    ASSERT_TRUE(wait_ready(s, 1));
    auto published = test::run_coroutine(io_, s.publish(nullptr, publication()));
    ASSERT_TRUE(published) << published.error().describe();
    ASSERT_TRUE(published->new_key);
    id = published->service_id;
    key = std::move(published->new_key);
    EXPECT_TRUE(reachable_now(s, id));
    test::run_coroutine(io_, s.stop(), milliseconds(30'000));
  }
  ready_count_ = 0;
  TorSupervisor again(io_, options(), events(), random_);
  ASSERT_TRUE(again.start());
  ASSERT_TRUE(wait_ready(again, 1));
  auto published = test::run_coroutine(io_, again.publish(&*key, publication()));
  ASSERT_TRUE(published) << published.error().describe();
  EXPECT_EQ(published->service_id, id);
  EXPECT_FALSE(published->new_key);
  EXPECT_TRUE(reachable_now(again, id));
  test::run_coroutine(io_, again.stop(), milliseconds(30'000));
}

TEST_F(TorDriverTest, ATorKilledWithSigkillIsRestartedAndItsServicePublishedAgain) {
  EchoServer echo(publication().unix_socket_path);
  TorSupervisor s(io_, options(), events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(wait_ready(s, 1));
  auto published = test::run_coroutine(io_, s.publish(nullptr, publication()));
  ASSERT_TRUE(published) << published.error().describe();
  const std::string id = published->service_id;
  ASSERT_TRUE(reachable_now(s, id));

  const pid_t first = s.tor_pid();
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(test::run_until(io_, [&] { return !restarts_.empty(); }, milliseconds(10'000)));
  EXPECT_EQ(restarts_[0].attempt, 1U);
  EXPECT_EQ(restarts_[0].delay, milliseconds(500));
  ASSERT_TRUE(wait_ready(s, 2));
  const double back = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  std::printf("[ figures  ] ready again %.1fs after SIGKILL\n", back);
  EXPECT_NE(s.tor_pid(), first);
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(first)));
  EXPECT_TRUE(reachable_now(s, id));
  const pid_t second = s.tor_pid();
  test::run_coroutine(io_, s.stop(), milliseconds(30'000));
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(second)));
}

TEST_F(TorDriverTest, ClientAuthorisationKeepsStrangersOutAndLetsTheAuthorisedIn) {
  EchoServer echo(publication().unix_socket_path);
  TorSupervisor s(io_, options(), events(), random_);
  ASSERT_TRUE(s.start());
  ASSERT_TRUE(wait_ready(s, 1));
  // A member's x25519 client-auth key pair (rend-spec-v3 G.1.2).
  auto secret = tor::ClientAuthPrivateKey::random();
  tor::ClientAuthPublicKey pub{};
  ASSERT_EQ(crypto_scalarmult_base(pub.data(), secret.data()), 0);
  tor::OnionPublication p = publication();
  p.authorized_clients = {pub};
  auto published = test::run_coroutine(io_, s.publish(nullptr, p));
  ASSERT_TRUE(published) << published.error().describe();
  const std::string id = published->service_id;

  // Without the key: once the descriptor is found, tor cannot read it (F4).
  std::atomic<bool> done{false};
  std::string last;
  std::thread stranger([&] {
    const auto deadline = std::chrono::steady_clock::now() + kReachLimit;
    while (std::chrono::steady_clock::now() < deadline) {
      last = socks_echo(s.socks_socket().string(), id);
      if (last.find("onion_missing_client_auth") != std::string::npos || last.empty()) break;
      std::this_thread::sleep_for(seconds(1));
    }
    done = true;
  });
  test::run_until(io_, [&] { return done.load(); }, kReachLimit + seconds(60));
  stranger.join();
  EXPECT_NE(last.find("onion_missing_client_auth"), std::string::npos) << "a stranger got: " << last;

  auto authorized = test::run_coroutine(io_, s.authorize_client(id, secret));
  ASSERT_TRUE(authorized) << authorized.error().describe();
  EXPECT_TRUE(reachable_now(s, id));
  test::run_coroutine(io_, s.stop(), milliseconds(30'000));
}

TEST_F(TorDriverTest, ABadTorrcLineIsRefusedBeforeTorStarts) {
  TorSupervisorOptions o = options();
  o.extra_torrc += "SocksPort 127.0.0.1:9050\n";
  TorSupervisor s(io_, o, events(), random_);
  auto r = s.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field("option"), "SocksPort");
  EXPECT_FALSE(s.tor_pid() > 0);
  EXPECT_TRUE(processes_naming(dir_.path().string()).empty());
}

}  // namespace
}  // namespace tumar::net
