// Networks, the member directory and your own entry in it, from the command
// line: network create|list, members, profile set, member remove — and every
// new command's --help.

#include <regex>

#include "network_cli_fixture.hpp"

namespace tumar::test {
namespace {

TEST_F(NetworkCli, CreatePrintsTheIdAndTheNextStep) {
  auto r = tumar({"network", "create", kNetwork});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("Network id: [0-9a-f]{64}\n"))) << r.out;
  EXPECT_NE(r.out.find("tumar invite create --network \"Shelters KZ\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Members will see you as \"Aigerim\""), std::string::npos) << r.out;

  auto again = tumar({"network", "create", kNetwork});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already have a network called"), std::string::npos) << again.err;
  // Refused input (exit 4; InputLimitsCli has the other cases).
  auto empty = tumar({"network", "create", ""});
  EXPECT_EQ(empty.exit_code, 4);
  EXPECT_NE(empty.err.find("name"), std::string::npos) << empty.err;
  auto long_name = tumar({"network", "create", std::string(81, 'n')});
  EXPECT_EQ(long_name.exit_code, 4);
  EXPECT_NE(long_name.err.find("can be at most 80 bytes"), std::string::npos) << long_name.err;
  EXPECT_EQ(tumar({"network", "list", "--json"}).out.find(std::string(81, 'n')), std::string::npos);
}

