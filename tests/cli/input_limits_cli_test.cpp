// Limits stated in what a person can count, and names that cannot be seen
// refused (issue 19, items 6 to 8), through the real tumar executable:
// exit 4 (input refused), nothing written, no parser's 300-digit ranges.

#include <csignal>
#include <regex>

#include "network_cli_fixture.hpp"

namespace tumar::test {
namespace {

class InputLimitsCli : public NetworkCli {
 protected:
  void SetUp() override {
    // tumar stops reading stdin past what it can judge; the rest of a long
    // text then meets a closed pipe, which must not end the test.
    std::signal(SIGPIPE, SIG_IGN);
    NetworkCli::SetUp();
    create_network();
  }
  std::string networks() { return tumar({"network", "list", "--json"}).out; }

  // Refused with exit 4, saying `says`, and nothing written.
  void expect_refused(const std::vector<std::string>& args, const std::string& says,
                      const std::string& stdin_text = "") {
    const std::string before = networks();
    auto r = tumar(args, stdin_text);
    EXPECT_EQ(r.exit_code, 4) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(networks(), before) << "nothing was written";
  }

  static std::string times(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }
};

TEST_F(InputLimitsCli, ANoteTextOverTheLimitSaysHowLongItMayBeAndHowLongItIs) {
  expect_refused({"note", "add", "--title", "Long", "--body", std::string(70000, 'x')},
                 "A note's text can be at most 32,768 bytes (32,768 Latin letters, or half as many Cyrillic); "
                 "this one has 70,000 characters (70,000 bytes).");
  // Cyrillic: two bytes a letter, so about half as many fit.
  expect_refused({"note", "add", "--title", "Long", "--body", times("ж", 20000)},
                 "A note's text can be at most 32,768 bytes (about 16,384 characters of text like this); "
                 "this one has 20,000 characters (40,000 bytes).");
  expect_refused({"note", "add", "--title", "Long"}, "A note's text can be at most 32,768 bytes",
                 std::string(40000, 'x'));
  expect_refused({"note", "add", "--title", "Long"}, "this one has more than", std::string(200000, 'x'));
}

TEST_F(InputLimitsCli, EveryOtherNoteFieldStatesItsLimitTheSameWay) {
  expect_refused({"note", "add", "--title", std::string(201, 't'), "--body", "b"},
                 "A note's title can be at most 200 bytes");
  expect_refused({"note", "add", "--title", "T", "--region", std::string(81, 'r'), "--body", "b"},
                 "A note's region can be at most 80 bytes");
  expect_refused({"note", "add", "--title", "T", "--contact", std::string(301, 'c'), "--body", "b"},
                 "A note's contact can be at most 300 bytes");
  expect_refused({"note", "add", "--title", "T", "--tags", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", "--body", "b"},
                 "A note can have at most 16 tags; this one has 17.");
  expect_refused({"note", "add", "--title", "T", "--tags", std::string(41, 'g'), "--body", "b"},
                 "can be at most 40 bytes");
}

TEST_F(InputLimitsCli, BroadcastMessageAndDirectoryLimitsAreStatedTheSameWay) {
  expect_refused({"broadcast", "send", std::string(5000, 'b')},
                 "A broadcast can be at most 4,096 bytes (4,096 Latin letters, or half as many Cyrillic); this one "
                 "has 5,000 characters (5,000 bytes).");
  expect_refused({"msg", "send", "Bota", std::string(9000, 'm')}, "A direct message can be at most 8,192 bytes");
  expect_refused({"profile", "set", "--name", std::string(81, 'n')}, "Your display name can be at most 80 bytes");
  expect_refused({"profile", "set", "--contact", std::string(301, 'c')}, "A contact can be at most 300 bytes");
  expect_refused({"profile", "set", "--services", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"},
                 "Your entry can have at most 16 services; this one has 17.");
}

TEST_F(InputLimitsCli, AnInitDisplayNameIsCheckedBeforeThePassphraseIsAsked) {
  const std::string other = (dir_ / "other").string();
  for (const auto& [name, says] : std::vector<std::pair<std::string, std::string>>{
           {std::string(79, 'a'), "Your display name can be at most 78 bytes (78 Latin letters, or half as many "
                                  "Cyrillic); this one has 79 characters (79 bytes)."},
           {"   ", "Your display name cannot be empty or only spaces"},
           {"Aigerim\nAlmaty", "Your display name cannot contain line breaks"}}) {
    auto r = run_process({TUMAR_EXE, "--home", other, "--passphrase-file", pass_, "init", "--kdf", "interactive",
                          "--name", name});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(other));
  }
}

TEST_F(InputLimitsCli, ANetworkNameNoOneCanSeeIsRefused) {
  for (const std::string name : {"   ", "", "\t", "\n"}) {
    expect_refused({"network", "create", name}, "A network's name cannot be empty or only spaces");
  }
  for (const std::string name : {"Shelters\nKZ", "Shelters\tKZ", "Shelters \x1b[2J", "A\xc2\x9b" "B"}) {
    expect_refused({"network", "create", name}, "A network's name cannot contain line breaks, tabs or other control");
  }
  expect_refused({"network", "create", std::string(81, 'n')}, "A network's name can be at most 80 bytes");
  // A real name with spaces inside is fine.
  EXPECT_EQ(tumar({"network", "create", "  Кризисный центр  "}).exit_code, 0);
}

TEST_F(InputLimitsCli, NumericOptionsNeverAnswerWithAHugeRange) {
  const std::regex long_number("[0-9]{12,}");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"sync", "--timeout", "abc"},
           {"sync", "--timeout", "0"},
           {"sync", "--timeout", "99999999999999999999"},
           {"join", "--timeout", "abc", "CODE"},
           {"serve", "--idle-timeout", "abc"},
           {"serve", "--max-connections", "0"},
           {"serve", "--max-per-address", "-3"},
           {"msg", "delete", "x"}}) {
    auto r = tumar(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << args[1] << ": " << r.err;
    // No long number but the one typed.
    std::string said = r.err;
    for (const auto& a : args) {
      for (auto at = said.find(a); !a.empty() && at != std::string::npos; at = said.find(a)) said.erase(at, a.size());
    }
    EXPECT_FALSE(std::regex_search(said, long_number)) << r.err;
    EXPECT_LT(r.err.size(), 300u) << r.err;
  }
}

}  // namespace
}  // namespace tumar::test
