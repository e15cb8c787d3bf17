// Small frictions a new user met (issue 19, "Friction to remove"), through
// the real tumar executable: --version, a "~" in TUMAR_HOME, and an example
// date in `note add --help` that is not already past.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar {
namespace {
namespace fs = std::filesystem;
using test::run_process;

// Sets an environment variable for this scope (the child inherits it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(FrictionCli, VersionIsShownAndExitsZero) {
  auto r = run_process({TUMAR_EXE, "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("tumar [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
}

TEST(FrictionCli, ATildeInTumarHomeMeansTheHomeDirectory) {
  test::TempDir dir;
  const std::string pass = (dir / "pass").string();
  std::ofstream(pass) << "correct horse battery staple\n";
  ScopedEnv home("HOME", dir.path().string());
  {
    ScopedEnv tumar_home("TUMAR_HOME", "~/tumar-aigerim");
    auto r = run_process({TUMAR_EXE, "--passphrase-file", pass, "init", "--kdf", "interactive"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir / "tumar-aigerim" / "tumar.key"));
    EXPECT_FALSE(fs::exists(fs::current_path() / "~"));
  }
  // --home=~/x reaches tumar unexpanded too (the shell expands only a word's start).
  auto who = run_process({TUMAR_EXE, "--home=~/tumar-aigerim", "--passphrase-file", pass, "whoami"});
  EXPECT_EQ(who.exit_code, 0) << who.err;
}

TEST(FrictionCli, TheNoteAddExampleDateIsNotAlreadyPast) {
  auto r = run_process({TUMAR_EXE, "note", "add", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("--valid-until ([0-9]{4}-[0-9]{2}-[0-9]{2})"))) << r.out;
  const std::chrono::year_month_day today{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(today.year()),
                static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day()));
  EXPECT_GT(m[1].str(), std::string(buf)) << r.out;
}

}  // namespace
}  // namespace tumar
