// The SOCKS5 client against tor's SOCKS port as RFC 1928/1929 and torspec's
// socks-extensions and proposal 304 describe it: every reply byte checked,
// nothing read past a reply, one error id per failure.

#include "core/tor/socks5.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include <vector>

#include "core/error_ids.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;
using Bytes = std::vector<std::uint8_t>;

const std::string kOnion = std::string(55, 'a') + "d.onion";
const Bytes kSucceeded = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};

Socks5Client onion_client(std::optional<SocksIsolation> isolation = std::nullopt) {
  return Socks5Client(*SocksTarget::onion(kOnion, 7000), std::move(isolation));
}

Bytes onion_connect_request() {
  // VER CMD RSV ATYP=03 LEN host, then 7000 = 0x1B58 big-endian.
  const std::string req = std::string("\x05\x01\x00\x03", 4) + static_cast<char>(kOnion.size()) + kOnion + "\x1b\x58";
  return Bytes(req.begin(), req.end());
}

// Feeds `server` in one go; the client must have started.
core::Result<SocksStep> feed(Socks5Client& c, const Bytes& server) {
  std::span<const std::uint8_t> in(server);
  auto r = c.receive(in);
  if (r) {
    EXPECT_TRUE(in.empty());
  }
  return r;
}

core::ErrorId id_after_method(const Bytes& reply_to_greeting) {
  auto c = onion_client();
  c.start();
  auto r = feed(c, reply_to_greeting);
  EXPECT_FALSE(r);
  return r ? ErrorId::kCount : r.error().id();
}

core::Result<SocksStep> reply_after_connect(Socks5Client& c, const Bytes& reply) {
  c.start();
  auto m = feed(c, {0x05, 0x00});
  EXPECT_TRUE(m);
  return feed(c, reply);
}

TEST(Socks5, ConnectsToAnOnionServiceByName) {
  auto c = onion_client();
  EXPECT_EQ(c.start(), (Bytes{0x05, 0x01, 0x00}));  // one method offered: no authentication
  auto m = feed(c, {0x05, 0x00});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->send, onion_connect_request());
  EXPECT_FALSE(m->connected);
  auto r = feed(c, kSucceeded);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->connected);
  EXPECT_TRUE(r->send.empty());
  EXPECT_TRUE(c.connected());
}

TEST(Socks5, ConnectsToAnIpv4Address) {
  auto target = SocksTarget::ipv4({127, 0, 0, 1}, 9050);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->connect_request(), (Bytes{0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x23, 0x5A}));
}

TEST(Socks5, IsolationNameGoesAsUsernameAndPassword) {
  auto iso = SocksIsolation::make("peer-7", "x");
  ASSERT_TRUE(iso);
  auto c = onion_client(std::move(*iso));
  EXPECT_EQ(c.start(), (Bytes{0x05, 0x01, 0x02}));  // only username/password offered
  auto m = feed(c, {0x05, 0x02});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->send, (Bytes{0x01, 6, 'p', 'e', 'e', 'r', '-', '7', 1, 'x'}));  // RFC 1929
  auto a = feed(c, {0x01, 0x00});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->send, onion_connect_request());
  auto r = feed(c, kSucceeded);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->connected);
}

TEST(Socks5, BytesArrivingOneAtATimeMakeTheSameConnection) {
  auto c = onion_client(*SocksIsolation::make("u", "p"));
  c.start();
  Bytes sent;
  bool connected = false;
  Bytes server = {0x05, 0x02, 0x01, 0x00};
  server.insert(server.end(), {0x05, 0x00, 0x00, 0x03, 3, 'a', 'b', 'c', 0x00, 0x50});
  std::size_t step = 0;
  for (std::uint8_t b : server) {
    const Bytes one = {b};
    std::span<const std::uint8_t> in(one);
    auto r = c.receive(in);
    ASSERT_TRUE(r) << "byte " << step << ": " << r.error().describe();
    EXPECT_TRUE(in.empty());
    sent.insert(sent.end(), r->send.begin(), r->send.end());
    connected = r->connected;
    ++step;
  }
  EXPECT_TRUE(connected);
  Bytes expected = {0x01, 1, 'u', 1, 'p'};
  const Bytes req = onion_connect_request();
  expected.insert(expected.end(), req.begin(), req.end());
  EXPECT_EQ(sent, expected);
}

TEST(Socks5, BytesAfterTheReplyStayForTheStream) {
  auto c = onion_client();
  c.start();
  ASSERT_TRUE(feed(c, {0x05, 0x00}));
  Bytes reply = kSucceeded;
  reply.insert(reply.end(), {0xAA, 0xBB});  // the peer's first bytes
  std::span<const std::uint8_t> in(reply);
  auto r = c.receive(in);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->connected);
  EXPECT_EQ(Bytes(in.begin(), in.end()), (Bytes{0xAA, 0xBB}));
}

