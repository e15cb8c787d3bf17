// Tor's answers to PROTOCOLINFO, AUTHCHALLENGE and ADD_ONION, shaped as
// control-spec 3.21, 3.24 and 3.27 write them, and every way they can be
// wrong or a failure.

#include "core/tor/control_replies.hpp"

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/tor/control_tokens.hpp"
#include "tor_test_util.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;
using test::reply_of;

const std::string kServiceId = std::string(55, 'q') + "d";
const std::string kHash64 = std::string(64, 'A');

TEST(ControlReplies, ReadsProtocolInfo) {
  auto info = parse_protocolinfo(reply_of(
      "250-PROTOCOLINFO 1\r\n"
      "250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/home/ana/.tumar/tor/control_auth_cookie\"\r\n"
      "250-VERSION Tor=\"0.4.7.16\"\r\n"
      "250-SOMETHINGNEW whatever \"x\r\n"  // an unknown InfoLine: ignored, even malformed
      "250 OK\r\n"));
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->auth_methods, (std::vector<std::string>{"COOKIE", "SAFECOOKIE"}));
  EXPECT_EQ(info->cookie_file, "/home/ana/.tumar/tor/control_auth_cookie");
  EXPECT_EQ(info->tor_version, "0.4.7.16");
  EXPECT_EQ(*safecookie_file(*info), "/home/ana/.tumar/tor/control_auth_cookie");
}

TEST(ControlReplies, ReadsEscapesInTheCookiePath) {
  // 3.21: "Controllers MUST handle escape sequences inside this string".
  auto info = parse_protocolinfo(reply_of(
      "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE COOKIEFILE=\"C:\\\\tor\\\\a \\\"b\\\"\\101\"\r\n250 OK\r\n"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->cookie_file, "C:\\tor\\a \"b\"A");
}

TEST(ControlReplies, UsesSafeCookieOnly) {
  auto no_safe = parse_protocolinfo(reply_of("250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL,COOKIE "
                                             "COOKIEFILE=\"/c\"\r\n250 OK\r\n"));
  ASSERT_TRUE(no_safe);
  auto e = safecookie_file(*no_safe);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().id(), ErrorId::kTorControlNoSafeCookie);
  EXPECT_EQ(e.error().field("methods"), "NULL,COOKIE");

  auto no_file = parse_protocolinfo(reply_of("250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE\r\n250 OK\r\n"));
  ASSERT_TRUE(no_file);
  auto f = safecookie_file(*no_file);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().id(), ErrorId::kTorControlNoCookieFile);
}

TEST(ControlReplies, RefusesAMalformedProtocolInfo) {
  for (const char* text : {
           "250-PROTOCOLINFO 2\r\n250-AUTH METHODS=SAFECOOKIE\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250 OK\r\n",                                       // no AUTH line
           "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE COOKIEFILE=\"/c\r\n250 OK\r\n",  // unterminated
           "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE\r\n250-AUTH METHODS=NULL\r\n250 OK\r\n",
           "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=SAFECOOKIE\r\n250 DONE\r\n",
           "250 PROTOCOLINFO 1\r\n",
       }) {
    auto info = parse_protocolinfo(reply_of(text));
    ASSERT_FALSE(info) << text;
    EXPECT_EQ(info.error().id(), ErrorId::kTorControlMalformedReply) << text;
    EXPECT_EQ(info.error().field("command"), "PROTOCOLINFO");
  }
}

TEST(ControlReplies, AFailedCommandCarriesTorsStatusAndPrintableWords) {
  auto e = parse_protocolinfo(reply_of("514 Authentication required.\r\n"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().id(), ErrorId::kTorControlCommandFailed);
  EXPECT_EQ(e.error().field("status"), "514");
  EXPECT_EQ(e.error().field("text"), "Authentication required.");
  // tor's words go to a terminal: no escape sequence survives.
  auto esc = expect_success(reply_of("552 bad \x1b[2J\x07 key\r\n"), "DEL_ONION");
  ASSERT_FALSE(esc);
  EXPECT_EQ(esc.error().field("text"), "bad ?[2J? key");
  EXPECT_EQ(esc.error().field("command"), "DEL_ONION");
  EXPECT_TRUE(expect_success(reply_of("250 OK\r\n"), "TAKEOWNERSHIP"));
  EXPECT_TRUE(expect_success(reply_of("251 Client for onion existed and replaced\r\n"), "ONION_CLIENT_AUTH_ADD"));
}

TEST(ControlReplies, ReadsAnAuthChallenge) {
  auto c = parse_authchallenge(reply_of("250 AUTHCHALLENGE SERVERHASH=" + kHash64 + " SERVERNONCE=" +
                                        std::string(62, '0') + "fF\r\n"));
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->server_hash[0], 0xAA);
  EXPECT_EQ(c->server_nonce[31], 0xFF);
  EXPECT_EQ(c->server_nonce[0], 0x00);
}

