// The control connection against a fake tor (tests/net/fake_tor_control.hpp):
// SAFECOOKIE end to end, and every way a bad or silent control port can
// fail — each an error, none a crash or a hang.

#include "net/tor/tor_controller.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/tor/safecookie.hpp"
#include "net/fake_tor_control.hpp"
#include "net/tor_test_io.hpp"
#include "support/temp_dir.hpp"

namespace tumar::net {
namespace {

using core::ErrorId;
using test::FakeTorControl;
using test::run_coroutine;

constexpr std::array<std::uint8_t, 32> kCookie = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
const std::string kServiceId = std::string(55, 'b') + "d";

tor::ControlCookie cookie() {
  auto c = tor::control_cookie(crypto::SecretBuffer::copy_of(kCookie));
  if (!c) std::abort();
  return std::move(*c);
}

class TorControllerTest : public ::testing::Test {
 protected:
  TorControllerTest() {
    std::ofstream(cookie_path(), std::ios::binary).write(reinterpret_cast<const char*>(kCookie.data()), 32);
  }
  std::string socket_path() const { return (dir_ / "control").string(); }
  std::string cookie_path() const { return (dir_ / "cookie").string(); }

  std::shared_ptr<TorController> make(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    TorControllerOptions o;
    o.command_timeout = timeout;
    o.cookie_file = cookie_path();
    auto c = TorController::make(io_, o);
    c->set_handlers([this](const tor::BootstrapStatus& s) { progress_.push_back(s.progress); },
                    [this](const core::Error& e) { closed_.push_back(e); });
    return c;
  }

  // What tor says to PROTOCOLINFO and AUTHCHALLENGE; an honest fake knows the cookie.
  void serve_auth(FakeTorControl::Conn& c, bool honest) {
    if (!c.read_line()) return;
    c.send("250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"" + cookie_path() +
           "\"\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n");
    auto line = c.read_line();
    constexpr std::string_view kHead = "AUTHCHALLENGE SAFECOOKIE ";
    if (!line || !line->starts_with(kHead)) return;
    auto nonce_bytes = encoding::from_hex(line->substr(kHead.size()));
    tor::SafeCookieNonce client{};
    tor::SafeCookieNonce server{};
    server.fill(0x5A);
    if (!nonce_bytes || nonce_bytes->size() != client.size()) return;
    std::copy(nonce_bytes->begin(), nonce_bytes->end(), client.begin());
    tor::SafeCookieHash hash{};
    if (honest) hash = tor::safecookie_server_hash(cookie(), client, server);
    c.send("250 AUTHCHALLENGE SERVERHASH=" + encoding::to_hex(hash) + " SERVERNONCE=" + encoding::to_hex(server) +
           "\r\n");
    if (!honest) return;
    line = c.read_line();
    const std::string expected = "AUTHENTICATE " + encoding::to_hex(tor::safecookie_client_hash(cookie(), client, server));
    c.send(line == expected ? "250 OK\r\n" : "515 Authentication failed: Wrong length on authentication cookie.\r\n");
  }

