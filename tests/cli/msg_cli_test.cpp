// Direct messages from the command line: what a user sees when sending,
// listing and deleting, and that bad input changes nothing. (Delivery
// between real nodes is NetworkChain.ADirectMessage… in network_chain_test.)

#include "core/ratchet/prekeys.hpp"
#include "network_cli_fixture.hpp"

namespace tumar::test {
namespace {

class MsgCli : public NetworkCli {
 protected:
  void SetUp() override {
    NetworkCli::SetUp();
    create_network();
  }

  // Bota, a member; with `keys`, her node has published its prekeys (as a
  // sync would bring them). Her private halves live on her device, not here.
  void add_bota(bool keys) {
    with_replica(kNetwork, [&](Opened& o) {
      auto bota = admit(o, "Bota", network::Role::kMember);
      if (!keys) return;
      auto spk = ratchet::generate_signed_prekey(bota, 1, o.rng);
      network::PrekeyFields b;
      b.signed_prekey_id = spk.pub.id;
      b.signed_prekey = spk.pub.key;
      b.signed_prekey_signature = spk.pub.signature;
      network::LocalAuthor as_bota(o.replica, bota, o.rng);
      auto w = as_bota.publish_prekeys(o.net, b, now_ms());
      ASSERT_TRUE(w) << w.error().describe();
    });
  }

  std::string objects_line() { return tumar({"network", "list"}).out; }
};

TEST_F(MsgCli, SendingToSomeoneWhoseKeysHaveNotArrivedSaysWhatToDo) {
  add_bota(false);
  auto r = tumar({"msg", "send", "Bota", "Are you safe?"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("They have not published their keys for direct messages yet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Sync, then try again."), std::string::npos) << r.err;
}

TEST_F(MsgCli, ASentMessageIsListedWithItsState) {
  add_bota(true);
  auto sent = tumar({"msg", "send", "bota", "Are you safe?"});  // names match ignoring case
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("Sent to Bota in \"Shelters KZ\"."), std::string::npos) << sent.out;
  auto piped = tumar({"msg", "send", "--network", kNetwork, "Bota"}, "Call me\nafter 6\n\n");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;

  auto list = tumar({"msg", "list", "--with", "Bota"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("you → Bota · Shelters KZ · sent\n  Are you safe?\n"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("  Call me\n  after 6\n"), std::string::npos) << list.out;
  auto json = tumar({"msg", "list", "--json"});
  EXPECT_NE(json.out.find("\"peer_name\":\"Bota\",\"direction\":\"out\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"text\":\"Call me\\nafter 6\",\"delivered\":false,\"read\":false"), std::string::npos)
      << json.out;
  EXPECT_EQ(json.out.find("secret"), std::string::npos);
}

TEST_F(MsgCli, BadInputIsRefusedAndChangesNothing) {
  add_bota(true);
  const std::string before = objects_line();
  struct Case {
    std::vector<std::string> args;
    std::string stdin_text, says;
  };
  const std::vector<Case> cases = {
      {{"msg", "send", "Nobody", "hi"}, "", "Nobody called \"Nobody\" is a member of \"Shelters KZ\""},
      {{"msg", "send", "Aigerim", "hi"}, "", "That is you"},
      {{"msg", "send", "Bota", " "}, "", "The message is empty"},
      {{"msg", "send", "Bota"}, "\n\n", "The message is empty"},
      {{"msg", "send", "Bota", "\x1b[2J gone"}, "", "control characters"},
      {{"msg", "send", "Bota", "hi", "--network", "Elsewhere"}, "", "Elsewhere"},
      {{"msg", "delete", "7"}, "", "There is no message #7"},
      {{"msg", "delete", "-1"}, "", ""},
  };
  for (const auto& c : cases) {
    auto r = tumar(c.args, c.stdin_text);
    EXPECT_EQ(r.exit_code, 1) << c.args[2] << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  // Over the limit is refused input (exit 4), said in countable terms.
  auto long_one = tumar({"msg", "send", "Bota"}, std::string(9000, 'x'));
  EXPECT_EQ(long_one.exit_code, 4) << long_one.err;
  EXPECT_NE(long_one.err.find("A direct message can be at most 8,192 bytes"), std::string::npos) << long_one.err;
  EXPECT_EQ(objects_line(), before) << "nothing was written";
  EXPECT_EQ(tumar({"msg", "list"}).out, "No direct messages yet. Send one with: tumar msg send MEMBER TEXT\n");
  EXPECT_EQ(tumar({"msg", "list", "--json"}).out, "[]\n");
}

TEST_F(MsgCli, DeleteTakesTheNumberAsTheListingShowsIt) {
  add_bota(true);
  for (const char* text : {"one", "two", "three"}) ASSERT_EQ(tumar({"msg", "send", "Bota", text}).exit_code, 0);
  auto list = tumar({"msg", "list"});
  ASSERT_NE(list.out.find("#2  "), std::string::npos) << list.out;

  auto hashed = tumar({"msg", "delete", "#2"});
  EXPECT_EQ(hashed.exit_code, 0) << hashed.err;
  EXPECT_EQ(hashed.out, "Deleted message #2.\n");
  auto bare = tumar({"msg", "delete", "3"});
  EXPECT_EQ(bare.exit_code, 0) << bare.err;
  auto after = tumar({"msg", "list"});
  EXPECT_NE(after.out.find("one"), std::string::npos) << after.out;
  EXPECT_EQ(after.out.find("two"), std::string::npos) << after.out;
  EXPECT_EQ(after.out.find("three"), std::string::npos) << after.out;
}

TEST_F(MsgCli, AnIdThatIsNoMessageNumberIsExplainedPlainly) {
  for (const char* id : {"abc", "#", "#x2", "0", "#0", "2.5", "99999999999999999999999999"}) {
    auto r = tumar({"msg", "delete", id});
    EXPECT_EQ(r.exit_code, 1) << id << ": " << r.err;
    EXPECT_NE(r.err.find("is not a message number; `tumar msg list` shows them as #1, #2"), std::string::npos)
        << id << ": " << r.err;
    EXPECT_EQ(r.err.find("not in range"), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 200u) << r.err;
  }
}

TEST_F(MsgCli, EverySubcommandHasHelpWithAnExample) {
  for (const char* sub : {"send", "list", "delete"}) {
    auto r = tumar({"msg", sub, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("Example:"), std::string::npos) << sub << r.out;
  }
}

}  // namespace
}  // namespace tumar::test
