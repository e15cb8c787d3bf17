#include "core/tor/control_tokens.hpp"

namespace tumar::tor {
namespace {

bool is_octal(char c) noexcept { return c >= '0' && c <= '7'; }

// Reads a QuotedString starting at text[at] == '"'; `at` ends past the
// closing quote. 2.1.1: CString escapes, as tor writes them.
std::optional<std::string> read_quoted(std::string_view text, std::size_t& at) {
  std::string out;
  ++at;  // the opening quote
  while (at < text.size()) {
    const char c = text[at++];
    if (c == '"') return out;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (at == text.size()) return std::nullopt;
    const char e = text[at++];
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      default:
        if (is_octal(e)) {
          unsigned v = static_cast<unsigned>(e - '0');
          for (int i = 0; i < 2 && at < text.size() && is_octal(text[at]); ++i) {
            v = v * 8 + static_cast<unsigned>(text[at++] - '0');
          }
          if (v > 0xFF) return std::nullopt;  // \400 and above are no octet
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(e);
        }
    }
  }
  return std::nullopt;  // unterminated
}

}  // namespace

std::optional<std::vector<ControlToken>> split_control_tokens(std::string_view text) {
  std::vector<ControlToken> out;
  std::size_t at = 0;
  while (at < text.size()) {
    ControlToken token;
    if (text[at] == '"') {  // a bare quoted word
      auto q = read_quoted(text, at);
      if (!q) return std::nullopt;
      token.key = std::move(*q);
    } else {
      const std::size_t end = std::min(text.find_first_of(" =", at), text.size());
      token.key = std::string(text.substr(at, end - at));
      at = end;
      if (token.key.empty()) return std::nullopt;
      if (at < text.size() && text[at] == '=') {
        token.has_value = true;
        ++at;
        if (at < text.size() && text[at] == '"') {
          auto q = read_quoted(text, at);
          if (!q) return std::nullopt;
          token.value = std::move(*q);
        } else {
          const std::size_t vend = std::min(text.find(' ', at), text.size());
          token.value = std::string(text.substr(at, vend - at));
          at = vend;
        }
      }
    }
    if (at < text.size()) {
      if (text[at] != ' ' || at + 1 == text.size()) return std::nullopt;  // text after a quote, or a trailing space
      ++at;
    }
    out.push_back(std::move(token));
  }
  return out;
}

const ControlToken* find_token(const std::vector<ControlToken>& tokens, std::string_view key) noexcept {
  for (const ControlToken& t : tokens) {
    if (t.has_value && t.key == key) return &t;
  }
  return nullptr;
}

std::string printable(std::string_view text, std::size_t limit) {
  std::string out(text.substr(0, limit));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return out;
}

}  // namespace tumar::tor
