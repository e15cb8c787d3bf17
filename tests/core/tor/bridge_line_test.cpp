// Bridge lines as people paste them from bridges.torproject.org, the Tor
// Project's Telegram bot or a colleague's message: accepted in their usual
// shapes, normalised to the one line tumar stores, and every broken paste
// refused with what is wrong. The certificates and addresses are made up
// (documentation ranges); none is a real bridge.

#include "core/tor/bridge_line.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error_ids.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;

constexpr const char* kFp = "4A1B2C3D4E5F60718293A4B5C6D7E8F901234567";
constexpr const char* kCert = "cert=q3ZkTg0vYl8Rk2mWJd7xPz5Hc1sNbA9uEf4Ly6oQiVtG0wXr2hKjDnMpS7aUe3BcF1gHdZ";

std::string obfs4() { return std::string("obfs4 192.0.2.44:443 ") + kFp + " " + kCert + " iat-mode=0"; }

ErrorId refused(std::string_view text) {
  auto b = parse_bridge_line(text);
  EXPECT_FALSE(b) << text;
  return b ? ErrorId::kCount : b.error().id();
}

TEST(BridgeLine, AnObfs4LineFromTheWebsiteIsReadIntoItsParts) {
  auto b = parse_bridge_line(obfs4());
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->line, obfs4());
  EXPECT_EQ(b->transport, "obfs4");
  EXPECT_EQ(b->address, "192.0.2.44:443");
  EXPECT_EQ(b->fingerprint, kFp);
}

TEST(BridgeLine, TheBridgeKeywordTabsAndRunsOfSpacesAreNormalised) {
  const std::string pasted = std::string("  Bridge   obfs4\t192.0.2.44:443  ") + kFp + "\t\t" + kCert + "   iat-mode=0 \r\n";
  auto b = parse_bridge_line(pasted);
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->line, obfs4());
  EXPECT_EQ(parse_bridge_line("bridge " + obfs4())->line, obfs4());
  EXPECT_EQ(parse_bridge_line("BRIDGE " + obfs4())->line, obfs4());
}

TEST(BridgeLine, ANonBreakingSpaceFromAChatAppCountsAsASpace) {
  auto b = parse_bridge_line("obfs4\xC2\xA0" "192.0.2.44:443 cert=AbC iat-mode=1");
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->line, "obfs4 192.0.2.44:443 cert=AbC iat-mode=1");
}

TEST(BridgeLine, TheTransportNameAndFingerprintAreWrittenOneWay) {
  auto b = parse_bridge_line("OBFS4 192.0.2.44:443 4a1b2c3d4e5f60718293a4b5c6d7e8f901234567 cert=x iat-mode=0");
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->line, std::string("obfs4 192.0.2.44:443 ") + kFp + " cert=x iat-mode=0");
  EXPECT_EQ(b->transport, "obfs4");
  EXPECT_EQ(b->fingerprint, kFp);
}

TEST(BridgeLine, ASnowflakeLineKeepsItsUrlsFrontsAndStunServers) {
  const std::string line =
      "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 "
      "fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://broker.example.net/ "
      "fronts=cdn.example.com,www.example.org ice=stun:stun.example.net:3478,stun:stun.example.org:3478 "
      "utls-imitate=hellorandomizedalpn";
  auto b = parse_bridge_line(line);
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->line, line);
  EXPECT_EQ(b->transport, "snowflake");
  EXPECT_EQ(b->address, "192.0.2.3:80");
}

TEST(BridgeLine, PlainBridgesWithAndWithoutFingerprintAndOverIpv6) {
  auto plain = parse_bridge_line("198.51.100.7:9001");
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(plain->transport, "");
  EXPECT_EQ(plain->line, "198.51.100.7:9001");
  EXPECT_FALSE(plain->fingerprint);
  auto v6 = parse_bridge_line(std::string("[2001:db8::7]:9001 ") + kFp);
  ASSERT_TRUE(v6) << v6.error().describe();
  EXPECT_EQ(v6->address, "[2001:db8::7]:9001");
  EXPECT_EQ(v6->line, std::string("[2001:db8::7]:9001 ") + kFp);
  auto obfs4_v6 = parse_bridge_line("obfs4 [2001:db8:0:1::2]:443 cert=x iat-mode=2");
  ASSERT_TRUE(obfs4_v6) << obfs4_v6.error().describe();
}

TEST(BridgeLine, AnObfs4LineSaysWhichSettingIsMissing) {
  auto no_cert = parse_bridge_line(std::string("obfs4 192.0.2.44:443 ") + kFp + " iat-mode=0");
  ASSERT_FALSE(no_cert);
  EXPECT_EQ(no_cert.error().id(), ErrorId::kTorBridgeMissingArgument);
  EXPECT_EQ(no_cert.error().field("key"), "cert");
  EXPECT_EQ(no_cert.error().field("transport"), "obfs4");
  auto no_iat = parse_bridge_line(std::string("obfs4 192.0.2.44:443 ") + kFp + " " + kCert);
  ASSERT_FALSE(no_iat);
  EXPECT_EQ(no_iat.error().field("key"), "iat-mode");
  // "cert" alone, or "certificate=", is not cert=.
  EXPECT_EQ(refused("obfs4 192.0.2.44:443 certificate=x iat-mode=0"), ErrorId::kTorBridgeMissingArgument);
  // A plain bridge needs neither.
  EXPECT_TRUE(parse_bridge_line("192.0.2.44:443"));
}

