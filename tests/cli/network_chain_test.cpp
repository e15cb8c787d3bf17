// The networks issue's acceptance test: five real nodes on 127.0.0.1 linked
// only as a chain A–B–C–D–E. A lead on A founds the network, the others join
// along the chain (each through its neighbour's invite), everyone writes a
// note while the nodes run, A sends an urgent broadcast, and every node ends
// with the same directory and notes, the broadcast reaching E. Then a
// removed member is refused and cannot read what comes after.

#include <signal.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
using test::run_process;
using namespace std::chrono_literals;

constexpr std::array<const char*, 5> kNames = {"Aigerim", "Dilnoza", "Madina", "Nargiza", "Saule"};
constexpr const char* kNetwork = "Steppe shelters";

class NetworkChain : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << "correct horse battery staple\n";
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      homes_[i] = (dir_ / kNames[i]).string();
      ASSERT_EQ(tumar(i, {"init", "--name", kNames[i], "--kdf", "interactive"}).exit_code, 0);
    }
  }

  test::ProcessResult tumar(std::size_t who, const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> argv{TUMAR_EXE, "--home", homes_[who], "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
  }

  // Starts `who`'s node on a free port and returns its HOST:PORT.
  std::string serve(std::size_t who) {
    nodes_[who].emplace(std::vector<std::string>{TUMAR_EXE, "--home", homes_[who], "--passphrase-file", pass_, "serve",
                                                 "--listen", "127.0.0.1:0", "-v"},
                        (dir_ / (std::string("serve-") + kNames[who])).string());
    if (!nodes_[who]->wait_output("listening on", 30s)) return "";
    std::smatch m;
    const std::string out = nodes_[who]->out();
    if (!std::regex_search(out, m, std::regex(R"(listening on (127\.0\.0\.1:[0-9]+))"))) return "";
    return m[1];
  }

  std::string invite(std::size_t who, const std::string& role) {
    auto r = tumar(who, {"invite", "create", "--network", kNetwork, "--role", role, "--json"});
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex(R"re("code":"([^"]+)")re"))) {
      ADD_FAILURE() << r.out << r.err;
      return "";
    }
    return m[1];
  }

  // Polls until `pred` holds for `who`'s output of `args`, or 30 s pass.
  bool eventually(std::size_t who, const std::vector<std::string>& args,
                  const std::function<bool(const std::string&)>& pred, std::string* last = nullptr) {
    const auto until = std::chrono::steady_clock::now() + 30s;
    std::string out;
    while (std::chrono::steady_clock::now() < until) {
      out = tumar(who, args).out;
      if (pred(out)) return true;
      std::this_thread::sleep_for(300ms);
    }
    if (last) *last = out;
    return false;
  }

  static std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
  }

  test::TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::array<std::string, 5> homes_;
  std::array<std::optional<test::BackgroundProcess>, 5> nodes_;
};

TEST_F(NetworkChain, FiveNodesInAChainConvergeAndTheBroadcastReachesTheEnd) {
  ASSERT_EQ(tumar(0, {"network", "create", kNetwork}).exit_code, 0);
  ASSERT_FALSE(serve(0).empty());
  // B, C, D join through their neighbour, as leads so that they can invite
  // the next one; E joins D as a member. Each then runs its own node, which
  // keeps a connection to the node it joined through: a chain.
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    const std::string code = invite(i - 1, i + 1 < kNames.size() ? "lead" : "member");
    ASSERT_FALSE(code.empty());
    auto joined = tumar(i, {"join", code});
    ASSERT_EQ(joined.exit_code, 0) << kNames[i] << ": " << joined.out << joined.err;
    EXPECT_NE(joined.out.find(kNetwork), std::string::npos) << joined.out;
    ASSERT_FALSE(serve(i).empty()) << kNames[i];
  }
  // Everyone writes a note while their node runs; the node pushes it on.
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    auto r = tumar(i, {"note", "add", "--network", kNetwork, "--title", std::string("Hotline of ") + kNames[i],
                       "--tags", "hotline", "--body", "Open day and night."});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto sent = tumar(0, {"broadcast", "send", "--network", kNetwork, "--urgent", "Shelter on Abai street is full"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;

  // Every node ends with all five notes and all five members...
  std::vector<std::string> notes(5), members(5);
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    std::string last;
    EXPECT_TRUE(eventually(i, {"note", "list", "--json"},
                           [](const std::string& out) { return count(out, "Hotline of ") == 5; }, &last))
        << kNames[i] << " has: " << last;
    EXPECT_TRUE(eventually(i, {"members", "--json"},
                           [](const std::string& out) {
                             for (auto* n : kNames) {
                               if (out.find(std::string("\"") + n + "\"") == std::string::npos) return false;
                             }
                             return true;
                           },
                           &last))
        << kNames[i] << " has: " << last;
    notes[i] = tumar(i, {"note", "list", "--json"}).out;
    // "you" marks the reader's own entry: the one field that differs by design.
    members[i] = std::regex_replace(tumar(i, {"members", "--json"}).out, std::regex(R"("you":(true|false))"), "");
  }
  // ...the same on every node.
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    EXPECT_EQ(notes[i], notes[0]) << kNames[i];
    EXPECT_EQ(members[i], members[0]) << kNames[i];
  }
  // The broadcast crossed four hops to E.
  std::string last;
  EXPECT_TRUE(eventually(4, {"broadcast", "list", "--json"},
                         [](const std::string& out) { return out.find("Abai street") != std::string::npos; }, &last))
      << last;
}

