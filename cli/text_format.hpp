#pragma once
// The one formatter for what other people wrote: notes, profiles,
// broadcasts. The core's check_text already refuses control characters in
// everything a peer sends (so a note cannot replay terminal escapes on a
// member's screen); this layer makes printing safe on its own all the same,
// replacing anything that could still steer a terminal (C0 and C1 controls,
// DEL, bidirectional overrides, invalid UTF-8) with U+FFFD.
//
// Also: building sentences without GCC 12's false -Wrestrict on
// `"lit" + std::string + ...` chains (concat), and quoting a value for a
// command the user is told to run next (shell_word).

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::cli {

inline constexpr std::size_t kTextWidth = 78;

// The pieces, one after another.
std::string concat(std::initializer_list<std::string_view> parts);

// `text` safe for a terminal on one line: every control character (newline
// and tab included) and every bidirectional override becomes U+FFFD, except
// that newlines and tabs become a space when `fold_lines` is set.
std::string one_line(std::string_view text, bool fold_lines = true);

// `text` wrapped at `width` columns (counted in code points), every line
// starting with `indent` spaces; the text's own line breaks are kept, tabs
// become spaces and unsafe characters are replaced as in one_line. Ends
// with a newline unless the text is empty.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width = kTextWidth);

// "  label: value" wrapped like `wrap`, continuation lines aligned under the
// value: `indent` spaces, then the label (plain ASCII, e.g. "region:      ").
std::string labelled(std::string_view label, std::string_view value, std::size_t indent,
                     std::size_t width = kTextWidth);

// "a, b, c" from a list (each item made one_line).
std::string list_text(const std::vector<std::string>& items);

// "a,b" → {"a", "b"}: items trimmed of spaces, empty items dropped.
std::vector<std::string> split_commas(std::string_view text);

// A value as one shell word, to show in a command the user may copy:
// bare if it is plain, else in double quotes with \ " $ ` escaped.
std::string shell_word(std::string_view value);

// `text` printed to stdout as it is (for text already built with the
// functions above).
void print(std::string_view text);

}  // namespace tumar::cli
