// Two people, two profiles, two real processes on 127.0.0.1: the allow
// list, serve and sync as a user runs them, and what each failure looks
// like (message and exit code).

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
using test::run_process;

class PeerSyncCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << "correct horse battery staple\n";
    ASSERT_EQ(tumar(alice_, {"init", "--name", "Alice", "--kdf", "interactive"}).exit_code, 0);
    ASSERT_EQ(tumar(bob_, {"init", "--name", "Bob", "--kdf", "interactive"}).exit_code, 0);
    alice_key_ = key_of(alice_);
    bob_key_ = key_of(bob_);
    ASSERT_EQ(alice_key_.size(), 64u);
  }

  test::ProcessResult tumar(const std::string& home, const std::vector<std::string>& args) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home, "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  std::string key_of(const std::string& home) {
    auto r = tumar(home, {"whoami", "--json"});
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) return "";
    return m[1];
  }

  // Starts bob's node on a free port; returns its HOST:PORT.
  std::string serve_bob(std::optional<test::BackgroundProcess>& proc) {
    proc.emplace(std::vector<std::string>{TUMAR_EXE, "--home", bob_, "--passphrase-file", pass_, "serve", "--listen",
                                          "127.0.0.1:0", "-v"},
                 (dir_ / "serve").string());
    if (!proc->wait_output("running", std::chrono::seconds(30))) return "";
    std::smatch m;
    std::string out = proc->out();
    if (!std::regex_search(out, m, std::regex(R"(listening on (127\.0\.0\.1:[0-9]+))"))) return "";
    return m[1];
  }

  test::TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::string alice_ = (dir_ / "alice").string();
  std::string bob_ = (dir_ / "bob").string();
  std::string alice_key_, bob_key_;
};

TEST_F(PeerSyncCli, MembersWhoAddedEachOtherSync) {
  std::optional<test::BackgroundProcess> node;
  const std::string where = serve_bob(node);
  ASSERT_FALSE(where.empty()) << node->out();
  ASSERT_EQ(tumar(bob_, {"peer", "add", "127.0.0.1:9", "--key", alice_key_}).exit_code, 0);
  ASSERT_EQ(tumar(alice_, {"peer", "add", where, "--key", bob_key_}).exit_code, 0);

  auto r = tumar(alice_, {"sync"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(where + ": synced"), std::string::npos) << r.out;

  auto json = tumar(alice_, {"sync", where, "--json"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"ok\":true"), std::string::npos) << json.out;

  auto listed = tumar(alice_, {"peer", "list", "--json"});
  EXPECT_NE(listed.out.find("\"last_synced_at\":1"), std::string::npos) << listed.out;

  kill(node->pid(), SIGTERM);
  ASSERT_TRUE(node->wait_exit(std::chrono::seconds(10)));
  EXPECT_EQ(node->exit_code(), 0);
}

TEST_F(PeerSyncCli, FirstSyncRecordsTheKeyOfAPeerAddedWithoutOne) {
  std::optional<test::BackgroundProcess> node;
  const std::string where = serve_bob(node);
  ASSERT_FALSE(where.empty());
  ASSERT_EQ(tumar(bob_, {"peer", "add", "127.0.0.1:9", "--key", alice_key_}).exit_code, 0);
  ASSERT_EQ(tumar(alice_, {"peer", "add", where}).exit_code, 0);
  auto r = tumar(alice_, {"sync"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("first contact"), std::string::npos) << r.out;
  auto listed = tumar(alice_, {"peer", "list", "--json"});
  EXPECT_NE(listed.out.find(bob_key_), std::string::npos) << listed.out;
}

TEST_F(PeerSyncCli, SyncWithANodeThatDoesNotKnowYouIsRefused) {
  std::optional<test::BackgroundProcess> node;
  const std::string where = serve_bob(node);
  ASSERT_FALSE(where.empty());
  ASSERT_EQ(tumar(alice_, {"peer", "add", where, "--key", bob_key_}).exit_code, 0);
  auto r = tumar(alice_, {"sync"});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.out.find("allow list"), std::string::npos) << r.out;
  // Bob's debug log (-v) says why, naming alice by fingerprint only.
  std::ifstream err((dir_ / "serve.err").string());
  std::string log((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("peer not admitted"), std::string::npos) << log;
  EXPECT_EQ(log.find(alice_key_), std::string::npos) << "the log names a fingerprint, not the key";
}

TEST_F(PeerSyncCli, UnreachablePeerExitsWithThree) {
  ASSERT_EQ(tumar(alice_, {"peer", "add", "127.0.0.1:9", "--key", bob_key_}).exit_code, 0);
  auto r = tumar(alice_, {"sync", "--timeout", "5"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("Cannot reach 127.0.0.1:9"), std::string::npos) << r.out;
}

TEST_F(PeerSyncCli, SyncRefusesAnAddressNotOnTheAllowList) {
  auto r = tumar(alice_, {"sync", "127.0.0.1:9"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not on your allow list"), std::string::npos) << r.err;
  auto none = tumar(alice_, {"sync"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("There is no one to sync with"), std::string::npos) << none.err;
}

TEST_F(PeerSyncCli, BadPeerInputIsRefusedAndChangesNothing) {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"peer", "add", "127.0.0.1"},
           {"peer", "add", "127.0.0.1:0"},
           {"peer", "add", "127.0.0.1:7000", "--key", "abc"},
           {"peer", "add", "127.0.0.1:7000", "--key", std::string(64, 'z')},
           {"peer", "add", "127.0.0.1:7000", "--key", alice_key_},  // her own key
       }) {
    auto r = tumar(alice_, bad);
    EXPECT_EQ(r.exit_code, 1) << bad.back() << r.err;
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(tumar(alice_, {"peer", "list", "--json"}).out, "[]\n");
  auto removed = tumar(alice_, {"peer", "remove", "127.0.0.1:7000"});
  EXPECT_EQ(removed.exit_code, 1);
}

TEST_F(PeerSyncCli, AChangedKeyIsNeverAcceptedSilently) {
  ASSERT_EQ(tumar(alice_, {"peer", "add", "127.0.0.1:7000", "--key", bob_key_}).exit_code, 0);
  auto r = tumar(alice_, {"peer", "add", "127.0.0.1:7000", "--key", std::string(64, 'a')});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("different key"), std::string::npos) << r.err;
  EXPECT_NE(tumar(alice_, {"peer", "list", "--json"}).out.find(bob_key_), std::string::npos);
}

TEST_F(PeerSyncCli, ServeRefusesAnAddressItCannotListenOn) {
  std::optional<test::BackgroundProcess> node;
  const std::string where = serve_bob(node);
  ASSERT_FALSE(where.empty());
  auto r = tumar(alice_, {"serve", "--listen", where});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Cannot listen on"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tumar
