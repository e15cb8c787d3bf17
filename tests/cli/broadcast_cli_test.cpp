// Broadcasts from the command line: a lead sends, members list them (urgent
// first, which marks them read), and an unread urgent broadcast from
// another lead is shown on stderr by every command until it is read.

#include <regex>
#include <thread>

#include "network_cli_fixture.hpp"

namespace tumar::test {
namespace {

class BroadcastCli : public NetworkCli {
 protected:
  void SetUp() override {
    NetworkCli::SetUp();
    create_network();
  }

  // An urgent broadcast from Bota, a second lead, as a sync would bring it.
  void receive_urgent(const std::string& text, std::uint64_t expires_ms = 0) {
    with_replica(kNetwork, [&](Opened& o) {
      auto bota = admit(o, "Bota", network::Role::kLead);
      network::LocalAuthor as_bota(o.replica, bota, o.rng);
      auto w = as_bota.broadcast(o.net, text, true, expires_ms, now_ms());
      ASSERT_TRUE(w) << w.error().describe();
    });
  }

  static constexpr const char* kBanner =
      "URGENT from Bota (Shelters KZ): Police at the north entrance, use the back door — run `tumar broadcast "
      "list` to mark as read";
};

TEST_F(BroadcastCli, SendThenListUrgentFirst) {
  auto normal = tumar({"broadcast", "send", "Meeting", "moved", "to", "Friday"});
  ASSERT_EQ(normal.exit_code, 0) << normal.err;
  EXPECT_NE(normal.out.find("Sent a broadcast to \"Shelters KZ\"."), std::string::npos) << normal.out;
  auto urgent = tumar({"broadcast", "send", "--network", kNetwork, "--urgent", "--expires", "72h", "Office closed"});
  ASSERT_EQ(urgent.exit_code, 0) << urgent.err;
  EXPECT_NE(urgent.out.find("Sent an urgent broadcast to \"Shelters KZ\" (expires "), std::string::npos) << urgent.out;
  // Our own urgent broadcast is not put back in front of us.
  EXPECT_EQ(urgent.err.find("URGENT"), std::string::npos) << urgent.err;
  EXPECT_EQ(tumar({"network", "list"}).err, "");

  auto list = tumar({"broadcast", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto office = list.out.find("Office closed"), meeting = list.out.find("Meeting moved to Friday");
  ASSERT_NE(office, std::string::npos) << list.out;
  ASSERT_NE(meeting, std::string::npos) << list.out;
  EXPECT_LT(office, meeting) << "urgent first: " << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("URGENT · [0-9-]{10} [0-9:]{5} UTC · from Aigerim · Shelters "
                                                     "KZ\n  Office closed\n  \\(expires ")))
      << list.out;

  auto json = tumar({"broadcast", "list", "--network", kNetwork, "--json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"author_name\":\"Aigerim\",\"urgent\":true,\"text\":\"Office closed\""), std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"expires_at_ms\":null,\"expired\":false,\"new\":false"), std::string::npos) << json.out;
}

TEST_F(BroadcastCli, BadBroadcastsAreRefusedAndNothingIsSent) {
  for (const auto& expires : {"0h", "7w", "1.5d", "367d", "2020-01-01", "2024-02-30", "soon"}) {
    auto r = tumar({"broadcast", "send", "--expires", expires, "text"});
    EXPECT_EQ(r.exit_code, 1) << expires;
    EXPECT_NE(r.err.find("--expires"), std::string::npos) << r.err;
  }
  auto blank = tumar({"broadcast", "send", " "});
  EXPECT_EQ(blank.exit_code, 1);
  EXPECT_NE(blank.err.find("empty"), std::string::npos) << blank.err;
  auto huge = tumar({"broadcast", "send", std::string(4097, 'x')});
  EXPECT_EQ(huge.exit_code, 4);
  EXPECT_NE(huge.err.find("A broadcast can be at most 4,096 bytes"), std::string::npos) << huge.err;
  EXPECT_EQ(tumar({"broadcast", "list", "--json"}).out, "[]\n");
}

TEST_F(BroadcastCli, OnlyLeadsSendAndTheRefusalSaysWhatToDo) {
  with_replica(kNetwork, [&](Opened& o) { found_network_with_us_as_member(o, "Bota's circle"); });
  auto r = tumar({"broadcast", "send", "--network", "Bota's circle", "Hello all"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("Only leads of \"Bota's circle\" can send broadcasts. Ask a lead to send it"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("tumar note add"), std::string::npos) << r.err;
}

TEST_F(BroadcastCli, UrgentBannerIsShownOnEveryCommandUntilListed) {
  receive_urgent("Police at the north entrance, use the back door");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"network", "list"}, {"members"}, {"note", "list"}, {"profile", "set", "--region", "Almaty"}, {"whoami"},
           {"peer", "list"}, {"invite", "create", "--network", kNetwork, "--address", "127.0.0.1:7420"}}) {
    auto r = tumar(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(kBanner), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(r.out.find("URGENT"), std::string::npos) << "stdout stays clean for scripts";
  }
  // Not with --json.
  EXPECT_EQ(tumar({"network", "list", "--json"}).err, "");
  EXPECT_EQ(tumar({"whoami", "--json"}).err, "");

  auto list = tumar({"broadcast", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.err.find("URGENT"), std::string::npos) << "the listing is the place it is shown";
  EXPECT_NE(list.out.find("from Bota · Shelters KZ · NEW\n  Police at the north entrance"), std::string::npos)
      << list.out;
  EXPECT_EQ(tumar({"network", "list"}).err, "") << "read now";
  EXPECT_EQ(tumar({"broadcast", "list"}).out.find("NEW"), std::string::npos);
}

TEST_F(BroadcastCli, AnExpiredUrgentBroadcastIsNotShown) {
  receive_urgent("Old alert", now_ms() + 1500);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_EQ(tumar({"members"}).err, "");
  auto list = tumar({"broadcast", "list"});
  EXPECT_NE(list.out.find("(expired "), std::string::npos) << list.out;
}

}  // namespace
}  // namespace tumar::test
