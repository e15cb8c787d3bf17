// What the user reads when core/ fails: the sentence saying what happened,
// then what to do next, once, and never a next step that contradicts one
// the sentence already gives.

#include "cli/error_advice.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "cli/front_end_error.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar::cli {
namespace {

std::string shown(core::Errc code, const std::string& message) { return user_message(cli::sentence_error(code, message)); }

TEST(ErrorAdvice, AWrongPassphraseSaysNothingChangedAndToTryAgain) {
  EXPECT_EQ(shown(core::Errc::kWrongPassphrase, "The passphrase is wrong."),
            "The passphrase is wrong. Nothing was changed. Check the keyboard layout and Caps Lock, then try again.");
}

TEST(ErrorAdvice, ADamagedOrTamperedProfileWarnsOfCompromiseAndSaysHowToRecover) {
  for (auto code : {core::Errc::kTampered, core::Errc::kCorrupt}) {
    const std::string m = shown(code, "A stored message is damaged.");
    EXPECT_EQ(m.rfind("A stored message is damaged. If this computer was out of your hands", 0), 0u) << m;
    EXPECT_NE(m.find("restore the profile directory from a backup"), std::string::npos);
    EXPECT_NE(m.find("tumar --home DIR init"), std::string::npos);
  }
}

TEST(ErrorAdvice, AMessageWithoutAFullStopGetsOneBeforeTheNextStep) {
  EXPECT_EQ(shown(core::Errc::kStorage, "disk I/O error").rfind("disk I/O error. Check that the disk", 0), 0u);
}

TEST(ErrorAdvice, AMessageThatAlreadySaysWhatToDoIsLeftAlone) {
  const std::string own = "The profile at /x cannot be written; check its permissions.";
  EXPECT_EQ(shown(core::Errc::kStorage, own), own);
  const std::string wiped = "The profile was wiped. Make a new one with: tumar init";
  EXPECT_EQ(shown(core::Errc::kProfileWiped, wiped), wiped);
}

TEST(ErrorAdvice, CommandSpecificErrorsKeepTheirOwnSentence) {
  // Usage and refusals are phrased where they happen, with their own next step.
  for (auto code : {core::Errc::kInvalidArgument, core::Errc::kRefused, core::Errc::kLimit, core::Errc::kProtocol,
                    core::Errc::kNoProfile, core::Errc::kProfileExists}) {
    EXPECT_EQ(shown(code, "Only leads can do that; ask one."), "Only leads can do that; ask one.");
  }
}

// As a user meets them: a mistyped passphrase, and a database page altered
// while the laptop was out of her hands.
TEST(ErrorAdviceCli, TheUserReadsWhatHappenedAndWhatToDoNext) {
  test::TempDir dir;
  std::ofstream(dir / "pass") << "correct horse battery staple\n";
  std::ofstream(dir / "wrong") << "correct horse battery stapler\n";
  const std::string home = (dir / "aigerim").string();
  auto tumar = [&](const std::string& pass, const std::vector<std::string>& args) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home, "--passphrase-file", (dir / pass).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process(argv);
  };
  ASSERT_EQ(tumar("pass", {"init", "--name", "Aigerim", "--kdf", "interactive"}).exit_code, 0);
  auto wrong = tumar("wrong", {"whoami"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("The passphrase is wrong. Nothing was changed."), std::string::npos) << wrong.err;
  {
    std::fstream db(dir / "aigerim" / "tumar.db", std::ios::in | std::ios::out | std::ios::binary);
    db.seekp(4096 + 100);
    db.put('\x5a');
  }
  auto tampered = tumar("pass", {"whoami"});
  EXPECT_EQ(tampered.exit_code, 5);
  EXPECT_NE(tampered.err.find("treat the profile as compromised"), std::string::npos) << tampered.err;
}

}  // namespace
}  // namespace tumar::cli