// A driver that reads exactly bytes_wanted() each time never takes a byte
// past the CONNECT reply, whatever its ATYP, and is asked for nothing more
// once connected or failed.
TEST(Socks5, ReadingExactlyTheBytesWantedStopsAtTheReplysEnd) {
  for (const Bytes& reply : {kSucceeded, Bytes{0x05, 0x00, 0x00, 0x03, 3, 'a', 'b', 'c', 0x00, 0x50},
                             [] {
                               Bytes r = {0x05, 0x00, 0x00, 0x04};
                               r.resize(4 + 16 + 2, 0x07);
                               return r;
                             }(),
                             Bytes{0x05, 0xF0, 0x00, 0x01, 0, 0, 0, 0, 0, 0}}) {
    auto c = onion_client(*SocksIsolation::make("u", "p"));
    EXPECT_EQ(c.bytes_wanted(), 0u);
    c.start();
    Bytes server = {0x05, 0x02, 0x01, 0x00};
    server.insert(server.end(), reply.begin(), reply.end());
    server.insert(server.end(), {0xAA, 0xBB});  // the peer's, never wanted
    std::size_t at = 0;
    bool done = false;
    while (!done) {
      const std::size_t want = c.bytes_wanted();
      ASSERT_GT(want, 0u) << "at " << at;
      ASSERT_LE(at + want, server.size() - 2) << "asked past the reply at " << at;
      std::span<const std::uint8_t> in(server.data() + at, want);
      auto r = c.receive(in);
      EXPECT_TRUE(in.empty());
      at += want;
      done = !r || r->connected;
    }
    EXPECT_EQ(at, server.size() - 2);
    EXPECT_EQ(c.bytes_wanted(), 0u);
  }
}

TEST(Socks5, ReadsADomainOrIpv6BoundAddressToItsExactEnd) {
  for (const Bytes& reply : {Bytes{0x05, 0x00, 0x00, 0x03, 2, 'h', 'i', 0x01, 0xBB, 0x42},
                             Bytes{0x05, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80, 0x42}}) {
    auto c = onion_client();
    c.start();
    ASSERT_TRUE(feed(c, {0x05, 0x00}));
    std::span<const std::uint8_t> in(reply);
    auto r = c.receive(in);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->connected);
    EXPECT_EQ(in.size(), 1u);  // the 0x42 after the reply
  }
}

TEST(Socks5, AFailureReplyIsReportedOnlyWhenWhole) {
  auto c = onion_client();
  c.start();
  ASSERT_TRUE(feed(c, {0x05, 0x00}));
  const Bytes head = {0x05, 0xF0, 0x00, 0x01, 0, 0};
  auto partial = feed(c, head);
  ASSERT_TRUE(partial) << "the reply is not whole yet";
  EXPECT_FALSE(partial->connected);
  auto r = feed(c, {0, 0, 0, 0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), ErrorId::kTorOnionDescriptorNotFound);
  EXPECT_EQ(c.failed_reply(), 0xF0);
}

TEST(Socks5, EveryReplyCodeHasItsOwnError) {
  const std::pair<std::uint8_t, ErrorId> table[] = {
      {0x01, ErrorId::kTorSocksGeneralFailure},     {0x02, ErrorId::kTorSocksNotAllowed},
      {0x03, ErrorId::kTorSocksNetworkUnreachable}, {0x04, ErrorId::kTorSocksHostUnreachable},
      {0x05, ErrorId::kTorSocksConnectionRefused},  {0x06, ErrorId::kTorSocksTtlExpired},
      {0x07, ErrorId::kTorSocksCommandNotSupported}, {0x08, ErrorId::kTorSocksAddressTypeNotSupported},
      {0xF0, ErrorId::kTorOnionDescriptorNotFound}, {0xF1, ErrorId::kTorOnionDescriptorInvalid},
      {0xF2, ErrorId::kTorOnionIntroFailed},        {0xF3, ErrorId::kTorOnionRendezvousFailed},
      {0xF4, ErrorId::kTorOnionMissingClientAuth},  {0xF5, ErrorId::kTorOnionWrongClientAuth},
      {0xF6, ErrorId::kTorOnionBadAddress},         {0xF7, ErrorId::kTorOnionIntroTimedOut},
  };
  std::set<ErrorId> seen;
  for (const auto& [code, id] : table) {
    auto c = onion_client();
    Bytes reply = kSucceeded;
    reply[1] = code;
    auto r = reply_after_connect(c, reply);
    ASSERT_FALSE(r) << int{code};
    EXPECT_EQ(r.error().id(), id) << int{code};
    EXPECT_EQ(r.error().code(), core::Errc::kRefused);
    EXPECT_EQ(c.failed_reply(), code);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), std::size(table));
  for (int code : {0x09, 0x80, 0xEF, 0xF8, 0xFF}) {
    const core::Error e = socks_reply_error(static_cast<std::uint8_t>(code));
    EXPECT_EQ(e.id(), ErrorId::kTorSocksUnknownReply);
    EXPECT_EQ(e.field("code"), std::to_string(code));
  }
}

