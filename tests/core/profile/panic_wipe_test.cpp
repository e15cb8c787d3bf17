// Panic wipe: the key file goes first and its bytes are destroyed, every
// tumar file follows, nothing else is touched, symlinks are never followed,
// and it works while another descriptor holds the database open.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/profile/key_file.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/profile_paths.hpp"
#include "key_file_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tumar::profile {
namespace {

namespace fs = std::filesystem;
using test::Bytes;
using test::pass;
using test::read_bytes;

bool contains(const Bytes& hay, std::span<const std::uint8_t> needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

// Every byte under `root` (regular files, recursively, symlinks not followed).
std::vector<Bytes> all_files_under(const fs::path& root) {
  std::vector<Bytes> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && !e.is_symlink()) out.push_back(read_bytes(e.path()));
  }
  return out;
}

class PanicWipe : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(paths_.home);
    ASSERT_TRUE(KeyFile::create(paths_.key_file, pass("pw"), test::fast(), master_, {}));
    ASSERT_TRUE(KeyFile::set_duress(paths_.key_file, pass("pw"), pass("duress"), "decoy"));
    key_bytes_ = read_bytes(paths_.key_file);
    // A database-shaped file that (unlike the real encrypted one) holds the
    // master key in clear, so the test can tell whether anything survives.
    Bytes db(3 * 1024 * 1024 + 17, 0x5a);
    std::copy(master_.span().begin(), master_.span().end(), db.begin() + 1000);
    test::write_bytes(paths_.database, db);
    test::write_bytes(paths_.wal, Bytes(4096, 0x77));
    test::write_bytes(paths_.shm, Bytes(32768, 0x66));
  }

  tumar::test::TempDir root_;
  ProfilePaths paths_ = ProfilePaths::in(root_ / "home");
  MasterKey master_ = MasterKey::random();
  Bytes key_bytes_;
};

TEST_F(PanicWipe, DestroysEverythingOfOursAndRemovesTheEmptyHome) {
  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->key_file_destroyed);
  EXPECT_EQ(r->files_wiped, 4u);
  EXPECT_EQ(r->bytes_overwritten, 384u + (3 * 1024 * 1024 + 17) + 4096 + 32768);
  EXPECT_TRUE(r->left_alone.empty());
  EXPECT_TRUE(r->home_removed);
  EXPECT_FALSE(fs::exists(paths_.home));
  EXPECT_LE(r->key_gone_after, r->total_duration);
  EXPECT_GT(r->key_gone_after.count(), 0);
}

TEST_F(PanicWipe, LeavesForeignFilesAloneAndLeavesNoSecretBehind) {
  test::write_bytes(paths_.home / "notes.txt", Bytes{'h', 'i'});
  fs::create_directory(paths_.home / "tumar.cache");  // not a name tumar creates: left alone
  // The user's own files that merely start with "tumar." (a home pointed at
  // a shared directory) are not ours either.
  test::write_bytes(paths_.home / "tumar.AppImage", Bytes{'E', 'L', 'F'});
  test::write_bytes(paths_.home / "tumar.notes.txt", Bytes{'m', 'y'});
  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  std::vector<std::string> left = r->left_alone;
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"notes.txt", "tumar.AppImage", "tumar.cache", "tumar.notes.txt"}));
  EXPECT_EQ(read_bytes(paths_.home / "tumar.AppImage"), (Bytes{'E', 'L', 'F'}));
  EXPECT_EQ(read_bytes(paths_.home / "tumar.notes.txt"), (Bytes{'m', 'y'}));
  EXPECT_FALSE(r->home_removed);
  EXPECT_EQ(read_bytes(paths_.home / "notes.txt"), (Bytes{'h', 'i'}));
  EXPECT_TRUE(fs::is_directory(paths_.home / "tumar.cache"));
  for (const fs::path& p : {paths_.key_file, paths_.database, paths_.wal, paths_.shm}) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(p))) << p;
  }
  for (const Bytes& f : all_files_under(root_.path())) {
    EXPECT_FALSE(contains(f, master_.span()));
    EXPECT_FALSE(contains(f, std::span(key_bytes_).subspan(kHeaderSize, 32)));  // slot 0
    EXPECT_FALSE(contains(f, std::span(key_bytes_).subspan(kHeaderSize + kSlotSize, 32)));  // slot 1
  }
}

// Tor mode's folder (cli/tor_mode.hpp): tor's state at any depth, its
// sockets and the node's socket all go with the profile, and a symlink in it
// is unlinked without touching what it points to.
TEST_F(PanicWipe, DestroysTheTorFolderWithEverythingInIt) {
  const fs::path tor = paths_.home / "tumar.tor";
  fs::create_directories(tor / "serve" / "keys");
  fs::create_directories(tor / "node");
  test::write_bytes(tor / "serve" / "state", Bytes(700, 0x41));
  test::write_bytes(tor / "serve" / "keys" / "secret_id_key", Bytes(1000, 0x42));
  const fs::path outside = root_ / "outside.txt";
  test::write_bytes(outside, Bytes{'k', 'e', 'e', 'p'});
  fs::create_symlink(outside, tor / "serve" / "link");
  // A socket, as tor's control socket is.
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string sock = (tor / "node" / "onion.sock").string();
  std::strncpy(a.sun_path, sock.c_str(), sizeof a.sun_path - 1);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::close(s);

  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->left_alone.empty());
  EXPECT_TRUE(r->home_removed);
  EXPECT_FALSE(fs::exists(fs::symlink_status(tor)));
  EXPECT_EQ(r->bytes_overwritten, 384u + (3 * 1024 * 1024 + 17) + 4096 + 32768 + 700 + 1000);
  EXPECT_EQ(read_bytes(outside), (Bytes{'k', 'e', 'e', 'p'}));
}

