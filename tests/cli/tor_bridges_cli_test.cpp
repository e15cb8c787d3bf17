// `tumar tor bridges` and `tumar tor direct-tcp` as a user runs them: the
// real executable, a passphrase file, lines as pasted (made up: no real
// bridge is named here).

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
using test::run_process;

const std::string kA = "obfs4 192.0.2.44:443 4A1B2C3D4E5F60718293A4B5C6D7E8F901234567 cert=Zm9vYmFyYmF6cXV4 iat-mode=0";
const std::string kB = "obfs4 198.51.100.9:8443 0123456789ABCDEF0123456789ABCDEF01234567 cert=cXV1eHF1dXV4 iat-mode=1";
const std::string kC = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://broker.example.net/";

class TorBridgesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << "bridges test passphrase\n";
    auto r = tumar({"init", "--name", "Aliya", "--kdf", "interactive"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  test::ProcessResult tumar(const std::vector<std::string>& args) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  std::string list() {
    auto r = tumar({"tor", "bridges", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  test::TempDir dir_;
  std::string home_ = (dir_ / "home").string();
  std::string pass_ = (dir_ / "pass").string();
};

TEST_F(TorBridgesCli, AnEmptyListSaysTorConnectsDirectly) {
  EXPECT_EQ(list(), "No bridges: tor connects directly to the Tor network.\n");
  auto json = tumar({"tor", "bridges", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "[]\n");
}

TEST_F(TorBridgesCli, AddedLinesAreListedNumberedAndAsJson) {
  auto added = tumar({"tor", "bridges", "add", "Bridge  " + kA, kC});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("Added: " + kA), std::string::npos) << added.out;
  EXPECT_EQ(list(), "1. " + kA + "\n2. " + kC + "\n");
  auto json = tumar({"tor", "bridges", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out,
            "[{\"number\":1,\"line\":\"" + kA +
                "\",\"transport\":\"obfs4\",\"address\":\"192.0.2.44:443\",\"fingerprint\":"
                "\"4A1B2C3D4E5F60718293A4B5C6D7E8F901234567\"},"
                "{\"number\":2,\"line\":\"" + kC +
                "\",\"transport\":\"snowflake\",\"address\":\"192.0.2.3:80\",\"fingerprint\":"
                "\"2B280B23E1107BB62ABFC40DDCC8824814F80A72\"}]\n");
}

TEST_F(TorBridgesCli, ALinePastedWithoutQuotesIsOneLine) {
  std::vector<std::string> args{"tor", "bridges", "add", "Bridge", "obfs4", "192.0.2.44:443",
                                "4A1B2C3D4E5F60718293A4B5C6D7E8F901234567", "cert=Zm9vYmFyYmF6cXV4", "iat-mode=0"};
  auto r = tumar(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(list(), "1. " + kA + "\n");
}

TEST_F(TorBridgesCli, AddingTheSameBridgeAgainSaysSoAndKeepsOne) {
  ASSERT_EQ(tumar({"tor", "bridges", "add", kA}).exit_code, 0);
  auto again = tumar({"tor", "bridges", "add", kA});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Already in your list: " + kA), std::string::npos) << again.out;
  EXPECT_EQ(list(), "1. " + kA + "\n");
}

TEST_F(TorBridgesCli, ABadLineAmongGoodOnesChangesNothing) {
  ASSERT_EQ(tumar({"tor", "bridges", "add", kA}).exit_code, 0);
  auto bad = tumar({"tor", "bridges", "add", kB, "obfs4 192.0.2.99:443 cert=abc"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("no iat-mode= setting"), std::string::npos) << bad.err;
  auto webtunnel = tumar({"tor", "bridges", "add", "webtunnel [2001:db8::1]:443 url=https://example.com/x"});
  EXPECT_EQ(webtunnel.exit_code, 1);
  EXPECT_NE(webtunnel.err.find("webtunnel"), std::string::npos) << webtunnel.err;
  EXPECT_EQ(list(), "1. " + kA + "\n");
}

TEST_F(TorBridgesCli, AFileWithABadThirdLineStoresNothingAndNamesTheLine) {
  const std::string file = (dir_ / "bridges.txt").string();
  std::ofstream(file) << "# from Dana, 3 December\n" << kA << "\n"
                      << "obfs4 192.0.2.7:443 NOTAFINGERPRINT cert=x iat-mode=0\n\n" << kB << "\n";
  auto bad = tumar({"tor", "bridges", "add", "--file", file});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("Line 3 of " + file), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("fingerprint"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("Nothing was added"), std::string::npos) << bad.err;
  EXPECT_EQ(list(), "No bridges: tor connects directly to the Tor network.\n");

  std::ofstream(file) << "# from Dana, 3 December\n" << kA << "\r\n\n   \n" << kB << "\n";
  auto good = tumar({"tor", "bridges", "add", "--file", file});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(list(), "1. " + kA + "\n2. " + kB + "\n");
}

TEST_F(TorBridgesCli, RemoveByNumberOrByLine) {
  ASSERT_EQ(tumar({"tor", "bridges", "add", kA, kB, kC}).exit_code, 0);
  auto by_number = tumar({"tor", "bridges", "remove", "2"});
  ASSERT_EQ(by_number.exit_code, 0) << by_number.err;
  EXPECT_EQ(by_number.out, "Removed: " + kB + "\n");
  auto by_line = tumar({"tor", "bridges", "remove", "Bridge " + kC});
  ASSERT_EQ(by_line.exit_code, 0) << by_line.err;
  EXPECT_EQ(list(), "1. " + kA + "\n");
  auto out_of_range = tumar({"tor", "bridges", "remove", "5"});
  EXPECT_EQ(out_of_range.exit_code, 1);
  EXPECT_NE(out_of_range.err.find("There is no bridge number 5: you have 1."), std::string::npos) << out_of_range.err;
  auto not_stored = tumar({"tor", "bridges", "remove", kB});
  EXPECT_EQ(not_stored.exit_code, 1);
  EXPECT_EQ(list(), "1. " + kA + "\n");
}

TEST_F(TorBridgesCli, DirectTcpIsOffUntilTurnedOn) {
  auto shown = tumar({"tor", "direct-tcp"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Direct TCP: off"), std::string::npos) << shown.out;
  ASSERT_EQ(tumar({"tor", "direct-tcp", "on"}).exit_code, 0);
  EXPECT_EQ(tumar({"tor", "direct-tcp", "--json"}).out, "{\"direct_tcp\":true}\n");
  ASSERT_EQ(tumar({"tor", "direct-tcp", "off"}).exit_code, 0);
  EXPECT_EQ(tumar({"tor", "direct-tcp", "--json"}).out, "{\"direct_tcp\":false}\n");
  auto bad = tumar({"tor", "direct-tcp", "maybe"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_EQ(tumar({"tor", "direct-tcp", "--json"}).out, "{\"direct_tcp\":false}\n");
}

TEST_F(TorBridgesCli, HelpExplainsBlockingAndWhereToGetBridges) {
  auto help = tumar({"tor", "bridges", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* words : {"Russia since December 2021", "https://bridges.torproject.org", "@GetBridgesBot",
                            "tumar tor bridges add"}) {
    EXPECT_NE(help.out.find(words), std::string::npos) << words;
  }
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"tor"}, {"tor", "bridges"}, {"tor", "bridges", "add"}, {"tor", "bridges", "list"},
           {"tor", "bridges", "remove"}, {"tor", "direct-tcp"}}) {
    cmd.push_back("--help");
    auto r = tumar(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[1];
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd[1] << ": " << r.out;
  }
  auto direct = tumar({"tor", "direct-tcp", "--help"});
  EXPECT_NE(direct.out.find("never connects to anyone except through Tor"), std::string::npos) << direct.out;
}

}  // namespace
}  // namespace tumar