TEST_F(NetworkCli, ListShowsNameIdRoleMembersAndObjects) {
  auto empty = tumar({"network", "list"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_NE(empty.out.find("not in any network"), std::string::npos) << empty.out;
  EXPECT_EQ(tumar({"network", "list", "--json"}).out, "[]\n");

  const std::string id = create_network();
  auto text = tumar({"network", "list"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Shelters KZ\n  id " + id.substr(0, 12) + " · you: lead · 1 member · 2 objects"),
            std::string::npos)
      << text.out;
  auto json = tumar({"network", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.out, "[{\"name\":\"Shelters KZ\",\"id\":\"" + id +
                          "\",\"role\":\"lead\",\"members\":1,\"objects\":2,\"demo\":false}]\n");
}

TEST_F(NetworkCli, MembersShowsTheFounderWithNameRoleAndKey) {
  create_network();
  auto me = tumar({"whoami", "--json"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(me.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re")));
  const std::string key = m[1];

  auto text = tumar({"members"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Network \"Shelters KZ\""), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Aigerim — lead (you)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(key.substr(0, 16)), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("fingerprint:"), std::string::npos) << text.out;

  auto json = tumar({"members", "--network", kNetwork, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"identity_key\":\"" + key + "\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"name\":\"Aigerim\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"role\":\"lead\",\"removed\":false,\"you\":true"), std::string::npos) << json.out;

  auto unknown = tumar({"members", "--network", "Nowhere"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("No network called \"Nowhere\""), std::string::npos) << unknown.err;
}

TEST_F(NetworkCli, ProfileSetChangesOnlyTheFieldsGiven) {
  create_network();
  auto set = tumar({"profile", "set", "--organisation", "Almaty crisis centre", "--languages", "Kazakh, Russian,",
                    "--contact", "Signal +7 700 000 0000"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("organisation: Almaty crisis centre"), std::string::npos) << set.out;

  auto region = tumar({"profile", "set", "--network", kNetwork, "--region", "Almaty", "--name", "Aigerim B."});
  ASSERT_EQ(region.exit_code, 0) << region.err;
  auto json = tumar({"members", "--json"});
  EXPECT_NE(json.out.find("\"name\":\"Aigerim B.\",\"organisation\":\"Almaty crisis centre\",\"region\":\"Almaty\","
                          "\"languages\":[\"Kazakh\",\"Russian\"],\"services\":[],\"contact\":\"Signal +7 700 000 "
                          "0000\""),
            std::string::npos)
      << json.out;

  auto cleared = tumar({"profile", "set", "--contact", ""});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_NE(tumar({"members", "--json"}).out.find("\"contact\":\"\""), std::string::npos);

  auto nothing = tumar({"profile", "set"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("Nothing to change"), std::string::npos) << nothing.err;
  auto no_name = tumar({"profile", "set", "--name", ""});
  EXPECT_EQ(no_name.exit_code, 4);
  EXPECT_NE(no_name.err.find("Your display name cannot be empty"), std::string::npos) << no_name.err;
  auto bad = tumar({"profile", "set", "--region", "Almaty\x1b[2J"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("control characters"), std::string::npos) << bad.err;
  EXPECT_NE(tumar({"members", "--json"}).out.find("\"region\":\"Almaty\""), std::string::npos);
}

TEST_F(NetworkCli, ProfileSetAsksWhichNetworkWhenThereAreSeveral) {
  auto none = tumar({"profile", "set", "--region", "Almaty"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("not in any network"), std::string::npos) << none.err;
  create_network();
  create_network("Legal aid");
  auto r = tumar({"profile", "set", "--region", "Almaty"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("several networks"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"Shelters KZ\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"Legal aid\""), std::string::npos) << r.err;
  EXPECT_EQ(tumar({"profile", "set", "--network", "Legal aid", "--region", "Almaty"}).exit_code, 0);
}

TEST_F(NetworkCli, MemberRemoveOfAnUnknownOrAmbiguousMemberListsTheCandidates) {
  create_network();
  std::string key1, key2;
  with_replica(kNetwork, [&](Opened& o) {
    key1 = key_hex(admit(o, "Bota", network::Role::kMember));
    key2 = key_hex(admit(o, "bota", network::Role::kMember));
  });
  auto unknown = tumar({"member", "remove", "--network", kNetwork, "Nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("Nobody called \"Nobody\" is a member of \"Shelters KZ\""), std::string::npos)
      << unknown.err;

  auto ambiguous = tumar({"member", "remove", "Bota"});
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_NE(ambiguous.err.find("matches 2 members"), std::string::npos) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("Bota  key " + key1.substr(0, 16)), std::string::npos) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("bota  key " + key2.substr(0, 16)), std::string::npos) << ambiguous.err;

  auto too_short = tumar({"member", "remove", key1.substr(0, 6)});
  EXPECT_EQ(too_short.exit_code, 1) << "fewer than 8 digits are taken as a name";

  auto removed = tumar({"member", "remove", key1.substr(0, 10)});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("Removed Bota  key " + key1.substr(0, 16) + " from \"Shelters KZ\""), std::string::npos)
      << removed.out;
  EXPECT_NE(removed.out.find("A new epoch started; its key went to you and 1 other member"), std::string::npos)
      << removed.out;
  EXPECT_NE(tumar({"members"}).out.find("Bota — member, REMOVED"), std::string::npos);

  // Now only one current member answers to the name.
  auto again = tumar({"member", "remove", key1.substr(0, 10)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already removed"), std::string::npos) << again.err;
  auto self = tumar({"member", "remove", "Aigerim"});
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_NE(self.err.find("cannot remove yourself"), std::string::npos) << self.err;
}

TEST_F(NetworkCli, OnlyLeadsRemoveMembers) {
  create_network();
  // A network someone else founded, where we are a plain member.
  with_replica(kNetwork, [&](Opened& o) { found_network_with_us_as_member(o, "Bota's circle"); });
  auto list = tumar({"network", "list"});
  EXPECT_NE(list.out.find("Bota's circle\n  id "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("you: member"), std::string::npos) << list.out;
  auto r = tumar({"member", "remove", "--network", "Bota's circle", "Bota"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("Only a lead of \"Bota's circle\" can remove members"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tumar members --network \"Bota's circle\""), std::string::npos) << r.err;
}

TEST_F(NetworkCli, CommandsWithoutAProfileSaySoAndChangeNothing) {
  TempDir other;
  auto r = run_process({TUMAR_EXE, "--home", (other / "none").string(), "--passphrase-file", pass_, "network", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tumar init"), std::string::npos) << r.err;
}

TEST_F(NetworkCli, EveryNewCommandHasHelpWithAnExample) {
  const std::vector<std::vector<std::string>> commands = {
      {"network"},          {"network", "create"}, {"network", "list"},   {"members"},        {"member"},
      {"member", "remove"}, {"profile"},           {"profile", "set"},    {"note"},           {"note", "add"},
      {"note", "list"},     {"note", "show"},      {"note", "search"},    {"note", "verify"}, {"note", "edit"},
      {"broadcast"},        {"broadcast", "send"}, {"broadcast", "list"},
  };
  for (auto args : commands) {
    args.push_back("--help");
    std::vector<std::string> argv{TUMAR_EXE, "--home", (dir_ / "no-profile-needed").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Example"), std::string::npos) << args[0] << " " << args[1] << "\n" << r.out;
  }
  auto top = run_process({TUMAR_EXE, "--help"});
  for (const char* name : {"network", "members", "member", "profile", "note", "broadcast", "invite", "join"}) {
    EXPECT_TRUE(std::regex_search(top.out, std::regex(std::string("\n  ") + name + " "))) << name << "\n" << top.out;
  }
}

}  // namespace
}  // namespace tumar::test
