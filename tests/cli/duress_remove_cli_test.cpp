// `tumar duress remove` and the words for a mistyped or missing command
// (issue 19, item 5), through the real tumar executable.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
namespace fs = std::filesystem;
using test::run_process;

// docs/KEYFILE.md: 48-byte header, slot 0 (real) and slot 1 (duress), 168 bytes each.
constexpr std::size_t kHeader = 48;
constexpr std::size_t kSlot = 168;

class DuressRemoveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << "correct horse battery staple\n";
    std::ofstream(duress_) << "the duress passphrase\n";
    ASSERT_EQ(tumar({"init", "--name", "Aigerim", "--kdf", "interactive"}, pass_).exit_code, 0);
  }

  test::ProcessResult tumar(const std::vector<std::string>& args, const std::string& pass_file) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_file};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  std::string key_file() const {
    std::ifstream f(fs::path(home_) / "tumar.key", std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
  }

  std::vector<std::string> file_names() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(home_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string identity_key(const std::string& pass_file) {
    auto r = tumar({"whoami", "--json"}, pass_file);
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) {
      return "";
    }
    return m[1];
  }

  test::TempDir dir_;
  std::string home_ = (dir_ / "home").string();
  std::string pass_ = (dir_ / "pass").string();
  std::string duress_ = (dir_ / "duress").string();
};

TEST_F(DuressRemoveCli, RemoveLeavesTheKeyFileAsIfDuressWasNeverSet) {
  const std::string never_set = key_file();
  const auto names = file_names();
  const std::string real_id = identity_key(pass_);
  ASSERT_EQ(tumar({"duress", "set", "--duress-passphrase-file", duress_}, pass_).exit_code, 0);
  const std::string set = key_file();

  auto r = tumar({"duress", "remove"}, pass_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("only your passphrase opens this profile"), std::string::npos) << r.out;

  const std::string removed = key_file();
  ASSERT_EQ(removed.size(), never_set.size());
  EXPECT_EQ(file_names(), names);
  // Header and real slot exactly as before duress was set; the duress slot
  // neither the sealed one nor the old filler (fresh random bytes).
  EXPECT_EQ(removed.substr(0, kHeader + kSlot), never_set.substr(0, kHeader + kSlot));
  EXPECT_NE(removed.substr(kHeader + kSlot), set.substr(kHeader + kSlot));
  EXPECT_NE(removed.substr(kHeader + kSlot), never_set.substr(kHeader + kSlot));

  // The duress passphrase is now just a wrong one; the real data is intact.
  auto who = tumar({"whoami"}, duress_);
  EXPECT_EQ(who.exit_code, 2) << who.err;
  EXPECT_EQ(identity_key(pass_), real_id);
}

TEST_F(DuressRemoveCli, RemoveSaysTheSameWhetherOrNotDuressWasSet) {
  auto unset = tumar({"duress", "remove"}, pass_);
  ASSERT_EQ(unset.exit_code, 0) << unset.err;
  ASSERT_EQ(tumar({"duress", "set", "--duress-passphrase-file", duress_}, pass_).exit_code, 0);
  auto set = tumar({"duress", "remove"}, pass_);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(unset.out, set.out);
  EXPECT_EQ(unset.err, set.err);
}

TEST_F(DuressRemoveCli, RemoveWithTheDuressPassphraseWipesAsEveryPromptDoes) {
  const std::string real_id = identity_key(pass_);
  ASSERT_EQ(tumar({"duress", "set", "--duress-passphrase-file", duress_}, pass_).exit_code, 0);
  auto r = tumar({"duress", "remove"}, duress_);
  // Looks like a removal to whoever watches the screen...
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("only your passphrase opens this profile"), std::string::npos) << r.out;
  // ...but the real profile is gone: its passphrase opens nothing.
  EXPECT_EQ(tumar({"whoami"}, pass_).exit_code, 2);
  const std::string fresh = identity_key(duress_);
  EXPECT_FALSE(fresh.empty());
  EXPECT_NE(fresh, real_id);
}

TEST_F(DuressRemoveCli, RemoveWithAWrongPassphraseChangesNothing) {
  ASSERT_EQ(tumar({"duress", "set", "--duress-passphrase-file", duress_}, pass_).exit_code, 0);
  const std::string before = key_file();
  const std::string wrong = (dir_ / "wrong").string();
  std::ofstream(wrong) << "not the passphrase at all\n";
  auto r = tumar({"duress", "remove"}, wrong);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(key_file(), before);
}

TEST(CommandWords, AMistypedCommandSuggestsTheNearestOne) {
  auto r = run_process({TUMAR_EXE, "mesage"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Unknown command 'mesage'. Did you mean 'msg'?"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("A subcommand is required"), std::string::npos) << r.err;
}

TEST(CommandWords, AMistypedSubcommandSuggestsTheNearestOne) {
  auto r = run_process({TUMAR_EXE, "msg", "sned", "Bota", "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Unknown command 'msg sned'. Did you mean 'msg send'?"), std::string::npos) << r.err;

  auto d = run_process({TUMAR_EXE, "duress", "remvoe"});
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.err.find("Did you mean 'duress remove'?"), std::string::npos) << d.err;
}

TEST(CommandWords, AWordNothingLikeACommandGetsNoGuess) {
  auto r = run_process({TUMAR_EXE, "frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Unknown command 'frobnicate'."), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Did you mean"), std::string::npos) << r.err;
}

TEST(CommandWords, AMissingSubcommandIsNamedAsMissingNotUnknown) {
  auto r = run_process({TUMAR_EXE, "msg"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("`tumar msg` needs one of: send, list or delete."), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Unknown"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tumar
