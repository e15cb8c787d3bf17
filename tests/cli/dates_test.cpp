// The CLI's pure helpers: strict dates and durations (cli/dates), and the
// formatter every peer-written text goes through (cli/text_format).

#include "cli/dates.hpp"

#include <gtest/gtest.h>

#include "cli/error_text.hpp"
#include "cli/text_format.hpp"

namespace tumar::cli {
namespace {

TEST(Dates, ParsesRealCalendarDaysOnly) {
  EXPECT_EQ(parse_date("1970-01-01"), 0u);
  EXPECT_EQ(parse_date("1970-01-02"), 1u);
  EXPECT_EQ(parse_date("2000-03-01"), 11017u);
  EXPECT_EQ(parse_date("2024-02-29"), 19782u);  // leap year
  EXPECT_EQ(parse_date("2000-02-29"), 11016u);  // divisible by 400: leap
  EXPECT_EQ(parse_date("9999-12-31"), 2932896u);
  for (const char* bad :
       {"2023-02-29",  "2100-02-29",  "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
        "1969-12-31",  "10000-01-01", "2024-1-01",  "2024-01-1",  "24-01-01",   "2024/01/01", " 2024-01-01",
        "2024-01-01 ", "2024-01-0a",  "+024-01-01", "2024-+1-01", "",           "today",      "2024-01-01T00:00"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(Dates, FormatsWhatItParses) {
  for (const char* d : {"1970-01-01", "1999-12-31", "2024-02-29", "2025-03-31", "9999-12-31"}) {
    auto day = parse_date(d);
    ASSERT_TRUE(day) << d;
    EXPECT_EQ(format_date(*day), d);
  }
  EXPECT_EQ(format_time(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(format_time(19782ull * kMsPerDay + 13 * 3'600'000 + 7 * 60'000 + 59'999), "2024-02-29 13:07 UTC");
}

TEST(Dates, TodayIsTheLocalDay) {
  const std::uint64_t day = 19782ull * kMsPerDay;  // 2024-02-29 00:00 UTC
  EXPECT_EQ(day_of(day), 19782u);
  EXPECT_EQ(day_of(day - 1), 19781u);
  // 23:30 UTC is already the next day at UTC+5 (Almaty), still the same day at UTC-1.
  const std::uint64_t late = day + 23 * 3'600'000 + 30 * 60'000;
  EXPECT_EQ(day_of(late, 5 * 3'600'000), 19783u);
  EXPECT_EQ(day_of(late, -3'600'000), 19782u);
  EXPECT_EQ(day_of(0, -3'600'000), 0u) << "never below the epoch";
}

TEST(Dates, DurationsAreDigitsAndOneUnit) {
  EXPECT_EQ(parse_duration_ms("30m"), 30 * kMsPerMinute);
  EXPECT_EQ(parse_duration_ms("72h"), 72 * 60 * kMsPerMinute);
  EXPECT_EQ(parse_duration_ms("7d"), 7 * kMsPerDay);
  EXPECT_EQ(parse_duration_ms("366d"), kMaxDurationMs);
  EXPECT_EQ(parse_duration_ms("8784h"), kMaxDurationMs);
  for (const char* bad : {"0m", "0d", "367d", "8785h", "7", "d", "7w", "7D", "-1d", "+1d", "7 d", " 7d", "1.5h", "7dd",
                          "", "99999999999d", "72h30m"}) {
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
  }
}

TEST(Dates, ExpiryIsADurationFromNowOrTheEndOfADay) {
  const std::uint64_t now = 19782ull * kMsPerDay + 10 * 3'600'000;  // 2024-02-29 10:00 UTC
  EXPECT_EQ(parse_expiry("72h", now).value(), now + 72 * 3'600'000);
  EXPECT_EQ(parse_expiry("2024-02-29", now).value(), 19783ull * kMsPerDay) << "today: until midnight";
  EXPECT_EQ(parse_expiry("2024-03-01", now, 5 * 3'600'000).value(), 19784ull * kMsPerDay - 5 * 3'600'000)
      << "midnight in the local zone";
  auto past = parse_expiry("2024-02-28", now);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code(), core::Errc::kInvalidArgument);
  EXPECT_NE(error_text(past.error()).find("in the past"), std::string::npos);
  EXPECT_FALSE(parse_expiry("soon", now));
  EXPECT_FALSE(parse_expiry("0h", now));
}

TEST(Dates, OptionErrorsNameTheOptionAndEchoOnlyPrintableInput) {
  auto r = parse_date_option("--valid-until", "2024-02-30");
  ASSERT_FALSE(r);
  EXPECT_EQ(error_text(r.error()),
            "--valid-until takes a date written YYYY-MM-DD, for example 2025-03-31; \"2024-02-30\" is not a valid "
            "date.");
  auto esc = parse_date_option("--verified-on", "\x1b[2J");
  ASSERT_FALSE(esc);
  EXPECT_EQ(error_text(esc.error()).find('\x1b'), std::string::npos);
}

TEST(TextFormat, OneLineReplacesEverythingThatCouldSteerATerminal) {
  EXPECT_EQ(one_line("plain text, кириллица, қазақша"), "plain text, кириллица, қазақша");
  EXPECT_EQ(one_line("a\x1b[31mb"), "a\xEF\xBF\xBD[31mb");
  EXPECT_EQ(one_line("a\xC2\x9B"
                     "31mb"),
            "a\xEF\xBF\xBD"
            "31mb")
      << "C1 CSI";
  EXPECT_EQ(one_line("a\xE2\x80\xAE"
                     "b"),
            "a\xEF\xBF\xBD"
            "b")
      << "right-to-left override";
  EXPECT_EQ(one_line("a\x7f"
                     "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(one_line("a\xFF"
                     "b"),
            "a\xEF\xBF\xBD"
            "b")
      << "invalid UTF-8";
  EXPECT_EQ(one_line("a\xC0\xAF"), "a\xEF\xBF\xBD\xEF\xBF\xBD") << "overlong";
  EXPECT_EQ(one_line("two\nlines\tand tab"), "two lines and tab");
  EXPECT_EQ(one_line("two\nlines", false), "two\xEF\xBF\xBDlines");
}

TEST(TextFormat, WrapKeepsLineBreaksAndCountsCharactersNotBytes) {
  EXPECT_EQ(wrap("", 2), "");
  EXPECT_EQ(wrap("one two three", 2, 12), "  one two\n  three\n");
  EXPECT_EQ(wrap("first\n\nthird", 0), "first\n\nthird\n");
  // 10 Cyrillic letters are 20 bytes but 10 columns: fits a width of 12.
  EXPECT_EQ(wrap("шшшшшшшшшш x", 0, 12), "шшшшшшшшшш x\n");
  // A word longer than the line is cut, never mid-character.
  EXPECT_EQ(wrap(std::string(25, 'a'), 0, 10), "aaaaaaaaaa\naaaaaaaaaa\naaaaa\n");
  EXPECT_EQ(wrap("жжжжжжжжжжжж", 0, 10), "жжжжжжжжжж\nжж\n");
  EXPECT_EQ(wrap("esc\x1b[2J", 0), "esc\xEF\xBF\xBD[2J\n");
}

TEST(TextFormat, LabelledValuesHangUnderTheirLabel) {
  EXPECT_EQ(labelled("region: ", "Almaty", 2), "  region: Almaty\n");
  EXPECT_EQ(labelled("tags: ", "aaa bbb ccc", 2, 16), "  tags: aaa bbb\n        ccc\n");
  EXPECT_EQ(labelled("x: ", "", 0), "x: \n");
}

TEST(TextFormat, CommaListsAndShellWords) {
  EXPECT_EQ(split_commas("Kazakh, Russian,,  English ,"), (std::vector<std::string>{"Kazakh", "Russian", "English"}));
  EXPECT_TRUE(split_commas("").empty());
  EXPECT_TRUE(split_commas(" , ").empty());
  EXPECT_EQ(list_text({"a", "b"}), "a, b");
  EXPECT_EQ(shell_word("Shelters"), "Shelters");
  EXPECT_EQ(shell_word("Shelters KZ"), "\"Shelters KZ\"");
  EXPECT_EQ(shell_word("a\"b$c`d\\e"), "\"a\\\"b\\$c\\`d\\\\e\"");
  EXPECT_EQ(shell_word(""), "\"\"");
  EXPECT_EQ(concat({"a", std::string("b"), "c"}), "abc");
}

}  // namespace
}  // namespace tumar::cli