TEST_F(NetworkChain, ARemovedMemberIsRefusedAndReadsNothingNew) {
  ASSERT_EQ(tumar(0, {"network", "create", kNetwork}).exit_code, 0);
  const std::string a = serve(0);
  ASSERT_FALSE(a.empty());
  for (std::size_t i : {1u, 4u}) {
    auto joined = tumar(i, {"join", invite(0, "member")});
    ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  }
  ASSERT_EQ(tumar(4, {"note", "add", "--network", kNetwork, "--title", "Legal aid desk", "--body", "Tuesdays"}).exit_code, 0);
  ASSERT_EQ(tumar(4, {"sync"}).exit_code, 0);
  std::string last;
  ASSERT_TRUE(eventually(0, {"note", "list", "--json"},
                         [](const std::string& out) { return out.find("Legal aid desk") != std::string::npos; }, &last))
      << last;

  auto removed = tumar(0, {"member", "remove", "--network", kNetwork, kNames[4]});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  ASSERT_EQ(tumar(0, {"note", "add", "--network", kNetwork, "--title", "New safe house", "--body", "secret"}).exit_code,
            0);
  // B, still a member, receives the removal and the new note.
  ASSERT_EQ(tumar(1, {"sync"}).exit_code, 0);
  EXPECT_NE(tumar(1, {"note", "list", "--json"}).out.find("New safe house"), std::string::npos);

  // E is turned away by A's node...
  auto refused = tumar(4, {"sync"});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  // ...so nothing written after the removal reaches E. (That E could not
  // open it anyway, being left out of the new epoch, is checked object by
  // object in tests/core/network/.)
  auto notes = tumar(4, {"note", "list", "--json"}).out;
  EXPECT_EQ(notes.find("New safe house"), std::string::npos) << notes;
  EXPECT_NE(notes.find("Legal aid desk"), std::string::npos) << "what E already had stays on E's disk";
}

}  // namespace
}  // namespace tumar

namespace tumar {
namespace {

// Direct messages across the chain A–B–C: Madina (C) and Aigerim (A) are
// never connected; Dilnoza's node (B) carries their messages and can read
// none of them. The reply comes back with Madina's read receipt.
TEST_F(NetworkChain, ADirectMessageCrossesTheChainAndOnlyTheRecipientReadsIt) {
  ASSERT_EQ(tumar(0, {"network", "create", kNetwork}).exit_code, 0);
  ASSERT_FALSE(serve(0).empty());
  for (std::size_t i = 1; i <= 2; ++i) {
    const std::string code = invite(i - 1, i == 1 ? "lead" : "member");
    ASSERT_FALSE(code.empty());
    auto joined = tumar(i, {"join", code});
    ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
    ASSERT_FALSE(serve(i).empty());
  }
  // Madina's prekeys travel C -> B -> A; until they arrive, sending says so.
  const std::string text = "Are you safe? The shelter on Abai street has a bed for you.";
  test::ProcessResult sent;
  const auto until = std::chrono::steady_clock::now() + 30s;
  do {
    sent = tumar(0, {"msg", "send", "Madina", text});
    if (sent.exit_code == 0) break;
    EXPECT_EQ(sent.exit_code, 4) << sent.err;
    EXPECT_NE(sent.err.find("have not published their keys"), std::string::npos) << sent.err;
    std::this_thread::sleep_for(300ms);
  } while (std::chrono::steady_clock::now() < until);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("Sent to Madina in \"Steppe shelters\""), std::string::npos) << sent.out;

  std::string last;
  EXPECT_TRUE(eventually(2, {"msg", "list", "--json"},
                         [&](const std::string& out) { return out.find(text) != std::string::npos; }, &last))
      << last;
  const std::string inbox = tumar(2, {"msg", "list", "--json"}).out;
  EXPECT_NE(inbox.find("\"peer_name\":\"Aigerim\",\"direction\":\"in\""), std::string::npos) << inbox;
  // The carrier in the middle holds the message and cannot read it.
  auto carrier = tumar(1, {"msg", "list", "--json"});
  EXPECT_EQ(carrier.exit_code, 0) << carrier.err;
  EXPECT_EQ(carrier.out, "[]\n");

  auto reply = tumar(2, {"msg", "send", "Aigerim"}, "I am safe, coming tonight.\n");
  ASSERT_EQ(reply.exit_code, 0) << reply.err;
  EXPECT_TRUE(eventually(0, {"msg", "list", "--json", "--with", "Madina"},
                         [](const std::string& out) {
                           return out.find("I am safe, coming tonight.") != std::string::npos &&
                                  out.find("\"direction\":\"out\"") != std::string::npos &&
                                  out.find("\"read\":true") != std::string::npos;
                         },
                         &last))
      << last;
  auto listed = tumar(0, {"msg", "list", "--with", "Madina"});
  EXPECT_NE(listed.out.find("you → Madina · Steppe shelters · read\n  " + text), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Madina → you · Steppe shelters"), std::string::npos) << listed.out;

  // Deleting one leaves the other.
  EXPECT_EQ(tumar(0, {"msg", "delete", "1"}).exit_code, 0);
  auto after = tumar(0, {"msg", "list", "--json"});
  EXPECT_EQ(after.out.find(text), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("I am safe"), std::string::npos) << after.out;
  auto missing = tumar(0, {"msg", "delete", "99"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("There is no message #99"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace tumar
