// One node per profile (issue 19, item 9): a second `tumar serve` on a
// profile whose node runs is refused at once with a sentence, whatever
// address each would use; once the first stops, serving works again.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {

using namespace std::chrono_literals;

class OneNodeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << "correct horse battery staple\n";
    ASSERT_EQ(tumar({"init", "--name", "Saule", "--kdf", "interactive"}).exit_code, 0);
  }
  std::vector<std::string> argv(const std::vector<std::string>& args) const {
    std::vector<std::string> out{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_};
    out.insert(out.end(), args.begin(), args.end());
    return out;
  }
  test::ProcessResult tumar(const std::vector<std::string>& args) { return test::run_process(argv(args)); }

  test::TempDir dir_;
  std::string home_ = (dir_ / "home").string();
  std::string pass_ = (dir_ / "pass").string();
};

TEST_F(OneNodeCli, ASecondServeOnTheSameProfileIsRefused) {
  std::optional<test::BackgroundProcess> first;
  first.emplace(argv({"serve", "--listen", "127.0.0.1:0"}), (dir_ / "first").string());
  ASSERT_TRUE(first->wait_output("listening on", 30s)) << first->out();

  auto second = tumar({"serve", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("A node is already running on this profile"), std::string::npos) << second.err;
  EXPECT_EQ(second.out.find("listening on"), std::string::npos) << second.out;

  ::kill(first->pid(), SIGTERM);
  ASSERT_TRUE(first->wait_exit(10s));
  std::optional<test::BackgroundProcess> again;
  again.emplace(argv({"serve", "--listen", "127.0.0.1:0"}), (dir_ / "again").string());
  EXPECT_TRUE(again->wait_output("listening on", 30s)) << again->out();
}

}  // namespace
}  // namespace tumar