TEST(ControlReplies, RefusesAMalformedAuthChallenge) {
  for (const std::string& text : {
           "250 AUTHCHALLENGE SERVERHASH=" + kHash64 + "\r\n",
           "250 AUTHCHALLENGE SERVERHASH=" + std::string(62, 'A') + " SERVERNONCE=" + kHash64 + "\r\n",
           "250 AUTHCHALLENGE SERVERHASH=" + kHash64 + " SERVERNONCE=" + std::string(66, 'A') + "\r\n",
           "250 AUTHCHALLENGE SERVERHASH=" + std::string(63, 'A') + "G SERVERNONCE=" + kHash64 + "\r\n",
           "250 AUTHCHALLENGE SERVERHASH=" + kHash64 + " SERVERNONCE=" + kHash64 + " EXTRA=1\r\n",
           "250 CHALLENGE SERVERHASH=" + kHash64 + " SERVERNONCE=" + kHash64 + "\r\n",
           "250-AUTHCHALLENGE SERVERHASH=" + kHash64 + "\r\n250 SERVERNONCE=" + kHash64 + "\r\n",
       }) {
    auto c = parse_authchallenge(reply_of(text));
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().id(), ErrorId::kTorControlMalformedReply) << text;
  }
  auto failed = parse_authchallenge(reply_of("513 Invalid base16 client nonce\r\n"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().id(), ErrorId::kTorControlCommandFailed);
}

TEST(ControlReplies, ReadsAddOnionAndItsKeyIntoLockedMemory) {
  // 3.27's third example, with a real-sized key: base64(bytes(range(64))).
  auto r = parse_add_onion(reply_of(
      "250-ServiceID=" + kServiceId + "\r\n"
      "250-PrivateKey=ED25519-V3:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==\r\n"
      "250-ClientAuthV3=aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\r\n"
      "250 OK\r\n"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->service_id, kServiceId);
  ASSERT_TRUE(r->private_key);
  for (std::size_t i = 0; i < kOnionKeyLen; ++i) EXPECT_EQ(r->private_key->data()[i], i);

  // ADD_ONION with tumar's own key: no key comes back.
  auto again = parse_add_onion(reply_of("250-ServiceID=" + kServiceId + "\r\n250 OK\r\n"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->private_key);
}

TEST(ControlReplies, RefusesAMalformedAddOnion) {
  const std::string id = "250-ServiceID=" + kServiceId + "\r\n";
  const std::string key64 = std::string(86, 'A') + "==";
  for (const std::string& text : {
           std::string("250 OK\r\n"),
           "250-PrivateKey=ED25519-V3:" + key64 + "\r\n250 OK\r\n",                   // no ServiceID
           "250-ServiceID=" + std::string(56, 'q') + "\r\n250 OK\r\n",                 // not v3
           "250-ServiceID=" + kServiceId + ".onion\r\n250 OK\r\n",
           id + id + "250 OK\r\n",
           id + "250-PrivateKey=RSA1024:" + key64 + "\r\n250 OK\r\n",
           id + "250-PrivateKey=ED25519-V3:" + std::string(84, 'A') + "==\r\n250 OK\r\n",  // 63 bytes
           id + "250-PrivateKey=ED25519-V3:" + std::string(88, 'A') + "\r\n250 OK\r\n",    // 66 bytes
           id + "250-PrivateKey=ED25519-V3:" + std::string(85, 'A') + "!==\r\n250 OK\r\n",
           id + "250-PrivateKey=ED25519-V3:" + key64 + " \r\n250 OK\r\n",
           id + "250-PrivateKey=ED25519-V3:" + key64 + "\r\n250-PrivateKey=ED25519-V3:" + key64 + "\r\n250 OK\r\n",
           id + "250-NoEquals\r\n250 OK\r\n",
           id + "250+ServiceID=x\r\n.\r\n250 OK\r\n",
       }) {
    auto r = parse_add_onion(reply_of(text));
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().id(), ErrorId::kTorControlMalformedReply) << text;
  }
  auto failed = parse_add_onion(reply_of("512 Tor is in anonymous hidden service mode\r\n"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().id(), ErrorId::kTorControlCommandFailed);
  EXPECT_EQ(failed.error().field("command"), "ADD_ONION");
}

TEST(ControlTokens, SplitsKeywordsAndQuotedStrings) {
  auto t = split_control_tokens("NOTICE K=v Q=\"a b\\n\\t\\\\\\\"\\101\\0x\" \"bare\"");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 4u);
  EXPECT_EQ((*t)[0].key, "NOTICE");
  EXPECT_FALSE((*t)[0].has_value);
  EXPECT_EQ((*t)[1].value, "v");
  EXPECT_EQ((*t)[2].value, std::string("a b\n\t\\\"A\0x", 10));
  EXPECT_EQ((*t)[3].key, "bare");
  for (const char* bad : {"A  B", " A", "A ", "Q=\"open", "Q=\"a\"b", "=v", "Q=\"\\400\"", "Q=\"a\\"}) {
    EXPECT_FALSE(split_control_tokens(bad)) << bad;
  }
  EXPECT_EQ(printable("a\nb\x7f" "c"), "a?b?c");
  EXPECT_EQ(printable(std::string(300, 'x')).size(), 200u);
}

}  // namespace
}  // namespace tumar::tor