TEST(Socks5, RefusesAMalformedMethodReply) {
  EXPECT_EQ(id_after_method({0x04, 0x00}), ErrorId::kTorSocksVersion);
  EXPECT_EQ(id_after_method({0x05, 0xFF}), ErrorId::kTorSocksNoAcceptableMethod);
  EXPECT_EQ(id_after_method({0x05, 0x02}), ErrorId::kTorSocksUnofferedMethod);  // only 0x00 was offered
  EXPECT_EQ(id_after_method({0x05, 0x01}), ErrorId::kTorSocksUnofferedMethod);
  EXPECT_EQ(id_after_method({0x05, 0x00, 0x05}), ErrorId::kTorSocksSpokeOutOfTurn);
  EXPECT_EQ(id_after_method({'H', 'T'}), ErrorId::kTorSocksVersion);  // an HTTP server
}

TEST(Socks5, RefusesAMalformedAuthReply) {
  for (const auto& [reply, id] : {std::pair{Bytes{0x05, 0x00}, ErrorId::kTorSocksAuthVersion},
                                  std::pair{Bytes{0x01, 0x01}, ErrorId::kTorSocksAuthRefused},
                                  std::pair{Bytes{0x01, 0x00, 0x05}, ErrorId::kTorSocksSpokeOutOfTurn}}) {
    auto c = onion_client(*SocksIsolation::make("u", "p"));
    c.start();
    ASSERT_TRUE(feed(c, {0x05, 0x02}));
    auto r = feed(c, reply);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().id(), id);
  }
}

TEST(Socks5, RefusesAMalformedConnectReply) {
  const std::pair<Bytes, ErrorId> cases[] = {
      {{0x04, 0x00, 0x00, 0x01}, ErrorId::kTorSocksVersion},
      {{0x05, 0x00, 0x01, 0x01}, ErrorId::kTorSocksReservedByte},
      {{0x05, 0x00, 0x00, 0x02}, ErrorId::kTorSocksAddressType},
      {{0x05, 0x00, 0x00, 0x00}, ErrorId::kTorSocksAddressType},
      {{0x05, 0x00, 0x00, 0x03, 0x00}, ErrorId::kTorSocksEmptyBoundName},
      // A malformed header is refused before its failure code is believed.
      {{0x05, 0xF4, 0x00, 0x07}, ErrorId::kTorSocksAddressType},
  };
  for (const auto& [reply, id] : cases) {
    auto c = onion_client();
    c.start();
    ASSERT_TRUE(feed(c, {0x05, 0x00}));
    std::span<const std::uint8_t> in(reply);
    auto r = c.receive(in);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().id(), id);
    EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
    EXPECT_FALSE(c.failed_reply());
  }
}

TEST(Socks5, AFailureStaysAndAnEarlyCloseIsOne) {
  auto c = onion_client();
  c.start();
  ASSERT_FALSE(feed(c, {0x05, 0xFF}));
  auto again = feed(c, {0x05, 0x00});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().id(), ErrorId::kTorSocksNoAcceptableMethod);
  EXPECT_EQ(c.closed().id(), ErrorId::kTorSocksNoAcceptableMethod);

  auto d = onion_client();
  d.start();
  EXPECT_EQ(d.closed().id(), ErrorId::kTorSocksClosedEarly);
  auto after = feed(d, {0x05, 0x00});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().id(), ErrorId::kTorSocksClosedEarly);
}

TEST(Socks5, TargetsAreCheckedBeforeAnythingIsSent) {
  const std::string base = std::string(55, 'a');
  EXPECT_TRUE(SocksTarget::onion(base + "d.onion", 1));
  EXPECT_TRUE(SocksTarget::onion("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion", 65535));
  for (const std::string& bad : {base + "d", base + "d.onion.", base + "c.onion", base + "D.onion",
                                 std::string(54, 'a') + "d.onion", base + "ad.onion", base + "1.onion",
                                 "A" + std::string(54, 'a') + "d.onion", std::string("example.com"),
                                 base + "d.onion\r\n", std::string()}) {
    auto t = SocksTarget::onion(bad, 80);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().id(), ErrorId::kTorOnionAddressShape) << bad;
  }
  for (std::uint32_t port : {0u, 65536u, 1u << 31}) {
    auto t = SocksTarget::onion(base + "d.onion", port);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().id(), ErrorId::kTorPortRange);
    EXPECT_EQ(t.error().field("port"), std::to_string(port));
    EXPECT_FALSE(SocksTarget::ipv4({1, 2, 3, 4}, port));
  }
}

TEST(Socks5, IsolationNamesAreOneTo255Bytes) {
  EXPECT_TRUE(SocksIsolation::make(std::string(255, 'u'), std::string(255, 'p')));
  for (const auto& [u, p] : {std::pair{std::string(), std::string("p")}, std::pair{std::string("u"), std::string()},
                             std::pair{std::string(256, 'u'), std::string("p")},
                             std::pair{std::string("u"), std::string(256, 'p')}}) {
    auto i = SocksIsolation::make(u, p);
    ASSERT_FALSE(i);
    EXPECT_EQ(i.error().id(), ErrorId::kTorSocksIsolationLength);
  }
}

}  // namespace
}  // namespace tumar::tor
