// What `tumar join` leaves behind for the others (issue 19, "A member who has
// just joined cannot be written to"): the newcomer's keys for direct
// messages travel in the join itself, so a lead can write to her before her
// first `sync`, and the message waits at the lead's node.

#include <gtest/gtest.h>

#include "two_node_fixture.hpp"

namespace tumar::test {
namespace {

using JoinCli = TwoNodes;

TEST_F(JoinCli, AMemberWhoHasJustJoinedCanBeWrittenToAtOnce) {
  // SetUp: R joined through S's invite and has not synced since.
  auto sent = tumar(s_, {"msg", "send", "Raushan", "Are you safe?"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("Sent to Raushan"), std::string::npos) << sent.out;
}

// docs/PROTOCOL.md, "Onion client authorisation": the newcomer's profile
// carries her onion client key, so the lead authorises it at once; editing
// her profile keeps it.
TEST_F(JoinCli, TheLeadHasTheNewcomersOnionClientKeyAtOnce) {
  const std::regex raushan_key(R"re("name":"Raushan"[^}]*"onion_client_key":"([0-9a-f]{64})")re");
  auto at_lead = tumar(s_, {"members", "--json"});
  ASSERT_EQ(at_lead.exit_code, 0) << at_lead.out << at_lead.err;
  std::smatch lead_view;
  ASSERT_TRUE(std::regex_search(at_lead.out, lead_view, raushan_key)) << at_lead.out;
  const std::string key = lead_view[1];
  EXPECT_NE(key, std::string(64, '0'));

  auto edited = tumar(r_, {"profile", "set", "--region", "Shymkent"});
  ASSERT_EQ(edited.exit_code, 0) << edited.out << edited.err;
  auto at_r = tumar(r_, {"members", "--json"});
  std::smatch own_view;
  ASSERT_TRUE(std::regex_search(at_r.out, own_view, raushan_key)) << at_r.out;
  EXPECT_EQ(own_view[1], key) << "profile set keeps the key";
  EXPECT_NE(at_r.out.find("\"region\":\"Shymkent\""), std::string::npos) << at_r.out;
}

// Issue 19, "After `member remove` … `sync` answers: You have no peers":
// sync targets come from the members too. R says where her node is; the
// lead, whose allow list is empty (R dialled in to join), reaches her with
// a plain `tumar sync`, her key pinned.
TEST_F(JoinCli, APlainSyncReachesTheMembersWhoSaidWhereTheirNodeIs) {
  // Members' published addresses are dialled directly only when the
  // profile allows direct TCP (otherwise only onion addresses, through Tor).
  ASSERT_EQ(tumar(s_, {"tor", "direct-tcp", "on"}).exit_code, 0);
  auto none = tumar(s_, {"sync"});
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  EXPECT_NE(none.err.find("There is no one to sync with"), std::string::npos) << none.err;

  auto bad = tumar(r_, {"profile", "set", "--address", "not an address"});
  EXPECT_NE(bad.exit_code, 0) << bad.out << bad.err;
  auto unchanged = tumar(r_, {"members", "--json"});
  EXPECT_EQ(unchanged.out.find("\"addresses\":[\""), std::string::npos) << unchanged.out;  // nothing was published
  auto set = tumar(r_, {"profile", "set", "--address", r_where_});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  EXPECT_NE(set.out.find("reachable at: " + r_where_), std::string::npos) << set.out;
  // R's new profile reaches the lead through the lead's node (R's allow
  // list holds it since the join).
  {
    std::optional<BackgroundProcess> s_node;
    const std::string s_where = serve(s_, s_node, "127.0.0.1:0");
    ASSERT_FALSE(s_where.empty());
    // (The lead's node listens on another port than at the join.)
    auto who = tumar(s_, {"whoami", "--json"});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(who.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) << who.out;
    ASSERT_EQ(tumar(r_, {"peer", "add", s_where, "--key", m[1]}).exit_code, 0);
    auto pushed = tumar(r_, {"sync", s_where});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.out << pushed.err;
  }
  auto members = tumar(s_, {"members", "--json"});
  EXPECT_NE(members.out.find("\"addresses\":[\"" + r_where_ + "\"]"), std::string::npos) << members.out;

  ASSERT_EQ(tumar(s_, {"note", "add", "--title", "Hotline", "--body", "150"}).exit_code, 0);
  std::optional<BackgroundProcess> r_node;
  ASSERT_EQ(serve(r_, r_node, r_where_), r_where_);
  auto synced = tumar(s_, {"sync", "--json"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_NE(synced.out.find(r_where_), std::string::npos) << synced.out;
  // Progress as JSON events on stderr, stdout one array.
  EXPECT_NE(synced.err.find("{\"event\":\"progress\""), std::string::npos) << synced.err;
  EXPECT_EQ(synced.out.rfind("[", 0), 0U) << synced.out;
  auto notes = tumar(r_, {"note", "list"});
  EXPECT_NE(notes.out.find("Hotline"), std::string::npos) << notes.out << notes.err;
}

}  // namespace
}  // namespace tumar::test
