// Panic-wipe and unlock timings. Plain program, prints Markdown.
//
//   tumar_panic_bench [--quick] [--dir DIR]
//
// For a profile-shaped home (a real key file, a database file, a WAL file)
// with a 1 MB and a 1 GB database: the time from wipe start until the key
// file is gone (goal < 50 ms for both: the key goes first, so the database
// size must not matter) and the total wipe time. Median of 5 runs for 1 MB,
// 2 runs for 1 GB; --quick skips 1 GB. The database is random bytes: the
// wipe never parses it, so a real encrypted database would behave the same.
// The key file uses the minimum KDF limits: the wipe never derives a key.
// Also: one Argon2id unlock per strength (interactive, moderate, sensitive).
// Prints panic_key_gone_ms=<1 GB median> (1 MB under --quick) last.
//
// Files are created under --dir (default $TMPDIR or /tmp): run it on the
// disk a real profile would live on. Setup files are fsync'd before each
// wipe so the wipe is not charged for their write-back.

#include <fcntl.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/crypto/sodium.hpp"
#include "core/profile/key_file.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/profile_paths.hpp"

namespace {

namespace fs = std::filesystem;
using namespace tumar;
using Clock = std::chrono::steady_clock;

double ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

crypto::SecretBuffer passphrase() {
  const char* p = "bench passphrase";
  return crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(p), std::strlen(p)));
}

bool write_random_file(const fs::path& path, std::uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::vector<std::uint8_t> buf(1 << 20);
  bool ok = true;
  for (std::uint64_t done = 0; ok && done < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - done));
    randombytes_buf(buf.data(), n);
    ok = ::write(fd, buf.data(), n) == static_cast<ssize_t>(n);
    done += n;
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

struct Run {
  double key_gone_ms;
  double total_ms;
};

bool one_wipe(const fs::path& base, std::uint64_t db_size, Run& out) {
  const fs::path home = base / "home";
  const profile::ProfilePaths paths = profile::ProfilePaths::in(home);
  fs::create_directories(home);
  const profile::DatabaseId id{};
  if (!profile::KeyFile::create(paths.key_file, passphrase(), profile::kdf_limits_minimum_for_tests(),
                                profile::MasterKey::random(), id) ||
      !write_random_file(paths.database, db_size) || !write_random_file(paths.wal, 64 * 1024)) {
    std::fprintf(stderr, "setup failed in %s\n", home.c_str());
    return false;
  }
  ::sync();
  auto report = profile::wipe_profile(home);
  if (!report || !report->key_file_destroyed || !report->home_removed) {
    std::fprintf(stderr, "wipe failed: %s\n", report ? "incomplete" : report.error().describe().c_str());
    return false;
  }
  out = {ms(report->key_gone_after), ms(report->total_duration)};
  return true;
}

double unlock_ms(const fs::path& base, profile::KdfStrength strength) {
  const fs::path key = base / (std::string("tumar.key.") + profile::kdf_strength_name(strength));
  const profile::DatabaseId id{};
  if (!profile::KeyFile::create(key, passphrase(), profile::kdf_limits(strength), profile::MasterKey::random(), id)) {
    return -1;
  }
  const auto t0 = Clock::now();
  auto u = profile::KeyFile::unlock(key, passphrase());
  const double t = ms(Clock::now() - t0);
  fs::remove(key);
  return u ? t : -1;
}

}  // namespace

int main(int argc, char** argv) {
  crypto::ensure_sodium();
  bool quick = false;
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--dir DIR]\n", argv[0]);
      return 2;
    }
  }
  const fs::path base = dir / ("tumar-panic-bench-" + std::to_string(::getpid()));
  fs::create_directories(base);

  struct Case {
    const char* label;
    std::uint64_t size;
    int runs;
  };
  std::vector<Case> cases = {{"1 MB", 1'000'000, 5}};
  if (!quick) cases.push_back({"1 GB", 1'000'000'000, 2});

  std::printf("## Panic wipe (%s)\n\n", base.c_str());
  std::printf("Database files are random bytes: the wipe never parses the database, so an encrypted one\n");
  std::printf("behaves the same. Goal: key file gone in < 50 ms whatever the database size.\n\n");
  std::printf("| database | runs | key file gone after (median) | total wipe (median) |\n");
  std::printf("|---|---|---|---|\n");
  double key_gone_headline = -1;
  int status = 0;
  for (const Case& c : cases) {
    std::vector<double> key_gone, total;
    for (int r = 0; r < c.runs; ++r) {
      Run run{};
      if (!one_wipe(base, c.size, run)) {
        status = 1;
        break;
      }
      key_gone.push_back(run.key_gone_ms);
      total.push_back(run.total_ms);
    }
    if (key_gone.empty()) continue;
    std::printf("| %s | %zu | %.2f ms | %.1f ms |\n", c.label, key_gone.size(), median(key_gone), median(total));
    std::fflush(stdout);
    key_gone_headline = median(key_gone);
  }

  std::printf("\n## Argon2id unlock (one run each)\n\n| strength | opslimit | memlimit | unlock |\n|---|---|---|---|\n");
  for (auto s : {profile::KdfStrength::kInteractive, profile::KdfStrength::kModerate, profile::KdfStrength::kSensitive}) {
    const auto l = profile::kdf_limits(s);
    const double t = unlock_ms(base, s);
    if (t < 0) status = 1;
    std::printf("| %s | %llu | %llu MiB | %.0f ms |\n", profile::kdf_strength_name(s),
                static_cast<unsigned long long>(l.opslimit), static_cast<unsigned long long>(l.memlimit >> 20), t);
    std::fflush(stdout);
  }
  std::error_code ec;
  fs::remove_all(base, ec);
  std::printf("\npanic_key_gone_ms=%.2f\n", key_gone_headline);
  return status;
}