TEST_F(PanicWipe, SymlinkedHomeIsWipedAndTheLinkKept) {
  // --home may be a symlink to the real directory (an encrypted volume).
  const fs::path link = root_ / "link";
  fs::create_directory_symlink(paths_.home, link);
  auto r = wipe_profile(link);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->key_file_destroyed);
  EXPECT_FALSE(fs::exists(fs::symlink_status(paths_.key_file)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(paths_.database)));
  EXPECT_TRUE(fs::is_symlink(link));
}

TEST_F(PanicWipe, OverwritesTheKeyFileInPlaceBeforeUnlinkingIt) {
  // A descriptor opened before the wipe still sees the inode: its bytes must
  // be random now, not the old slots (this is what crypto-erasure means).
  const int key_fd = ::open(paths_.key_file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(key_fd, 0);
  ASSERT_TRUE(wipe_profile(paths_.home));
  Bytes after(kKeyFileSize);
  ASSERT_EQ(::pread(key_fd, after.data(), after.size(), 0), static_cast<ssize_t>(kKeyFileSize));
  struct stat st {};
  ASSERT_EQ(::fstat(key_fd, &st), 0);
  ::close(key_fd);
  EXPECT_EQ(st.st_nlink, 0u);
  std::size_t same = 0;
  for (std::size_t i = 0; i < kKeyFileSize; ++i) same += after[i] == key_bytes_[i];
  EXPECT_LT(same, 16u);
  EXPECT_FALSE(unlock_key_file_bytes(after, pass("pw")));
}

TEST_F(PanicWipe, WorksWhileTheDatabaseIsHeldOpen) {
  const int db_fd = ::open(paths_.database.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(db_fd, 0);
  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  Bytes seen(4096);
  ASSERT_EQ(::pread(db_fd, seen.data(), seen.size(), 0), 4096);
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](std::uint8_t b) { return b == 0; }));
  struct stat st {};
  ASSERT_EQ(::fstat(db_fd, &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
  ::close(db_fd);
  EXPECT_FALSE(fs::exists(paths_.database));
}

TEST_F(PanicWipe, SymlinksAreRemovedNeverFollowed) {
  const fs::path outside = root_ / "outside.db";
  const fs::path outside_key = root_ / "outside.key";
  test::write_bytes(outside, Bytes(100, 0x11));
  test::write_bytes(outside_key, key_bytes_);
  fs::remove(paths_.database);
  fs::create_symlink(outside, paths_.database);
  fs::remove(paths_.key_file);
  fs::create_symlink(outside_key, paths_.key_file);
  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_FALSE(r->key_file_destroyed);  // a symlink is not our key file
  EXPECT_EQ(read_bytes(outside), Bytes(100, 0x11));
  EXPECT_EQ(read_bytes(outside_key), key_bytes_);
  EXPECT_FALSE(fs::exists(fs::symlink_status(paths_.database)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(paths_.key_file)));
}

TEST_F(PanicWipe, DestroysALeftoverTempKeyFileAndAReadOnlyKeyFile) {
  test::write_bytes(paths_.key_file_tmp, key_bytes_);
  const fs::path witness = root_ / "tmp-witness";
  fs::create_hard_link(paths_.key_file_tmp, witness);
  const fs::path key_witness = root_ / "key-witness";
  fs::create_hard_link(paths_.key_file, key_witness);
  ASSERT_EQ(::chmod(paths_.key_file.c_str(), 0400), 0);
  auto r = wipe_profile(paths_.home);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->key_file_destroyed);
  EXPECT_FALSE(fs::exists(paths_.key_file_tmp));
  EXPECT_FALSE(parse_key_file(read_bytes(witness)));
  EXPECT_FALSE(parse_key_file(read_bytes(key_witness)));
}

TEST(PanicWipeEdges, MissingOrEmptyHomeIsNotAnError) {
  tumar::test::TempDir root;
  auto missing = wipe_profile(root / "never-created");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->key_file_destroyed);
  EXPECT_EQ(missing->files_wiped, 0u);
  EXPECT_EQ(missing->bytes_overwritten, 0u);

  fs::create_directory(root / "empty");
  auto empty = wipe_profile(root / "empty");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->key_file_destroyed);
  EXPECT_EQ(empty->files_wiped, 0u);
  EXPECT_TRUE(empty->home_removed);

  // A second wipe after a real one finds nothing.
  auto again = wipe_profile(root / "empty");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->files_wiped, 0u);
}

TEST(PanicWipeEdges, HomeThatIsAFileIsRefusedUntouched) {
  tumar::test::TempDir root;
  test::write_bytes(root / "tumar.db", Bytes{1, 2});
  auto r = wipe_profile(root / "tumar.db");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(read_bytes(root / "tumar.db"), (Bytes{1, 2}));
}

}  // namespace
}  // namespace tumar::profile
