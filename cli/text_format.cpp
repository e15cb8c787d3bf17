#include "cli/text_format.hpp"

#include <cstdint>
#include <cstdio>

namespace tumar::cli {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// One UTF-8 sequence at s[i]: its code point and length, or length 0 if the
// bytes there are not a valid, shortest-form sequence.
struct Decoded {
  std::uint32_t cp = 0;
  std::size_t len = 0;
};

Decoded decode(std::string_view s, std::size_t i) noexcept {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return {c, 1};
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return {};
  }
  if (i + n > s.size()) return {};
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {};
  }
  return {cp, n};
}

// Characters that can steer a terminal or reorder what is shown around them.
bool unsafe(std::uint32_t cp) noexcept {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::size_t columns(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Appends one safe line (no newlines in `line`) wrapped at `width`. Runs of
// spaces inside a line are kept (aligned columns, indented text); at a
// break they are dropped.
void wrap_line(std::string& out, std::string_view line, std::size_t indent, std::size_t width) {
  const std::size_t room = width > indent + 10 ? width - indent : 10;
  const std::string pad(indent, ' ');
  std::string current;
  std::size_t current_cols = 0;
  bool broke = false;  // the current line continues a longer one: no leading spaces
  auto flush = [&] {
    out.append(pad);
    out.append(current);
    out.push_back('\n');
    current.clear();
    current_cols = 0;
    broke = true;
  };
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t word_start = line.find_first_not_of(' ', i);
    if (word_start == std::string_view::npos) break;  // trailing spaces
    std::size_t gap = word_start - i;
    std::size_t word_end = line.find(' ', word_start);
    if (word_end == std::string_view::npos) word_end = line.size();
    std::string_view word = line.substr(word_start, word_end - word_start);
    i = word_end;
    std::size_t word_cols = columns(word);
    if (current_cols > 0 && current_cols + gap + word_cols > room) flush();
    if (current_cols == 0 && broke) gap = 0;
    // A word longer than a whole line is cut at character boundaries.
    while (current_cols + gap + word_cols > room) {
      current.append(gap, ' ');
      current_cols += gap;
      gap = 0;
      std::size_t take = 0, cols = 0;
      while (take < word.size() && current_cols + cols < room) {
        ++take;
        while (take < word.size() && (static_cast<unsigned char>(word[take]) & 0xC0) == 0x80) ++take;
        ++cols;
      }
      current.append(word.substr(0, take));
      current_cols += cols;
      flush();
      word = word.substr(take);
      word_cols = columns(word);
    }
    current.append(gap, ' ');
    current.append(word);
    current_cols += gap + word_cols;
  }
  if (current_cols > 0 || !broke) {
    out.append(current_cols > 0 ? pad : std::string());
    out.append(current);
    out.push_back('\n');
  }
}

}  // namespace

std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (auto p : parts) out.append(p);
  return out;
}

std::string one_line(std::string_view text, bool fold_lines) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const Decoded d = decode(text, i);
    if (d.len == 0) {
      out.append(kReplacement);
      ++i;
      continue;
    }
    if (fold_lines && (d.cp == '\n' || d.cp == '\t')) {
      out.push_back(' ');
    } else if (unsafe(d.cp)) {
      out.append(kReplacement);
    } else {
      out.append(text.substr(i, d.len));
    }
    i += d.len;
  }
  return out;
}

std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
  std::string out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    wrap_line(out, one_line(text.substr(start, nl - start)), indent, width);
    start = nl + 1;
  }
  return out;
}

std::string labelled(std::string_view label, std::string_view value, std::size_t indent, std::size_t width) {
  const std::size_t hang = indent + label.size();
  std::string out = wrap(value, hang, width);
  if (out.empty()) out.assign(hang, ' ').push_back('\n');
  // wrap() began the first line with `hang` spaces (pad) unless the line was
  // blank; put the label there.
  if (out.compare(0, hang, std::string(hang, ' ')) == 0) {
    out.replace(indent, label.size(), label);
  } else {
    out.insert(0, std::string(indent, ' ').append(label));
  }
  return out;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(", ");
    out.append(one_line(items[i]));
  }
  return out;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

std::string shell_word(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '/' || c == ':' || c == '@' || c == ',';
    if (!ok) plain = false;
  }
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : one_line(value)) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace tumar::cli
