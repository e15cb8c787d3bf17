// The torrc tumar writes, and every user line that could take back one of
// tumar's safety options refused with its line number before tor starts.

#include "core/tor/torrc.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error_ids.hpp"
#include "core/tor/control_commands.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;

TorrcOptions options() {
  TorrcOptions o;
  o.data_directory = "/home/ana/.tumar/tor";
  o.control_socket = "/home/ana/.tumar/tor/control";
  o.socks_socket = "/home/ana/.tumar/tor/socks";
  o.cookie_file = "/home/ana/.tumar/tor/control_auth_cookie";
  o.owning_pid = 4242;
  return o;
}

TEST(Torrc, SetsTheControlSocketCookieUnixSocksAndOwner) {
  auto t = write_torrc(options());
  ASSERT_TRUE(t) << t.error().describe();
  for (const char* line : {"DataDirectory /home/ana/.tumar/tor\n", "ControlPort 0\n",
                           "ControlSocket /home/ana/.tumar/tor/control\n", "CookieAuthentication 1\n",
                           "CookieAuthFile /home/ana/.tumar/tor/control_auth_cookie\n",
                           "SocksPort unix:/home/ana/.tumar/tor/socks ExtendedErrors\n",
                           "__OwningControllerProcess 4242\n", "RunAsDaemon 0\n", "SafeLogging 1\n"}) {
    EXPECT_NE(t->find(line), std::string::npos) << line;
  }
  EXPECT_EQ(t->find("ClientOnionAuthDir"), std::string::npos);
  EXPECT_EQ(t->find("Lines added by the user"), std::string::npos);
}

TEST(Torrc, AppendsTheUsersLinesAfterTumarsOwn) {
  TorrcOptions o = options();
  o.extra_lines = {"UseBridges 1", "Bridge obfs4 127.0.0.1:5000 AAAA cert=x iat-mode=0"};
  o.client_onion_auth_dir = "/home/ana/.tumar/tor/auth";
  auto t = write_torrc(o);
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_NE(t->find("ClientOnionAuthDir /home/ana/.tumar/tor/auth\n"), std::string::npos);
  const auto bridge = t->find("UseBridges 1\nBridge obfs4 127.0.0.1:5000");
  ASSERT_NE(bridge, std::string::npos);
  EXPECT_GT(bridge, t->find("__OwningControllerProcess"));
}

TEST(Torrc, EveryPathMustBeAbsoluteAndPlain) {
  for (const char* bad : {"relative/tor", "/a b", "/a\"b", "/a\\b", "/a,b", "/a#b", "/a\nControlPort 9051", ""}) {
    TorrcOptions o = options();
    o.data_directory = bad;
    auto t = write_torrc(o);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().id(), ErrorId::kTorTorrcPathUnsafe);
    EXPECT_EQ(t.error().field("argument"), "data_directory");
  }
  TorrcOptions o = options();
  o.socks_socket = "/" + std::string(kMaxUnixPathLen, 's');  // one over sun_path
  auto t = write_torrc(o);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field("argument"), "socks_socket");
}

TEST(Torrc, ExtraLinesDropBlanksAndCommentsAndKeepDirectives) {
  auto lines = check_extra_torrc("# bridges from the lead\n\n  UseBridges 1  \r\n");
  ASSERT_FALSE(lines);  // the CR
  EXPECT_EQ(lines.error().id(), ErrorId::kTorTorrcLineUnsafe);
  EXPECT_EQ(lines.error().field("line"), "3");

  lines = check_extra_torrc(
      "# bridges from the lead\n\n  UseBridges 1  \n"
      "ClientTransportPlugin obfs4 exec /usr/bin/obfs4proxy\n"
      "DirAuthority auth1 orport=5000 no-v2 v3ident=AB 127.0.0.1:7000 CD\n"
      "TestingTorNetwork 1");
  ASSERT_TRUE(lines) << lines.error().describe();
  ASSERT_EQ(lines->size(), 4U);
  EXPECT_EQ((*lines)[0], "UseBridges 1");
  EXPECT_EQ((*lines)[3], "TestingTorNetwork 1");
}

TEST(Torrc, ControlCharactersAndContinuationsAreRefusedWithTheirLine) {
  for (const std::string& text : {std::string("UseBridges 1\nBridge a\0b\n", 25), std::string("Bridge \x1b[2J\n"),
                                  std::string("UseBridges 1\nBridge 127.0.0.1:1 \\\nControlPort 9051\n")}) {
    auto lines = check_extra_torrc(text);
    ASSERT_FALSE(lines) << text;
    EXPECT_EQ(lines.error().id(), ErrorId::kTorTorrcLineUnsafe);
  }
  auto lines = check_extra_torrc("UseBridges 1\nBridge 127.0.0.1:1 \\\n");
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().field("line"), "2");
}

TEST(Torrc, SafetyOptionsAreRefusedInAnySpellingTorAccepts) {
  struct Case {
    const char* line;
    const char* option;
  };
  for (const Case& c : {Case{"ControlPort 9051", "ControlPort"}, Case{"controlport 9051", "controlport"},
                        Case{"SocksPort 9050", "SocksPort"}, Case{"+SocksPort 127.0.0.1:9050", "+SocksPort"},
                        Case{"/SocksPort", "/SocksPort"}, Case{"DataDirectory /tmp/x", "DataDirectory"},
                        Case{"DataDir /tmp/x", "DataDir"},  // tor reads a prefix as the option
                        Case{"HiddenServiceDir /tmp/hs", "HiddenServiceDir"},
                        Case{"HiddenServicePort 80 127.0.0.1:80", "HiddenServicePort"},
                        Case{"hiddense /tmp/hs", "hiddense"},  // an abbreviation of a family (torrc_fuzz)
                        Case{"__OwningControllerProcess 1", "__OwningControllerProcess"},
                        Case{"__ControlPort 9051", "__ControlPort"}, Case{"%include /etc/tor/torrc.d", "%include"},
                        Case{"ORPort 9001", "ORPort"}, Case{"RunAsDaemon 1", "RunAsDaemon"},
                        Case{"CookieAuthentication 0", "CookieAuthentication"},
                        Case{"HashedControlPassword 16:AB", "HashedControlPassword"},
                        Case{"Log debug file /tmp/tor.log", "Log"}, Case{"SafeLogging 0", "SafeLogging"},
                        Case{"DNSPort 53", "DNSPort"}, Case{"TransPort 9040", "TransPort"}}) {
    auto lines = check_extra_torrc(std::string("UseBridges 1\n") + c.line + "\n");
    ASSERT_FALSE(lines) << c.line;
    EXPECT_EQ(lines.error().id(), ErrorId::kTorTorrcOptionReserved) << c.line;
    EXPECT_EQ(lines.error().field("line"), "2") << c.line;
    EXPECT_EQ(lines.error().field("option"), c.option) << c.line;
  }
}

TEST(Torrc, WriteChecksExtraLinesAgain) {
  TorrcOptions o = options();
  o.extra_lines = {"UseBridges 1", "ControlPort 9051"};
  auto t = write_torrc(o);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().id(), ErrorId::kTorTorrcOptionReserved);
  o.extra_lines = {"Bridge x\nControlPort 9051"};  // one "line" holding two
  t = write_torrc(o);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().id(), ErrorId::kTorTorrcOptionReserved);
}

}  // namespace
}  // namespace tumar::tor
