#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/app_context.hpp"
#include "cli/front_end_error.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {
namespace {

// The one confirmation, read from the terminal itself so a stray pipe on
// stdin cannot answer it.
bool confirmed_on_terminal(const std::string& home) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  std::string q = "Destroy the tumar profile at " + home + " now? It cannot be recovered. Type yes: ";
  (void)!::write(fd, q.data(), q.size());
  char buf[16] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return n >= 3 && std::strncmp(buf, "yes", 3) == 0 && (n == 3 || buf[3] == '\n' || buf[3] == '\r');
}

std::string human_bytes(std::uint64_t n) {
  char buf[32];
  if (n >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(n) / 1e9);
  else if (n >= 1'000'000) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(n) / 1e3);
  return buf;
}

double ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

void add_panic_command(CLI::App& app, AppContext& ctx) {
  auto yes = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "panic", "Destroy this profile at once: keys first, then every file (no passphrase needed)");
  cmd->add_flag("-y,--yes", *yes, "Do not ask for confirmation");
  cmd->footer(
      "The key file is destroyed first: from that instant the data is unreadable, even on\n"
      "flash storage. A running `tumar serve` on this profile notices and stops within a second.\n"
      "Example:\n  tumar panic --yes");
  cmd->callback([&ctx, yes] {
    ctx.action = [&ctx, yes]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(home, profile::resolve_home(ctx.home));
      if (!*yes && !confirmed_on_terminal(home.string())) {
        return cli::fail(core::Errc::kInvalidArgument,
                         "Not confirmed; nothing was wiped. Run `tumar panic --yes` to wipe without a question.");
      }
      TUMAR_TRY_ASSIGN(report, profile::wipe_profile(home));
      if (!report.key_file_destroyed && report.files_wiped == 0) {
        std::printf("There was no tumar profile at %s; nothing to wipe.\n", home.c_str());
        return {};
      }
      std::printf("Wiped %s: key file destroyed after %.1f ms, %zu files (%s) overwritten and removed in %.1f ms",
                  home.c_str(), ms(report.key_gone_after), report.files_wiped,
                  human_bytes(report.bytes_overwritten).c_str(), ms(report.total_duration));
      if (!report.left_alone.empty()) {
        std::printf("; left %zu files that are not tumar's", report.left_alone.size());
      }
      std::printf(".\n");
      return {};
    };
  });
}

}  // namespace tumar::cli