  ::tumar::test::TempDir dir_;
  asio::io_context io_;
  crypto::DeterministicRandom random_{18};
  std::vector<int> progress_;
  std::vector<core::Error> closed_;
};

TEST_F(TorControllerTest, AuthenticatesWithSafeCookieTakesOwnershipAndWatchesBootstrap) {
  FakeTorControl fake(socket_path(), [this](FakeTorControl::Conn& c) {
    serve_auth(c, true);
    if (c.read_line() != "TAKEOWNERSHIP") return;
    c.send("250 OK\r\n");
    if (c.read_line() != "SETEVENTS STATUS_CLIENT") return;
    c.send("250 OK\r\n");
    if (c.read_line() != "GETINFO status/bootstrap-phase") return;
    // An event may come between a command and its reply.
    c.send("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY=\"Connected to a relay\"\r\n");
    c.send("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY=\"Connected\"\r\n250 OK\r\n");
    c.send("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\"\r\n");
  });
  auto c = make();
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  auto auth = run_coroutine(io_, c->authenticate(random_));
  ASSERT_TRUE(auth) << auth.error().describe();
  ASSERT_TRUE(run_coroutine(io_, c->take_ownership()));
  auto phase = run_coroutine(io_, c->watch_bootstrap());
  ASSERT_TRUE(phase) << phase.error().describe();
  EXPECT_EQ(phase->progress, 10);
  ASSERT_TRUE(test::run_until(io_, [&] { return progress_.size() == 2; }, std::chrono::milliseconds(3000)));
  EXPECT_EQ(progress_, (std::vector<int>{10, 100}));
  EXPECT_TRUE(closed_.empty());
  c->close();
  const auto lines = fake.lines();
  ASSERT_GE(lines.size(), 3U);
  EXPECT_EQ(lines[0], "PROTOCOLINFO 1");
  EXPECT_TRUE(lines[2].starts_with("AUTHENTICATE "));
}

TEST_F(TorControllerTest, AControlPortThatDoesNotKnowTheCookieGetsNoAuthenticate) {
  FakeTorControl fake(socket_path(), [this](FakeTorControl::Conn& c) { serve_auth(c, false); });
  auto c = make();
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  auto auth = run_coroutine(io_, c->authenticate(random_));
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().id(), ErrorId::kTorControlServerHashMismatch);
  EXPECT_FALSE(c->is_open());
  const auto lines = fake.lines();
  for (const std::string& l : lines) EXPECT_FALSE(l.starts_with("AUTHENTICATE")) << l;
}

TEST_F(TorControllerTest, ASilentControlPortTimesOutAndFailsTheConnection) {
  FakeTorControl fake(socket_path(), [](FakeTorControl::Conn& c) { (void)c.read_line(); });
  auto c = make(std::chrono::milliseconds(200));
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  const auto started = std::chrono::steady_clock::now();
  auto auth = run_coroutine(io_, c->authenticate(random_));
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().id(), ErrorId::kTorControlTimedOut);
  EXPECT_EQ(auth.error().field("command"), "PROTOCOLINFO");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_EQ(closed_.size(), 1U);
  EXPECT_EQ(closed_[0].id(), ErrorId::kTorControlTimedOut);
  // Failed for good: the next command returns the same error at once.
  auto again = run_coroutine(io_, c->take_ownership());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().id(), ErrorId::kTorControlTimedOut);
}

TEST_F(TorControllerTest, MalformedRepliesFailWithTheParsersError) {
  struct Case {
    std::string reply;
    ErrorId want;
  };
  for (const Case& k : {Case{"250 OK\n", ErrorId::kTorControlBareNewline},
                        Case{"250-PROTOCOLINFO 1\r\n251 OK\r\n", ErrorId::kTorControlMixedStatus},
                        Case{"250 " + std::string(5000, 'x') + "\r\n", ErrorId::kTorControlLineTooLong},
                        Case{"250 OK\r\n", ErrorId::kTorControlMalformedReply},  // no PROTOCOLINFO lines
                        Case{"250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,HASHEDPASSWORD\r\n250 OK\r\n",
                             ErrorId::kTorControlNoSafeCookie}}) {
    std::filesystem::remove(socket_path());
    closed_.clear();
    FakeTorControl fake(socket_path(), [&](FakeTorControl::Conn& c) {
      (void)c.read_line();
      c.send(k.reply);
    });
    auto c = make();
    ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
    auto auth = run_coroutine(io_, c->authenticate(random_));
    ASSERT_FALSE(auth) << k.reply.substr(0, 40);
    EXPECT_EQ(auth.error().id(), k.want) << auth.error().describe();
    c->close();
  }
}

TEST_F(TorControllerTest, AReplyNobodyAskedForFailsTheConnection) {
  FakeTorControl fake(socket_path(), [](FakeTorControl::Conn& c) { c.send("250 OK\r\n"); });
  auto c = make();
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  ASSERT_TRUE(test::run_until(io_, [&] { return !closed_.empty(); }, std::chrono::milliseconds(3000)));
  EXPECT_EQ(closed_[0].id(), ErrorId::kTorControlUnsolicitedReply);
  EXPECT_FALSE(c->is_open());
}

