// The demo sandbox at the invite (SECURITY.md, "The trainer's demo"), from
// the command line with real nodes on 127.0.0.1: a demo profile given a real
// network's invite, and a real profile given a demo network's, are each
// refused with a sentence that says why, before anything is sent. The
// invite stays unused (its rightful holder then joins with it) and the
// lead's member list does not change.

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
using test::run_process;
using namespace std::chrono_literals;

constexpr const char* kNetwork = "Shelters KZ";

class SandboxInviteCli : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(pass_) << "correct horse battery staple\n"; }

  void TearDown() override {
    if (node_) {
      ::kill(node_->pid(), SIGTERM);
      node_->wait_exit(10s);
    }
  }

  std::string home(const std::string& who) const { return (dir_ / who).string(); }

  test::ProcessResult tumar(const std::string& who, const std::vector<std::string>& args) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home(who), "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  void init(const std::string& who, bool demo) {
    std::vector<std::string> args{"init", "--name", who, "--kdf", "interactive"};
    if (demo) args.push_back("--demo");
    auto r = tumar(who, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // `lead` founds the network, starts its node and makes one invite.
  std::string lead_invites(const std::string& lead) {
    auto created = tumar(lead, {"network", "create", kNetwork});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    node_.emplace(std::vector<std::string>{TUMAR_EXE, "--home", home(lead), "--passphrase-file", pass_, "serve",
                                           "--listen", "127.0.0.1:0"},
                  (dir_ / "serve").string());
    EXPECT_TRUE(node_->wait_output("listening on", 30s)) << node_->out();
    auto r = tumar(lead, {"invite", "create", "--network", kNetwork, "--json"});
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex(R"re("code":"([^"]+)")re"))) {
      ADD_FAILURE() << r.out << r.err;
      return "";
    }
    return m[1];
  }

  // The identity keys in `who`'s member list of the network.
  std::vector<std::string> members(const std::string& who) {
    auto r = tumar(who, {"members", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> keys;
    const std::regex key(R"re("identity_key":"([0-9a-f]{64})")re");
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), key); it != std::sregex_iterator(); ++it) {
      keys.push_back((*it)[1]);
    }
    return keys;
  }

  test::TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::optional<test::BackgroundProcess> node_;
};

TEST_F(SandboxInviteCli, ADemoProfileRefusesARealNetworksInviteAndTheRightfulJoinerStillUsesIt) {
  init("lead", false);
  init("trainee", true);
  init("newcomer", false);
  const std::string code = lead_invites("lead");
  ASSERT_TRUE(code.starts_with("tumar-invite-")) << code;
  const auto before = members("lead");
  ASSERT_EQ(before.size(), 1u);

  auto refused = tumar("trainee", {"join", code});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("This invite is for a real network, and this is a demo (training) profile"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("Nothing was sent, and the invite is still unused"), std::string::npos) << refused.err;
  EXPECT_EQ(members("lead"), before);
  auto trainee_nets = tumar("trainee", {"network", "list", "--json"});
  EXPECT_EQ(trainee_nets.out.find(kNetwork), std::string::npos) << trainee_nets.out;

  // The invite was not spent: the person it was meant for joins with it.
  auto joined = tumar("newcomer", {"join", code});
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  EXPECT_EQ(members("lead").size(), 2u);
}

TEST_F(SandboxInviteCli, ARealProfileRefusesADemoNetworksInviteAndTheRightfulTraineeStillUsesIt) {
  init("trainer", true);
  init("worker", false);
  init("trainee", true);
  const std::string code = lead_invites("trainer");
  // A person can tell a training invite from a real one.
  EXPECT_TRUE(code.starts_with("tumar-demo-invite-")) << code;
  const auto before = members("trainer");
  ASSERT_EQ(before.size(), 1u);

  auto refused = tumar("worker", {"join", code});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("This invite is for a training (demo) network, and a real profile never joins one"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("the invite is still unused"), std::string::npos) << refused.err;
  EXPECT_EQ(members("trainer"), before);
  auto worker_nets = tumar("worker", {"network", "list", "--json"});
  EXPECT_EQ(worker_nets.out.find(kNetwork), std::string::npos) << worker_nets.out;

  auto joined = tumar("trainee", {"join", code});
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  EXPECT_EQ(members("trainer").size(), 2u);
}

}  // namespace
}  // namespace tumar
