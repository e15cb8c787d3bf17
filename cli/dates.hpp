#pragma once
// Dates and durations as people type them on the command line, and as tumar
// prints them. Notes store dates as days since 1970-01-01 (UTC); broadcasts
// store Unix milliseconds. Parsing is strict: "2024-2-30", " 2024-02-03" or
// "7 d" are refused rather than guessed at, because a wrong valid-until date
// would keep a closed shelter's number circulating as current.
//
// Pure functions with the clock passed in, so they are tested without one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tumar::cli {

inline constexpr std::uint64_t kMsPerMinute = 60'000;
inline constexpr std::uint64_t kMsPerDay = 86'400'000;
// The furthest a duration may reach: long enough for any notice, short
// enough that a typo ("7000d") is caught.
inline constexpr std::uint64_t kMaxDurationMs = 366 * kMsPerDay;
// Dates tumar accepts: from 1970-01-01 to the end of 9999.
inline constexpr int kMinYear = 1970;
inline constexpr int kMaxYear = 9999;

// Wall clock, Unix milliseconds. The one place the CLI reads the clock.
std::uint64_t wall_clock_ms();

// The local time zone's offset from UTC at now_ms (milliseconds east of
// Greenwich), from the system's time zone setting.
std::int64_t local_utc_offset_ms(std::uint64_t now_ms);

// Days since 1970-01-01 of the day that contains now_ms, where the day
// begins offset_ms after midnight UTC (0: the UTC day). "Today" for a
// person is their local day: a note verified at 02:00 in Almaty (UTC+5) is
// verified on that date, not on the UTC date before it.
std::uint32_t day_of(std::uint64_t now_ms, std::int64_t offset_ms = 0) noexcept;

// Today's local date, from the wall clock and the system's time zone.
std::uint32_t local_today();

// "YYYY-MM-DD", exactly 10 characters, a real calendar day; nullopt otherwise.
std::optional<std::uint32_t> parse_date(std::string_view text) noexcept;

// "YYYY-MM-DD" for a day count.
std::string format_date(std::uint32_t days);

// "YYYY-MM-DD HH:MM UTC" for Unix milliseconds.
std::string format_time(std::uint64_t unix_ms);

// "30m", "72h", "7d": digits then one unit (m, h, d), positive and at most
// kMaxDurationMs; nullopt otherwise.
std::optional<std::uint64_t> parse_duration_ms(std::string_view text) noexcept;

// A date option (`--valid-until`, `--verified-on`): the day, or a sentence
// naming the option and the format expected.
core::Result<std::uint32_t> parse_date_option(std::string_view option, std::string_view text);

// `--expires`: a duration from now, or a date (the broadcast expires at the
// end of that day, in the time zone offset_ms east of UTC). Must lie in the
// future. Returns Unix milliseconds.
core::Result<std::uint64_t> parse_expiry(std::string_view text, std::uint64_t now_ms, std::int64_t offset_ms = 0);

}  // namespace tumar::cli
