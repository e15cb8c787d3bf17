// tumar itself over Tor (issue 18, "Tests"): real `tumar` processes on the
// private Tor network of scripts/tor-testnet (the `tor_net` fixture), each
// starting its own tor as a person's would. A lead serves as an onion
// service; a newcomer joins through an invite that carries only the onion
// address; notes and a direct message travel with no TCP connection
// between tumar processes; a stranger who knows the address cannot reach
// the handshake; a removal revokes; tor killed under a running node comes
// back; panic takes tor and its files with the profile.
//
//   tumar_tor_cli_tests NETDIR      (or TUMAR_TOR_NET=NETDIR)

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "tor/test_tor.hpp"

namespace tumar::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPass = "correct horse battery staple";
constexpr const char* kNet = "Shelters KZ";

// The TCP sockets process `pid` listens on (/proc/net/tcp{,6} state 0A,
// matched by inode against /proc/PID/fd).
std::size_t tcp_listeners_of(pid_t pid) {
  std::set<std::string> mine;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code ec;
    const std::string target = fs::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0) mine.insert(target.substr(8, target.size() - 9));
  }
  std::size_t n = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state == "0A" && mine.count(inode) != 0) ++n;
    }
  }
  return n;
}

// The pid of the tor whose torrc is `torrc` (tumar's child), or 0.
pid_t tor_of(const fs::path& torrc) {
  for (const auto& p : fs::directory_iterator("/proc")) {
    const std::string name = p.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(p.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(torrc.string()) != std::string::npos && cmdline.find("tor") != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

class TumarOverTor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (tor_net_dir().empty()) GTEST_SKIP() << "no private Tor network given";
    // Short: the profiles' sockets must fit sun_path (107 bytes).
    char tmpl[] = "/tmp/tumar-ot-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    work_ = new fs::path(tmpl);
    std::ofstream(*work_ / "pass") << kPass << "\n";
    // Every tumar below finds the private network through TUMAR_TORRC, as a
    // person's would find bridge lines.
    const fs::path torrc = *work_ / "testnet.torrc";
    std::ofstream(torrc) << run_capture(std::string(TUMAR_SOURCE_DIR) + "/scripts/tor-testnet client-torrc " +
                                        tor_net_dir());
    ::setenv("TUMAR_TORRC", torrc.c_str(), 1);

    ASSERT_EQ(tumar(lead(), {"init", "--name", "Saule", "--kdf", "interactive"}).exit_code, 0);
    ASSERT_EQ(tumar(lead(), {"network", "create", kNet}).exit_code, 0);
    node_ = new std::optional<BackgroundProcess>();
    onion_ = new std::string(start_lead());
  }
  static void TearDownTestSuite() {
    delete node_;
    node_ = nullptr;
    delete onion_;
    onion_ = nullptr;
    if (work_ != nullptr) fs::remove_all(*work_);
    delete work_;
    work_ = nullptr;
  }
  void SetUp() override {
    if (onion_ == nullptr || onion_->empty()) GTEST_SKIP() << "the lead's onion service did not start";
  }

  static std::string home(const std::string& who) { return (*work_ / who).string(); }
  static std::string lead() { return home("lead"); }

  static std::vector<std::string> argv(const std::string& home, const std::vector<std::string>& args) {
    std::vector<std::string> out{TUMAR_EXE, "--home", home, "--passphrase-file", (*work_ / "pass").string()};
    out.insert(out.end(), args.begin(), args.end());
    return out;
  }
  static ProcessResult tumar(const std::string& home, const std::vector<std::string>& args) {
    return run_process(argv(home, args));
  }

  // Starts the lead's node as an onion service; its ADDRESS.onion:PORT.
  static std::string start_lead() {
    node_->reset();
    static int runs = 0;
    node_->emplace(argv(lead(), {"serve"}), (*work_ / ("serve" + std::to_string(++runs))).string());
    if (!(*node_)->wait_output("running as the onion service", 180s)) return "";
    std::smatch m;
    const std::string out = (*node_)->out();
    if (!std::regex_search(out, m, std::regex(R"(onion service ([a-z2-7]{56}\.onion:[0-9]+))"))) return "";
    return m[1];
  }

  // A new profile that joins the lead's network over Tor.
  static ProcessResult join_new(const std::string& who, const std::string& name) {
    if (tumar(home(who), {"init", "--name", name, "--kdf", "interactive"}).exit_code != 0) return {};
    auto inv = tumar(lead(), {"invite", "create", "--network", kNet, "--role", "member", "--json"});
    std::smatch m;
    if (!std::regex_search(inv.out, m, std::regex(R"re("code":"([^"]+)")re"))) return inv;
    // The node lets the invite's key through once it noticed the invite.
    return retry_until_ok([&] { return tumar(home(who), {"join", m[1]}); });
  }

  // A fresh onion service's descriptor takes a few seconds to reach the
  // directories, and a client-list update re-publishes it: retry briefly.
  template <typename F>
  static ProcessResult retry_until_ok(F attempt) {
    ProcessResult r;
    for (int i = 0; i < 6; ++i) {
      r = attempt();
      if (r.exit_code == 0) return r;
      std::this_thread::sleep_for(5s);
    }
    return r;
  }

  static std::string key_of(const std::string& who) {
    auto w = tumar(home(who), {"whoami", "--json"});
    std::smatch m;
    if (!std::regex_search(w.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) return "";
    return m[1];
  }

  static fs::path* work_;
  static std::optional<BackgroundProcess>* node_;
  static std::string* onion_;
};

fs::path* TumarOverTor::work_ = nullptr;
std::optional<BackgroundProcess>* TumarOverTor::node_ = nullptr;
std::string* TumarOverTor::onion_ = nullptr;

TEST_F(TumarOverTor, TheNodeIsAnOnionServiceAndListensOnNoTcpPort) {
  EXPECT_EQ(tcp_listeners_of((*node_)->pid()), 0U);
  // The invite carries the onion address: no --address was needed.
  auto inv = tumar(lead(), {"invite", "create", "--network", kNet, "--json"});
  ASSERT_EQ(inv.exit_code, 0) << inv.out << inv.err;
  auto whoami = tumar(lead(), {"whoami", "--json"});
  EXPECT_NE(whoami.out.find(*onion_), std::string::npos) << whoami.out;
}

TEST_F(TumarOverTor, ANewcomerJoinsAndNotesAndADirectMessageTravelOverTor) {
  auto joined = join_new("member", "Raushan");
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  EXPECT_NE(joined.out.find("Joined \"Shelters KZ\""), std::string::npos) << joined.out;

  ASSERT_EQ(tumar(lead(), {"note", "add", "--title", "Hotline Almaty", "--body", "150, free, 24/7"}).exit_code, 0);
  // A plain sync: the lead is reached at its onion address, through Tor.
  auto synced = retry_until_ok([&] { return tumar(home("member"), {"sync", "--json"}); });
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_NE(synced.out.find(".onion"), std::string::npos) << synced.out;
  auto notes = tumar(home("member"), {"note", "list"});
  EXPECT_NE(notes.out.find("Hotline Almaty"), std::string::npos) << notes.out << notes.err;

  auto sent = tumar(home("member"), {"msg", "send", "Saule", "Are you safe?"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  ASSERT_EQ(retry_until_ok([&] { return tumar(home("member"), {"sync"}); }).exit_code, 0);
  auto inbox = tumar(lead(), {"msg", "list"});
  EXPECT_NE(inbox.out.find("Are you safe?"), std::string::npos) << inbox.out << inbox.err;

  // What the lead's node recorded: running, connected, and when it last
  // reached Raushan.
  auto status = tumar(lead(), {"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("\"running\":true"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"onion_address\":\"" + *onion_ + "\""), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"state\":\"ready\""), std::string::npos) << status.out;
  EXPECT_TRUE(std::regex_search(status.out, std::regex(R"re("name":"Raushan","identity_key":"[0-9a-f]{64}","last_reached":[0-9]+)re")))
      << status.out;
}

TEST_F(TumarOverTor, AStrangerWhoKnowsTheAddressCannotReachTheHandshake) {
  ASSERT_EQ(tumar(home("stranger"), {"init", "--name", "Stranger", "--kdf", "interactive"}).exit_code, 0);
  // She knows the address and even the lead's key: all that is public.
  auto added = tumar(home("stranger"), {"peer", "add", *onion_, "--key", key_of("lead")});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  auto tried = tumar(home("stranger"), {"sync", *onion_, "--timeout", "60"});
  EXPECT_EQ(tried.exit_code, 3) << tried.out << tried.err;  // unreachable, not refused: no handshake happened
  auto look = tumar(lead(), {"members", "--json"});
  EXPECT_EQ(look.out.find("Stranger"), std::string::npos);
}

TEST_F(TumarOverTor, ARemovedMemberCanNoLongerReachTheNode) {
  auto joined = join_new("leaving", "Aigerim");
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  ASSERT_EQ(retry_until_ok([&] { return tumar(home("leaving"), {"sync"}); }).exit_code, 0);
  ASSERT_EQ(tumar(lead(), {"member", "remove", "Aigerim"}).exit_code, 0);
  // The node drops her key from the onion service within seconds.
  ASSERT_TRUE((*node_)->wait_output("Updated who may reach this node over Tor", 60s)) << (*node_)->out();
  std::this_thread::sleep_for(10s);  // the new descriptor reaches the directories
  auto tried = tumar(home("leaving"), {"sync", "--timeout", "60"});
  EXPECT_EQ(tried.exit_code, 3) << tried.out << tried.err;
}

TEST_F(TumarOverTor, TorKilledUnderARunningNodeIsRestartedAndTheNodeCarriesOn) {
  const pid_t tor = tor_of(fs::path(lead()) / "tumar.tor" / "serve" / "torrc");
  ASSERT_NE(tor, 0);
  // A member's sync is under way (her tor up, the circuits being built or
  // the round running) when the lead's tor dies.
  std::optional<BackgroundProcess> syncing;
  if (fs::exists(home("member"))) {
    syncing.emplace(argv(home("member"), {"sync", "--timeout", "30"}), (*work_ / "sync-during-kill").string());
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (tor_of(fs::path(home("member")) / "tumar.tor" / "client" / "torrc") == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(1500ms);
  }
  ASSERT_EQ(::kill(tor, SIGKILL), 0);
  if (syncing) {
    // It ends either way, with a verdict: synced, or unreachable (exit 3) —
    // never a crash, a hang or another code.
    ASSERT_TRUE(syncing->wait_exit(120s));
    EXPECT_TRUE(syncing->exit_code() == 0 || syncing->exit_code() == 3) << syncing->exit_code() << syncing->out();
  }
  ASSERT_TRUE((*node_)->wait_output("Tor is connected again", 120s)) << (*node_)->out();
  if (!fs::exists(home("member"))) GTEST_SKIP() << "needs the member of the join test";
  auto synced = retry_until_ok([&] { return tumar(home("member"), {"sync"}); });
  EXPECT_EQ(synced.exit_code, 0) << synced.out << synced.err;
}

// Where Tor is blocked (Russia since December 2021), a person pastes bridge
// lines: here the private network's obfs4 bridge, with obfs4proxy as the
// client transport plugin, and tor reaches the network only through it.
TEST_F(TumarOverTor, AMemberBehindAnObfs4BridgeJoinsAndSyncs) {
  std::string bridge;
  {
    std::istringstream lines(run_capture(std::string(TUMAR_SOURCE_DIR) + "/scripts/tor-testnet client-torrc " +
                                         tor_net_dir() + " --bridge"));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("Bridge ", 0) == 0) bridge = line.substr(7);
    }
  }
  if (bridge.empty()) GTEST_SKIP() << "the private network runs no bridge";
  ASSERT_EQ(tumar(home("bridged"), {"init", "--name", "Zarina", "--kdf", "interactive"}).exit_code, 0);
  auto added = tumar(home("bridged"), {"tor", "bridges", "add", bridge});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  auto inv = tumar(lead(), {"invite", "create", "--network", kNet, "--role", "member", "--json"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(inv.out, m, std::regex(R"re("code":"([^"]+)")re"))) << inv.out << inv.err;
  const std::string code = m[1];
  auto joined = retry_until_ok([&] { return tumar(home("bridged"), {"join", code}); });
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  auto synced = retry_until_ok([&] { return tumar(home("bridged"), {"sync"}); });
  EXPECT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  // Her tor went through the bridge, with the plugin.
  std::ifstream torrc(fs::path(home("bridged")) / "tumar.tor" / "client" / "torrc");
  const std::string text((std::istreambuf_iterator<char>(torrc)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("UseBridges 1"), std::string::npos) << text;
  EXPECT_NE(text.find("ClientTransportPlugin obfs4"), std::string::npos) << text;
}

// Every member's profile carries her onion address: members reach each other
// over Tor, and what they write flows between them with the lead offline.
TEST_F(TumarOverTor, YMembersReachEachOtherOverTorWithoutTheLead) {
  if (!fs::exists(home("member")) || !fs::exists(home("bridged"))) GTEST_SKIP() << "needs the members of earlier tests";
  std::optional<BackgroundProcess> raushan;
  raushan.emplace(argv(home("member"), {"serve"}), (*work_ / "raushan-serve").string());
  ASSERT_TRUE(raushan->wait_output("running as the onion service", 180s)) << raushan->out();
  std::smatch m;
  const std::string out = raushan->out();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(onion service ([a-z2-7]{56}\.onion:[0-9]+))")));
  const std::string raushan_onion = m[1];
  // Her node publishes its address in her profile and pushes it to the lead;
  // Zarina learns it from the lead.
  auto learned = retry_until_ok([&] {
    auto r = tumar(home("bridged"), {"members", "--json"});
    if (r.out.find(raushan_onion) == std::string::npos) r.exit_code = 1;
    if (r.exit_code != 0) (void)tumar(home("bridged"), {"sync"});
    return r;
  });
  ASSERT_EQ(learned.exit_code, 0) << learned.out << learned.err;

  // The lead goes offline; Zarina writes to Raushan, and it reaches her node.
  node_->reset();
  auto sent = tumar(home("bridged"), {"msg", "send", "Raushan", "Meet at the library"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  auto synced = tumar(home("bridged"), {"sync", "--json"});
  EXPECT_TRUE(std::regex_search(synced.out, std::regex("\"address\":\"" + raushan_onion + "\",\"ok\":true")))
      << synced.out << synced.err;
  auto inbox = retry_until_ok([&] {
    auto r = tumar(home("member"), {"msg", "list"});
    if (r.out.find("Meet at the library") == std::string::npos) r.exit_code = 1;
    return r;
  });
  EXPECT_EQ(inbox.exit_code, 0) << inbox.out << inbox.err;
  raushan.reset();
  // The lead comes back for the last test.
  *onion_ = start_lead();
}

// Last: it ends the lead.
TEST_F(TumarOverTor, ZPanicStopsTorAndWipesItsFiles) {
  const fs::path torrc = fs::path(lead()) / "tumar.tor" / "serve" / "torrc";
  ASSERT_NE(tor_of(torrc), 0);
  auto panic = run_process({TUMAR_EXE, "--home", lead(), "panic", "--yes"});
  EXPECT_EQ(panic.exit_code, 0) << panic.out << panic.err;
  EXPECT_TRUE((*node_)->wait_exit(10s));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (tor_of(torrc) != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(tor_of(torrc), 0) << "tor outlived the panic";
  EXPECT_FALSE(fs::exists(fs::path(lead()) / "tumar.tor"));
  onion_->clear();
}

}  // namespace
}  // namespace tumar::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') tumar::test::tor_net_dir() = argv[i];
  }
  if (tumar::test::tor_net_dir().empty() && std::getenv("TUMAR_TOR_NET") != nullptr) {
    tumar::test::tor_net_dir() = std::getenv("TUMAR_TOR_NET");
  }
  return RUN_ALL_TESTS();
}
