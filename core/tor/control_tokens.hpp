#pragma once
// The words of a control-protocol reply line: space-separated tokens, each
// a bare word, KEY=VALUE, or KEY="QuotedString" (control-spec.txt 2.1 and
// 2.1.1). Quoted values are read as tor writes them, CString-compatible:
// \n \t \r and octal \0..\377 are C escapes, a backslash before anything
// else is that character. A value meant for a person's screen goes through
// printable() first, so tor's text cannot move a terminal's cursor.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::tor {

struct ControlToken {
  std::string key;    // the bare word, or the part before '='
  std::string value;  // after '=', unquoted
  bool has_value = false;
};

// nullopt for an unterminated quote, a bad escape, an empty key or empty
// token (two spaces), or text after a closing quote.
std::optional<std::vector<ControlToken>> split_control_tokens(std::string_view text);

// The value of the first token named `key` that has one.
const ControlToken* find_token(const std::vector<ControlToken>& tokens, std::string_view key) noexcept;

// `text` cut to `limit` bytes, with every control character (below 0x20,
// and 0x7F) replaced by '?': safe to print.
std::string printable(std::string_view text, std::size_t limit = 200);

}  // namespace tumar::tor
