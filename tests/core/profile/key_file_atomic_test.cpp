// Crash safety of key-file writes: a failure (kError) or a crash (kCrash) at
// every step of the write sequence leaves a key file that opens with exactly
// one of the old and new passphrases, and the next write still succeeds. And
// the old file's inode is scrubbed once replaced.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error_ids.hpp"
#include "cli/front_end_error.hpp"
#include "core/profile/atomic_file.hpp"
#include "core/profile/key_file.hpp"
#include "core/profile/profile_paths.hpp"
#include "key_file_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tumar::profile {
namespace {

using test::Bytes;
using test::pass;
using test::read_bytes;

constexpr std::string_view kOld = "old passphrase";
constexpr std::string_view kNew = "new passphrase";
constexpr std::string_view kDuress = "duress passphrase";

bool after_rename(WriteStep s) { return s == WriteStep::kSyncDir || s == WriteStep::kScrubOld || s == WriteStep::kSyncOld; }

std::string describe(WriteFault f) {
  return std::string(f.kind == FaultKind::kCrash ? "crash" : "error") + " at " + write_step_name(f.step);
}

std::optional<SlotKind> opens_as(const std::filesystem::path& key, std::string_view p) {
  auto u = KeyFile::unlock(key, pass(p));
  if (!u) {
    EXPECT_EQ(u.error().code(), core::Errc::kWrongPassphrase) << u.error().describe();
    return std::nullopt;
  }
  return u->kind;
}

class KeyFileAtomic : public ::testing::TestWithParam<std::tuple<WriteStep, FaultKind>> {
 protected:
  WriteFault fault() const { return {std::get<0>(GetParam()), std::get<1>(GetParam())}; }
  tumar::test::TempDir dir_;
  ProfilePaths paths_ = ProfilePaths::in(dir_.path());
  MasterKey master_ = MasterKey::random();
};

TEST_P(KeyFileAtomic, ChangePassphraseLeavesExactlyOneWorkingPassphrase) {
  const WriteFault f = fault();
  ASSERT_TRUE(KeyFile::create(paths_.key_file, pass(kOld), test::fast(), master_, {}));
  ASSERT_TRUE(KeyFile::set_duress(paths_.key_file, pass(kOld), pass(kDuress), "decoy"));
  auto r = KeyFile::change_passphrase(paths_.key_file, pass(kOld), pass(kNew), {nullptr, f});
  ASSERT_FALSE(r) << describe(f);
  EXPECT_EQ(r.error().code(), core::Errc::kStorage);

  const bool new_took_effect = after_rename(f.step);
  EXPECT_EQ(opens_as(paths_.key_file, kOld), new_took_effect ? std::nullopt : std::optional(SlotKind::kReal))
      << describe(f);
  EXPECT_EQ(opens_as(paths_.key_file, kNew), new_took_effect ? std::optional(SlotKind::kReal) : std::nullopt)
      << describe(f);
  EXPECT_EQ(opens_as(paths_.key_file, kDuress), std::optional(SlotKind::kDuress)) << describe(f);
  if (new_took_effect && f.kind == FaultKind::kError) {
    EXPECT_EQ(r.error().id(), core::ErrorId::kProfileDiskErrorAfterChange) << r.error().describe();
  }
  // An error cleans up after itself; a crash may leave the temp file, which
  // the next write clears (it holds a wrapping that never took effect).
  if (f.kind == FaultKind::kError) {
    EXPECT_FALSE(std::filesystem::exists(paths_.key_file_tmp)) << describe(f);
  }

  const std::string_view working = new_took_effect ? kNew : kOld;
  ASSERT_TRUE(KeyFile::change_passphrase(paths_.key_file, pass(working), pass("third")));
  EXPECT_EQ(opens_as(paths_.key_file, "third"), std::optional(SlotKind::kReal));
  EXPECT_FALSE(std::filesystem::exists(paths_.key_file_tmp));
}

TEST_P(KeyFileAtomic, SetDuressIsAllOrNothing) {
  const WriteFault f = fault();
  ASSERT_TRUE(KeyFile::create(paths_.key_file, pass(kOld), test::fast(), master_, {}));
  auto r = KeyFile::set_duress(paths_.key_file, pass(kOld), pass(kDuress), "decoy", {nullptr, f});
  ASSERT_FALSE(r);
  EXPECT_EQ(opens_as(paths_.key_file, kOld), std::optional(SlotKind::kReal)) << describe(f);
  EXPECT_EQ(opens_as(paths_.key_file, kDuress),
            after_rename(f.step) ? std::optional(SlotKind::kDuress) : std::nullopt)
      << describe(f);
}

TEST_P(KeyFileAtomic, CreateLeavesNothingOrAWholeFile) {
  const WriteFault f = fault();
  auto r = KeyFile::create(paths_.key_file, pass(kOld), test::fast(), master_, {}, {nullptr, f});
  const bool created = after_rename(f.step) || f.step == WriteStep::kScrubOld || f.step == WriteStep::kSyncOld;
  if (f.step == WriteStep::kScrubOld || f.step == WriteStep::kSyncOld) {
    ASSERT_TRUE(r) << "create has no old file to scrub";
  } else {
    ASSERT_FALSE(r) << describe(f);
  }
  EXPECT_EQ(std::filesystem::exists(paths_.key_file), created) << describe(f);
  if (created) {
    EXPECT_EQ(opens_as(paths_.key_file, kOld), std::optional(SlotKind::kReal));
    EXPECT_EQ(KeyFile::create(paths_.key_file, pass(kNew), test::fast(), master_, {}).error().code(),
              core::Errc::kProfileExists);
  } else {
    ASSERT_TRUE(KeyFile::create(paths_.key_file, pass(kNew), test::fast(), master_, {}));
    EXPECT_EQ(opens_as(paths_.key_file, kNew), std::optional(SlotKind::kReal));
    EXPECT_FALSE(std::filesystem::exists(paths_.key_file_tmp));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStep, KeyFileAtomic,
                         ::testing::Combine(::testing::ValuesIn(kAllWriteSteps),
                                            ::testing::Values(FaultKind::kError, FaultKind::kCrash)));

// The old file's inode (seen here through a hard link the test made, as a
// stand-in for its blocks) no longer holds the old wrapping after a change.
TEST(KeyFileScrub, OldInodeIsOverwrittenWithRandomBytes) {
  tumar::test::TempDir dir;
  const ProfilePaths p = ProfilePaths::in(dir.path());
  ASSERT_TRUE(KeyFile::create(p.key_file, pass(kOld), test::fast(), MasterKey::random(), {}));
  const Bytes old_bytes = read_bytes(p.key_file);
  const auto witness = dir / "witness";
  std::filesystem::create_hard_link(p.key_file, witness);
  ASSERT_TRUE(KeyFile::change_passphrase(p.key_file, pass(kOld), pass(kNew)));
  const Bytes scrubbed = read_bytes(witness);
  ASSERT_EQ(scrubbed.size(), old_bytes.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < scrubbed.size(); ++i) same += scrubbed[i] == old_bytes[i];
  EXPECT_LT(same, 16u);  // ~1.5 expected by chance
  EXPECT_FALSE(parse_key_file(scrubbed));  // not even the magic survives
}

TEST(KeyFileScrub, LeftoverTempSymlinkIsRemovedNotFollowed) {
  tumar::test::TempDir dir;
  const ProfilePaths p = ProfilePaths::in(dir.path());
  ASSERT_TRUE(KeyFile::create(p.key_file, pass(kOld), test::fast(), MasterKey::random(), {}));
  const auto target = dir / "precious";
  test::write_bytes(target, Bytes{1, 2, 3});
  std::filesystem::create_symlink(target, p.key_file_tmp);
  ASSERT_TRUE(KeyFile::change_passphrase(p.key_file, pass(kOld), pass(kNew)));
  EXPECT_EQ(read_bytes(target), (Bytes{1, 2, 3}));
  EXPECT_FALSE(std::filesystem::is_symlink(std::filesystem::symlink_status(p.key_file_tmp)));
  EXPECT_EQ(opens_as(p.key_file, kNew), std::optional(SlotKind::kReal));
}

TEST(KeyFileScrub, LeftoverTempFileIsOverwrittenBeforeRemoval) {
  tumar::test::TempDir dir;
  const ProfilePaths p = ProfilePaths::in(dir.path());
  ASSERT_TRUE(KeyFile::create(p.key_file, pass(kOld), test::fast(), MasterKey::random(), {}));
  test::write_bytes(p.key_file_tmp, read_bytes(p.key_file));  // as a crash would leave it
  const auto witness = dir / "witness";
  std::filesystem::create_hard_link(p.key_file_tmp, witness);
  ASSERT_TRUE(KeyFile::change_passphrase(p.key_file, pass(kOld), pass(kNew)));
  EXPECT_FALSE(parse_key_file(read_bytes(witness)));
}

}  // namespace
}  // namespace tumar::profile

