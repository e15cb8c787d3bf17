// Profile: the key file, the database and the identity together, and the
// duress rule, without the command line.

#include "core/profile/profile.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/temp_dir.hpp"

namespace tumar::profile {
namespace {
namespace fs = std::filesystem;

crypto::SecretBuffer pass(const char* text) {
  return crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)));
}

InitOptions options(const std::string& name) {
  InitOptions o;
  o.display_name = name;
  o.kdf = kdf_limits_minimum_for_tests();
  return o;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

class ProfileTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  fs::path home_ = dir_ / "home";
  crypto::SystemRandom rng_;
};

TEST_F(ProfileTest, CreateThenUnlockGivesTheSameIdentity) {
  auto created = Profile::create(home_, pass("first passphrase"), options("Dana"), rng_);
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  auto key = created->identity().public_identity().identity_key;
  auto opened = Profile::unlock(home_, pass("first passphrase"), rng_);
  ASSERT_TRUE(opened.has_value()) << opened.error().describe();
  EXPECT_EQ(opened->identity().public_identity().identity_key, key);
  EXPECT_EQ(opened->display_name(), "Dana");
}

TEST_F(ProfileTest, CreateRefusesAnExistingProfileAndLeavesItIntact) {
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  std::string key_before = file_bytes(home_ / "tumar.key");
  auto again = Profile::create(home_, pass("other passphrase"), options("Eve"), rng_);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), core::Errc::kProfileExists);
  EXPECT_EQ(file_bytes(home_ / "tumar.key"), key_before);
}

TEST_F(ProfileTest, InvalidNameCreatesNothing) {
  for (const std::string& bad : {std::string(), std::string(79, 'x'), std::string("tab\there")}) {
    auto r = Profile::create(home_, pass("first passphrase"), options(bad), rng_);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument);
    EXPECT_FALSE(Profile::exists(home_));
  }
}

TEST_F(ProfileTest, DatabaseLeftByACrashedInitDoesNotBlockTheNextInit) {
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  fs::remove(home_ / "tumar.key");  // as if init crashed before writing it
  EXPECT_FALSE(Profile::exists(home_));
  auto again = Profile::create(home_, pass("second passphrase"), options("Dana"), rng_);
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_TRUE(Profile::unlock(home_, pass("second passphrase"), rng_).has_value());
}

TEST_F(ProfileTest, ExistingHomeDirectoryKeepsItsMode) {
  fs::create_directories(home_);
  fs::permissions(home_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  EXPECT_EQ(fs::status(home_).permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

TEST_F(ProfileTest, WrongPassphraseIsRefused) {
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  auto r = Profile::unlock(home_, pass("not it"), rng_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), core::Errc::kWrongPassphrase);
}

TEST_F(ProfileTest, MissingProfileSaysSo) {
  auto r = Profile::unlock(home_, pass("first passphrase"), rng_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), core::Errc::kNoProfile);
}

TEST_F(ProfileTest, KeyFileWithoutDatabaseIsReportedNotRecreated) {
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  fs::remove(home_ / "tumar.db");
  fs::remove(home_ / "tumar.db-wal");
  fs::remove(home_ / "tumar.db-shm");
  auto r = Profile::unlock(home_, pass("first passphrase"), rng_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), core::Errc::kCorrupt);
  EXPECT_FALSE(fs::exists(home_ / "tumar.db"));
}

TEST_F(ProfileTest, DuressUnlockWipesAndReturnsAFreshProfileWithTheDecoyName) {
  identity::IdentityKey real_key;
  {
    auto created = Profile::create(home_, pass("first passphrase"), options("Dana"), rng_);
    ASSERT_TRUE(created.has_value());
    real_key = created->identity().public_identity().identity_key;
    ASSERT_TRUE(created->database().exec("CREATE TABLE secret_notes(t TEXT); "
                                         "INSERT INTO secret_notes VALUES ('shelter on Abay street')")
                    .has_value());
  }
  ASSERT_TRUE(Profile::set_duress(home_, pass("first passphrase"), pass("duress passphrase"), rng_).has_value());

  auto fresh = Profile::unlock(home_, pass("duress passphrase"), rng_);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().describe();
  EXPECT_EQ(fresh->display_name(), "Dana");
  EXPECT_NE(fresh->identity().public_identity().identity_key, real_key);
  auto st = fresh->database().prepare("SELECT count(*) FROM sqlite_master WHERE name = 'secret_notes'");
  ASSERT_TRUE(st.has_value());
  ASSERT_TRUE(st->step().value());
  EXPECT_EQ(st->column_int64(0), 0);

  auto real = Profile::unlock(home_, pass("first passphrase"), rng_);
  ASSERT_FALSE(real.has_value());
  EXPECT_EQ(real.error().code(), core::Errc::kWrongPassphrase);
}

TEST_F(ProfileTest, DuressThroughASymlinkedHomeStillOpensAFreshProfile) {
  fs::path real_dir = dir_ / "volume";
  fs::create_directories(real_dir);
  fs::create_directory_symlink(real_dir, home_);
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  ASSERT_TRUE(Profile::set_duress(home_, pass("first passphrase"), pass("duress passphrase"), rng_).has_value());
  auto fresh = Profile::unlock(home_, pass("duress passphrase"), rng_);
  ASSERT_TRUE(fresh.has_value()) << fresh.error().describe();
  EXPECT_TRUE(fs::is_symlink(home_));
  EXPECT_FALSE(Profile::unlock(home_, pass("first passphrase"), rng_).has_value());
}

TEST_F(ProfileTest, ChangePassphraseThroughTheDuressPassphraseActsOnTheFreshProfile) {
  ASSERT_TRUE(Profile::create(home_, pass("first passphrase"), options("Dana"), rng_).has_value());
  ASSERT_TRUE(Profile::set_duress(home_, pass("first passphrase"), pass("duress passphrase"), rng_).has_value());
  ASSERT_TRUE(
      Profile::change_passphrase(home_, pass("duress passphrase"), pass("third passphrase"), rng_).has_value());
  EXPECT_TRUE(Profile::unlock(home_, pass("third passphrase"), rng_).has_value());
  EXPECT_FALSE(Profile::unlock(home_, pass("first passphrase"), rng_).has_value());
}

}  // namespace
}  // namespace tumar::profile
