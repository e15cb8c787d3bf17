// The Unix socket tor forwards the onion service to: only this user can
// reach it, nothing that is not its own socket is ever removed, and it
// leaves no file behind.

#include "net/tor/unix_listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "support/temp_dir.hpp"

namespace tumar::net::tor {
namespace {

namespace fs = std::filesystem;
using local = asio::local::stream_protocol;

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode;
}

// A socket file with nobody listening: what a node that was killed leaves.
void leave_stale_socket(const fs::path& p) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, p.c_str(), sizeof sa.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ::close(fd);
}

Failure failure_of(const Result<UnixListener>& r) {
  EXPECT_FALSE(r);
  return r ? Failure::kListenerClosed : r.error().what();
}

TEST(UnixListener, SocketIsMode0600InsideA0700DirectoryItMakes) {
  test::TempDir tmp;
  asio::io_context io;
  const fs::path dir = tmp / "profile";
  auto l = UnixListener::open(io, dir, "onion.sock");
  ASSERT_TRUE(l) << l.error().describe();
  EXPECT_EQ(mode_of(dir) & 07777, 0700u);
  EXPECT_TRUE(S_ISDIR(mode_of(dir)));
  EXPECT_TRUE(S_ISSOCK(mode_of(l->path())));
  EXPECT_EQ(mode_of(l->path()) & 07777, 0600u);
}

TEST(UnixListener, AcceptsAConnectionAndRemovesItsSocketOnClose) {
  test::TempDir tmp;
  asio::io_context io;
  auto l = UnixListener::open(io, tmp.path(), "onion.sock");
  ASSERT_TRUE(l);
  local::socket client(io);
  client.connect(local::endpoint(l->path().string()));
  std::optional<Result<Stream>> got;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { got.emplace(co_await l->accept()); }, asio::detached);
  io.run();
  ASSERT_TRUE(got && *got);
  l->close();
  EXPECT_FALSE(fs::exists(fs::symlink_status(tmp / "onion.sock")));
  l->close();  // idempotent
}

TEST(UnixListener, RefusesADirectoryOthersCanEnterOrThatIsASymlink) {
  test::TempDir tmp;
  asio::io_context io;
  fs::create_directory(tmp / "open");
  ::chmod((tmp / "open").c_str(), 0755);
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp / "open", "s")), Failure::kListenUnsafeDir);
  fs::create_directory(tmp / "real");
  ::chmod((tmp / "real").c_str(), 0700);
  fs::create_directory_symlink(tmp / "real", tmp / "link");
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp / "link", "s")), Failure::kListenUnsafeDir);
  EXPECT_FALSE(fs::exists(tmp / "real" / "s"));
}

TEST(UnixListener, RefusesAndKeepsAFileOrASymlinkAtThePath) {
  test::TempDir tmp;
  asio::io_context io;
  { std::ofstream(tmp / "onion.sock") << "the user's own file"; }
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp.path(), "onion.sock")), Failure::kListenPathTaken);
  EXPECT_TRUE(fs::is_regular_file(tmp / "onion.sock"));

  // A symlink to a socket is refused too: the link could be swapped to
  // point anywhere, and unlinking or binding through it is never tumar's.
  leave_stale_socket(tmp / "elsewhere.sock");
  fs::create_symlink(tmp / "elsewhere.sock", tmp / "linked.sock");
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp.path(), "linked.sock")), Failure::kListenPathTaken);
  EXPECT_TRUE(fs::is_symlink(tmp / "linked.sock"));
  EXPECT_TRUE(fs::exists(tmp / "elsewhere.sock"));

  fs::create_directory(tmp / "adir.sock");
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp.path(), "adir.sock")), Failure::kListenPathTaken);
}

TEST(UnixListener, RemovesAStaleSocketOfItsOwn) {
  test::TempDir tmp;
  asio::io_context io;
  leave_stale_socket(tmp / "onion.sock");
  auto l = UnixListener::open(io, tmp.path(), "onion.sock");
  ASSERT_TRUE(l) << l.error().describe();
  EXPECT_EQ(mode_of(l->path()) & 07777, 0600u);
}

TEST(UnixListener, RefusesASocketAnotherNodeListensOn) {
  test::TempDir tmp;
  asio::io_context io;
  auto first = UnixListener::open(io, tmp.path(), "onion.sock");
  ASSERT_TRUE(first);
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp.path(), "onion.sock")), Failure::kListenInUse);
  // The first still serves.
  local::socket client(io);
  error_code ec;
  client.connect(local::endpoint(first->path().string()), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(UnixListener, CloseLeavesANewerSocketAtThePathAlone) {
  test::TempDir tmp;
  asio::io_context io;
  auto old = UnixListener::open(io, tmp.path(), "onion.sock");
  ASSERT_TRUE(old);
  ::unlink(old->path().c_str());
  leave_stale_socket(tmp / "onion.sock");  // someone else's now
  old->close();
  EXPECT_TRUE(fs::exists(fs::symlink_status(tmp / "onion.sock")));
}

TEST(UnixListener, APathTooLongForSunPathIsRefused) {
  test::TempDir tmp;
  asio::io_context io;
  const std::size_t room = kMaxUnixPathLen - tmp.path().native().size() - 1;  // minus the '/'
  EXPECT_EQ(failure_of(UnixListener::open(io, tmp.path(), std::string(room + 1, 's'))), Failure::kListenPathTooLong);
  auto fits = UnixListener::open(io, tmp.path(), std::string(room, 's'));
  ASSERT_TRUE(fits) << fits.error().describe();
  EXPECT_EQ(fits->path().native().size(), kMaxUnixPathLen);
}

}  // namespace
}  // namespace tumar::net::tor
