#include "cli/commands/note_input.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/input_limits.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/network/object_limits.hpp"

namespace tumar::cli {
namespace {

// "\r\n" → "\n" (a body typed on Windows would otherwise be refused for its
// control characters), then trailing spaces and line breaks dropped.
std::string normalise_body(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

}  // namespace

void add_note_flags(CLI::App& cmd, NoteFlags& flags, bool editing) {
  add_optional_text(cmd, "--title", flags.title,
                    editing ? "A new title" : "What the note is about, in one line (required)")
      ->type_name("TEXT");
  add_optional_text(cmd, "--tags", flags.tags, "Keywords, separated by commas (at most 16)")->type_name("A,B");
  add_optional_text(cmd, "--region", flags.region, "Where the resource is, e.g. a city or region")->type_name("TEXT");
  add_optional_text(cmd, "--contact", flags.contact, "How to reach the resource: phone, address, hours")
      ->type_name("TEXT");
  add_optional_text(cmd, "--valid-until", flags.valid_until,
                    editing ? "Last day the information holds, or \"none\" for no end date"
                            : "Last day the information holds (after it the note is listed as stale)")
      ->type_name("DATE");
  add_optional_text(cmd, "--verified-on", flags.verified_on,
                    editing ? "Day someone last checked the information (or use `tumar note verify`)"
                            : "Day someone last checked the information (default: today)")
      ->type_name("DATE");
  add_optional_text(cmd, "--body", flags.body,
                    editing ? "New text of the note; \"-\" reads it from standard input"
                            : "Text of the note; without it (or with \"-\") it is read from standard input")
      ->type_name("TEXT");
}

core::Result<void> apply_note_flags(const NoteFlags& flags, network::NoteFields& fields, std::uint32_t today) {
  if (flags.title) {
    if (flags.title->find_first_not_of(' ') == std::string::npos) {
      return cli::fail(core::Errc::kInvalidArgument, "A note needs a title: give one with --title.");
    }
    TUMAR_TRY(check_length("A note's title", *flags.title, network::kMaxNoteTitleBytes));
    fields.title = *flags.title;
  }
  if (flags.tags) {
    auto tags = split_commas(*flags.tags);
    TUMAR_TRY(check_list("A note", "tags", tags, network::kMaxListItems, network::kMaxListItemBytes));
    fields.tags = std::move(tags);
  }
  if (flags.region) {
    TUMAR_TRY(check_length("A note's region", *flags.region, network::kMaxNameBytes));
    fields.region = *flags.region;
  }
  if (flags.contact) {
    TUMAR_TRY(check_length("A note's contact", *flags.contact, network::kMaxContactBytes));
    fields.contact = *flags.contact;
  }
  if (flags.valid_until) {
    if (*flags.valid_until == "none") {
      fields.valid_until = 0;
    } else {
      TUMAR_TRY_ASSIGN(day, parse_date_option("--valid-until", *flags.valid_until));
      fields.valid_until = day;
    }
  }
  if (flags.verified_on) {
    TUMAR_TRY_ASSIGN(day, parse_date_option("--verified-on", *flags.verified_on));
    if (day > today) {
      return cli::fail(core::Errc::kInvalidArgument,
                       concat({"--verified-on cannot be later than today (", format_date(today), ")."}));
    }
    fields.verified_on = day;
  }
  if (flags.body && *flags.body != "-") {
    std::string body = normalise_body(*flags.body);
    TUMAR_TRY(check_length("A note's text", body, network::kMaxNoteBodyBytes));
    fields.body = std::move(body);
  }
  return {};
}

bool body_from_stdin(const NoteFlags& flags, bool editing) {
  if (flags.body) return *flags.body == "-";
  return !editing;
}

core::Result<std::string> read_body_from_stdin() {
  if (isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Type the note's text; finish with Ctrl-D on a line of its own.\n");
  }
  // Line-end normalisation can at most halve the text, so reading twice the
  // limit (and one byte more, to see whether there is more) is enough to
  // judge it; anything longer is refused unread.
  constexpr std::size_t kMaxRead = 2 * network::kMaxNoteBodyBytes + 1;
  std::string text;
  char buf[4096];
  while (text.size() < kMaxRead) {
    const std::size_t want = std::min(sizeof buf, kMaxRead - text.size());
    const std::size_t n = std::fread(buf, 1, want, stdin);
    text.append(buf, n);
    if (n < want) break;
  }
  if (std::ferror(stdin)) {
    return cli::fail(core::Errc::kInvalidArgument, "Could not read the note's text from standard input.");
  }
  if (text.size() == kMaxRead) return tl::unexpected(too_long_unread("A note's text", text, network::kMaxNoteBodyBytes));
  std::string body = normalise_body(text);
  TUMAR_TRY(check_length("A note's text", body, network::kMaxNoteBodyBytes));
  return body;
}

}  // namespace tumar::cli
