#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "cli/app_context.hpp"
#include "cli/front_end_error.hpp"
#include "core/profile/panic_wipe.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {
namespace {

// The confirmation in English, Russian or Kazakh, in any case: "yes", "да",
// "иә". Case is folded by a fixed table (ASCII, and the Cyrillic capitals in
// these words: Д А И Ә), not by the locale, which may be "C" or missing on
// the machine of someone who has just pressed panic.
bool is_confirmation(std::string_view answer) {
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r' || answer.back() == ' ')) {
    answer.remove_suffix(1);
  }
  while (!answer.empty() && answer.front() == ' ') answer.remove_prefix(1);
  std::string folded;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    const auto c = static_cast<unsigned char>(answer[i]);
    if (c >= 'A' && c <= 'Z') {
      folded.push_back(static_cast<char>(c - 'A' + 'a'));
      continue;
    }
    if (i + 1 < answer.size()) {
      const auto d = static_cast<unsigned char>(answer[i + 1]);
      // U+0414 Д, U+0410 А, U+0418 И → U+0434 д, U+0430 а, U+0438 и; U+04D8 Ә → U+04D9 ә.
      if (c == 0xD0 && (d == 0x94 || d == 0x90 || d == 0x98)) {
        folded += "\xD0";
        folded.push_back(static_cast<char>(d + 0x20));
        ++i;
        continue;
      }
      if (c == 0xD3 && d == 0x98) {
        folded += "\xD3\x99";
        ++i;
        continue;
      }
    }
    folded.push_back(static_cast<char>(c));
  }
  return folded == "yes" || folded == "\xD0\xB4\xD0\xB0" /* да */ || folded == "\xD0\xB8\xD3\x99" /* иә */;
}

// The one confirmation, read from the terminal itself so a stray pipe on
// stdin cannot answer it.
bool confirmed_on_terminal(const std::string& home) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  std::string q = "Destroy the tumar profile at " + home + " now? It cannot be recovered. Type yes (да, иә): ";
  (void)!::write(fd, q.data(), q.size());
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return n > 0 && is_confirmation(std::string_view(buf, static_cast<std::size_t>(n)));
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
