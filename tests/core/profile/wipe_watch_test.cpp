// WipeWatch: a wipe is noticed (key file gone, database gone or replaced);
// a passphrase change, which replaces the key file by rename, is not.

#include <gtest/gtest.h>

#include <filesystem>

#include "core/profile/key_file.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/wipe_watch.hpp"
#include "key_file_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tumar::profile {
namespace {

namespace fs = std::filesystem;
using test::pass;

class WipeWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(KeyFile::create(paths_.key_file, pass("pw"), test::fast(), MasterKey::random(), {}));
    test::write_bytes(paths_.database, test::Bytes(4096, 1));
  }
  WipeWatch armed() {
    auto w = WipeWatch::arm(paths_);
    EXPECT_TRUE(w);
    return std::move(*w);
  }
  tumar::test::TempDir dir_;
  ProfilePaths paths_ = ProfilePaths::in(dir_.path());
};

TEST_F(WipeWatchTest, QuietProfileIsNotWiped) {
  const WipeWatch w = armed();
  EXPECT_FALSE(w.wiped());
  test::write_bytes(paths_.wal, test::Bytes(10, 2));  // ordinary database activity
  EXPECT_FALSE(w.wiped());
}

TEST_F(WipeWatchTest, PassphraseChangeIsNotAWipe) {
  const WipeWatch w = armed();
  ASSERT_TRUE(KeyFile::change_passphrase(paths_.key_file, pass("pw"), pass("new")));
  ASSERT_TRUE(KeyFile::set_duress(paths_.key_file, pass("new"), pass("duress"), "d"));
  EXPECT_FALSE(w.wiped());
}

TEST_F(WipeWatchTest, MissingKeyFileIsAWipe) {
  const WipeWatch w = armed();
  fs::remove(paths_.key_file);
  EXPECT_TRUE(w.wiped());
}

TEST_F(WipeWatchTest, MissingDatabaseIsAWipe) {
  const WipeWatch w = armed();
  fs::remove(paths_.database);
  EXPECT_TRUE(w.wiped());
}

TEST_F(WipeWatchTest, ReplacedDatabaseIsAWipe) {
  // E.g. a duress unlock in another process: wiped and a fresh profile made
  // at the same paths, key file included.
  const WipeWatch w = armed();
  const fs::path fresh = dir_ / "fresh";
  test::write_bytes(fresh, test::Bytes(4096, 1));
  fs::rename(fresh, paths_.database);
  EXPECT_TRUE(w.wiped());
}

TEST_F(WipeWatchTest, PanicWipeIsNoticed) {
  const WipeWatch w = armed();
  ASSERT_TRUE(wipe_profile(paths_.home));
  EXPECT_TRUE(w.wiped());
}

TEST_F(WipeWatchTest, ArmingNeedsADatabase) {
  fs::remove(paths_.database);
  auto w = WipeWatch::arm(paths_);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), core::Errc::kNoProfile);
}

}  // namespace
}  // namespace tumar::profile