TEST(BridgeLine, TransportsTumarCannotRunAreRefusedByName) {
  for (const char* t : {"webtunnel", "meek_lite", "obfs3", "scramblesuit", "conjure", "obfs5"}) {
    auto b = parse_bridge_line(std::string(t) + " 192.0.2.44:443 url=https://example.com/");
    ASSERT_FALSE(b) << t;
    EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeTransport);
    EXPECT_EQ(b.error().field("transport"), t);
  }
  EXPECT_EQ(refused("obfs-4 192.0.2.44:443"), ErrorId::kTorBridgeTransport);
  EXPECT_EQ(refused("hello"), ErrorId::kTorBridgeTransport);
}

TEST(BridgeLine, EmptyAndBlankLinesAreRefused) {
  EXPECT_EQ(refused(""), ErrorId::kTorBridgeEmpty);
  EXPECT_EQ(refused(" \t \r\n"), ErrorId::kTorBridgeEmpty);
  EXPECT_EQ(refused("Bridge"), ErrorId::kTorBridgeEmpty);
  EXPECT_EQ(refused("  Bridge  "), ErrorId::kTorBridgeEmpty);
}

TEST(BridgeLine, TwoLinesPastedAsOneAreRefused) {
  EXPECT_EQ(refused(obfs4() + "\n" + obfs4()), ErrorId::kTorBridgeNewline);
  EXPECT_EQ(refused("192.0.2.1:1\r192.0.2.2:2"), ErrorId::kTorBridgeNewline);
}

TEST(BridgeLine, ControlAndTorrcSpecialCharactersAreRefusedWithTheirPosition) {
  auto b = parse_bridge_line("192.0.2.1:443 a=b\x1b[2Jc");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(b.error().field("position"), "18");
  EXPECT_EQ(refused(std::string("192.0.2.1:443\0", 14)), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(refused("192.0.2.1:443 x=\x7f"), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(refused("192.0.2.1:443 x=1 # comment"), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(refused("192.0.2.1:443 x=\"1\""), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(refused("192.0.2.1:443 x=1\\"), ErrorId::kTorBridgeCharacter);
  EXPECT_EQ(refused("192.0.2.1:443 x=\xD0\xB0"), ErrorId::kTorBridgeCharacter);  // Cyrillic а
}

TEST(BridgeLine, BadAddressesAreRefusedAndQuoted) {
  for (const char* a : {"192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:+80",
                        "192.0.2.1:080", "192.0.2:443", "192.0.2.1.5:443", "256.0.2.1:443", "192.0.2.01:443",
                        "bridge.example.com:443", "2001:db8::1:443", "[2001:db8::1]443", "[2001:db8::1]:",
                        "[2001:db8::g]:443", "[]:443", "[192.0.2.1]:443", ":443"}) {
    auto b = parse_bridge_line(std::string("obfs4 ") + a + " cert=x iat-mode=0");
    ASSERT_FALSE(b) << a;
    EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeAddress) << a;
    EXPECT_EQ(b.error().field("address"), a);
  }
  EXPECT_EQ(refused("obfs4"), ErrorId::kTorBridgeAddress);
  EXPECT_TRUE(parse_bridge_line("192.0.2.1:65535"));
  EXPECT_TRUE(parse_bridge_line("0.0.0.0:1"));
}

TEST(BridgeLine, AFingerprintMustBeFortyHexDigits) {
  for (const char* f : {"4A1B2C3D", "4A1B2C3D4E5F60718293A4B5C6D7E8F90123456", "4A1B2C3D4E5F60718293A4B5C6D7E8F9012345678",
                        "4A1B2C3D4E5F60718293A4B5C6D7E8F90123456G", "$4A1B2C3D4E5F60718293A4B5C6D7E8F901234567"}) {
    auto b = parse_bridge_line(std::string("192.0.2.1:443 ") + f);
    ASSERT_FALSE(b) << f;
    EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeFingerprint) << f;
  }
}

TEST(BridgeLine, WordsAfterTheFingerprintMustBeKeyValue) {
  auto b = parse_bridge_line(std::string("obfs4 192.0.2.44:443 ") + kFp + " " + kCert + " iat-mode=0 extra");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeArgument);
  EXPECT_EQ(b.error().field("word"), "extra");
  EXPECT_EQ(refused("192.0.2.1:443 =value"), ErrorId::kTorBridgeFingerprint);
  EXPECT_EQ(refused(std::string("192.0.2.1:443 ") + kFp + " =value"), ErrorId::kTorBridgeArgument);
}

TEST(BridgeLine, OverAThousandCharactersIsRefusedBeforeAnythingElse) {
  std::string line = "192.0.2.1:443 x=" + std::string(kMaxBridgeLineLen - 16, 'a');
  ASSERT_EQ(line.size(), kMaxBridgeLineLen);
  EXPECT_TRUE(parse_bridge_line(line));
  auto b = parse_bridge_line(line + "a");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().id(), ErrorId::kTorBridgeTooLong);
  EXPECT_EQ(b.error().field("length"), "1001");
  EXPECT_EQ(b.error().field("limit"), "1000");
}

TEST(BridgeLine, TheCanonicalLineParsesToItself) {
  for (const std::string& text : {obfs4(), std::string("Bridge\t198.51.100.7:9001"),
                                  std::string(" snowflake 192.0.2.3:80 url=https://b.example/ ")}) {
    auto b = parse_bridge_line(text);
    ASSERT_TRUE(b) << text << ": " << b.error().describe();
    auto again = parse_bridge_line(b->line);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *b);
  }
}

TEST(BridgeLine, AQuotedValueInAnErrorIsCutAndPrintable) {
  auto b = parse_bridge_line("obfs4 " + std::string(200, 'x') + ":443 cert=a iat-mode=0");
  ASSERT_FALSE(b);
  EXPECT_LE(b.error().field("address")->size(), 64u);
}

}  // namespace
}  // namespace tumar::tor
