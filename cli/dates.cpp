#include "cli/dates.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/front_end_error.hpp"
#include "cli/text_format.hpp"

namespace tumar::cli {
namespace {

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Digits only (checked by the caller), at most 9 of them: cannot overflow.
std::uint64_t to_number(std::string_view s) noexcept {
  std::uint64_t n = 0;
  for (char c : s) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

}  // namespace

std::uint64_t wall_clock_ms() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

std::int64_t local_utc_offset_ms(std::uint64_t now_ms) {
  const auto t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(tm.tm_gmtoff) * 1000;
}

std::uint32_t day_of(std::uint64_t now_ms, std::int64_t offset_ms) noexcept {
  const std::int64_t local = static_cast<std::int64_t>(now_ms) + offset_ms;
  return local <= 0 ? 0 : static_cast<std::uint32_t>(static_cast<std::uint64_t>(local) / kMsPerDay);
}

std::uint32_t local_today() {
  const std::uint64_t now = wall_clock_ms();
  return day_of(now, local_utc_offset_ms(now));
}

std::optional<std::uint32_t> parse_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  const int year = static_cast<int>(to_number(y));
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(to_number(m))},
                                        std::chrono::day{static_cast<unsigned>(to_number(d))}};
  if (!ymd.ok()) return std::nullopt;  // month 13, 30 February, day 00
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return static_cast<std::uint32_t>(days);
}

std::string format_date(std::uint32_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_time(std::uint64_t unix_ms) {
  const std::uint64_t minutes_of_day = (unix_ms % kMsPerDay) / kMsPerMinute;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02u:%02u UTC", static_cast<unsigned>(minutes_of_day / 60),
                static_cast<unsigned>(minutes_of_day % 60));
  std::string out = format_date(day_of(unix_ms));
  out.append(buf);
  return out;
}

std::optional<std::uint64_t> parse_duration_ms(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 10) return std::nullopt;
  const auto digits = text.substr(0, text.size() - 1);
  if (!all_digits(digits)) return std::nullopt;
  std::uint64_t unit = 0;
  switch (text.back()) {
    case 'm': unit = kMsPerMinute; break;
    case 'h': unit = 60 * kMsPerMinute; break;
    case 'd': unit = kMsPerDay; break;
    default: return std::nullopt;
  }
  const std::uint64_t n = to_number(digits);  // at most 9 digits
  if (n == 0 || n > kMaxDurationMs / unit) return std::nullopt;
  return n * unit;
}

core::Result<std::uint32_t> parse_date_option(std::string_view option, std::string_view text) {
  if (auto day = parse_date(text)) return *day;
  std::string sentence(option);
  sentence.append(" takes a date written YYYY-MM-DD, for example 2025-03-31; \"");
  // Only printable ASCII of the user's input is echoed back.
  for (char c : text.substr(0, 40)) sentence.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  sentence.append("\" is not a valid date.");
  return cli::fail(core::Errc::kInvalidArgument, sentence);
}

core::Result<std::uint64_t> parse_expiry(std::string_view text, std::uint64_t now_ms, std::int64_t offset_ms) {
  if (auto d = parse_duration_ms(text)) return now_ms + *d;
  if (auto day = parse_date(text)) {
    const std::int64_t end_of_day =
        static_cast<std::int64_t>((static_cast<std::uint64_t>(*day) + 1) * kMsPerDay) - offset_ms;
    if (end_of_day <= static_cast<std::int64_t>(now_ms)) {
      return cli::fail(core::Errc::kInvalidArgument,
                       concat({"--expires ", format_date(*day), " is in the past; give a later date or a duration."}));
    }
    return static_cast<std::uint64_t>(end_of_day);
  }
  return cli::fail(core::Errc::kInvalidArgument,
                   "--expires takes a duration such as 30m, 72h or 7d (at most 366 days), or a date written "
                   "YYYY-MM-DD.");
}

}  // namespace tumar::cli