TEST_F(TorControllerTest, TorClosingTheConnectionIsReportedOnce) {
  FakeTorControl fake(socket_path(), [](FakeTorControl::Conn& c) {
    (void)c.read_line();
    c.hang_up();
  });
  auto c = make();
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  auto r = run_coroutine(io_, c->take_ownership());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), ErrorId::kTorControlClosed);
  ASSERT_TRUE(test::run_until(io_, [&] { return !closed_.empty(); }, std::chrono::milliseconds(3000)));
  EXPECT_EQ(closed_.size(), 1U);
}

TEST_F(TorControllerTest, AddOnionNewReturnsTheServiceIdAndTheKey) {
  FakeTorControl fake(socket_path(), [](FakeTorControl::Conn& c) {
    auto line = c.read_line();
    if (!line || *line != "ADD_ONION NEW:ED25519-V3 Port=7000,unix:/tmp/node.sock") return;
    c.send("250-ServiceID=" + kServiceId + "\r\n250-PrivateKey=ED25519-V3:" + std::string(86, 'A') +
           "==\r\n250 OK\r\n");
    line = c.read_line();
    c.send(line == "DEL_ONION " + kServiceId ? "250 OK\r\n" : "552 Unknown Onion Service id\r\n");
    (void)c.read_line();
    c.send("552 Unknown Onion Service id\r\n");
  });
  auto c = make();
  ASSERT_TRUE(run_coroutine(io_, c->connect(socket_path())));
  tor::OnionPublication p;
  p.virtual_port = 7000;
  p.unix_socket_path = "/tmp/node.sock";
  auto added = run_coroutine(io_, c->add_onion(nullptr, p));
  ASSERT_TRUE(added) << added.error().describe();
  EXPECT_EQ(added->service_id, kServiceId);
  ASSERT_TRUE(added->private_key);
  EXPECT_TRUE(run_coroutine(io_, c->del_onion(kServiceId)));
  // A refused command is tor's answer, not a broken connection.
  auto refused = run_coroutine(io_, c->del_onion(kServiceId));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().id(), ErrorId::kTorControlCommandFailed);
  EXPECT_EQ(refused.error().field("status"), "552");
  EXPECT_TRUE(c->is_open());
  c->close();
}

TEST_F(TorControllerTest, NoSocketIsAConnectError) {
  auto c = make();
  auto r = run_coroutine(io_, c->connect(socket_path()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), ErrorId::kTorControlConnectFailed);
  EXPECT_EQ(r.error().field("path"), socket_path());
}

TEST(ControlCookieFile, IsReadOnlyAsARegularFileOfThirtyTwoBytes) {
  ::tumar::test::TempDir dir;
  const auto real = dir / "real";
  std::ofstream(real, std::ios::binary).write(reinterpret_cast<const char*>(kCookie.data()), 32);
  auto ok = read_control_cookie(real.string());
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_TRUE(crypto::constant_time_equal(ok->span(), kCookie));

  const auto link = dir / "link";
  std::filesystem::create_symlink(real, link);
  auto via_link = read_control_cookie(link.string());
  ASSERT_FALSE(via_link);
  EXPECT_EQ(via_link.error().id(), ErrorId::kTorCookieUnreadable);

  const auto shorter = dir / "short";
  std::ofstream(shorter, std::ios::binary).write(reinterpret_cast<const char*>(kCookie.data()), 31);
  auto small = read_control_cookie(shorter.string());
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().id(), ErrorId::kTorControlCookieSize);
  EXPECT_EQ(small.error().field("size"), "31");

  auto missing = read_control_cookie((dir / "none").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().id(), ErrorId::kTorCookieUnreadable);

  auto directory = read_control_cookie(dir.path().string());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().id(), ErrorId::kTorCookieUnreadable);
}

}  // namespace
}  // namespace tumar::net