namespace tumar::profile {
namespace {

// Writers serialise on the directory lock: a concurrent set_duress and
// change_passphrase never lose each other's slot (both succeeding means the
// duress passphrase works afterwards).
TEST(KeyFileConcurrency, ConcurrentWritersDoNotLoseEachOthersSlot) {
  for (int round = 0; round < 10; ++round) {
    tumar::test::TempDir dir;
    const ProfilePaths p = ProfilePaths::in(dir.path());
    ASSERT_TRUE(KeyFile::create(p.key_file, pass(kOld), test::fast(), MasterKey::random(), {}));
    core::Result<void> changed, duress_set;
    std::thread a([&] { changed = KeyFile::change_passphrase(p.key_file, pass(kOld), pass(kNew)); });
    std::thread b([&] { duress_set = KeyFile::set_duress(p.key_file, pass(kOld), pass(kDuress), "d"); });
    a.join();
    b.join();
    ASSERT_TRUE(changed) << changed.error().describe();
    EXPECT_EQ(opens_as(p.key_file, kNew), std::optional(SlotKind::kReal));
    if (duress_set) {
      EXPECT_EQ(opens_as(p.key_file, kDuress), std::optional(SlotKind::kDuress)) << "round " << round;
    } else {
      EXPECT_EQ(duress_set.error().code(), core::Errc::kWrongPassphrase);  // ran after the change
    }
  }
}

// A reader's shared lock holds writers off, so nobody reads the old inode
// while it is being scrubbed. (If the lock did not work, the writer would
// finish within the wait; a slow machine can only make this pass wrongly,
// never fail wrongly.)
TEST(KeyFileConcurrency, WritersWaitForReaders) {
  tumar::test::TempDir dir;
  const ProfilePaths p = ProfilePaths::in(dir.path());
  ASSERT_TRUE(KeyFile::create(p.key_file, pass(kOld), test::fast(), MasterKey::random(), {}));
  const Bytes before = read_bytes(p.key_file);
  auto reader = LockedDir::lock(dir.path(), LockedDir::Mode::kShared);
  ASSERT_TRUE(reader);
  std::atomic<bool> finished{false};
  std::thread writer([&] {
    EXPECT_TRUE(KeyFile::change_passphrase(p.key_file, pass(kOld), pass(kNew)));
    finished = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(finished);
  EXPECT_EQ(read_bytes(p.key_file), before);
  reader = cli::fail(core::Errc::kStorage, "released");  // drops the lock
  writer.join();
  EXPECT_TRUE(finished);
  EXPECT_EQ(opens_as(p.key_file, kNew), std::optional(SlotKind::kReal));
}

}  // namespace
}  // namespace tumar::profile
