#include "cli/input_limits.hpp"

#include <algorithm>

#include "cli/front_end_error.hpp"
#include "cli/text_format.hpp"

namespace tumar::cli {
namespace {

// About how many characters of text like `sample` fit in `max_bytes`: the
// sample's own bytes per character (one for Latin, two for Cyrillic).
std::size_t characters_that_fit(std::string_view sample, std::size_t max_bytes) {
  const std::size_t chars = std::max<std::size_t>(1, count_characters(sample));
  const std::size_t bytes = std::max<std::size_t>(1, sample.size());
  return static_cast<std::size_t>(static_cast<double>(max_bytes) * static_cast<double>(chars) /
                                  static_cast<double>(bytes));
}

std::string limit_words(std::string_view what, std::string_view sample, std::size_t max_bytes) {
  const std::size_t fit = characters_that_fit(sample, max_bytes);
  std::string s = concat({what, " can be at most ", with_thousands(max_bytes), " bytes"});
  if (fit != max_bytes) s += concat({" (about ", with_thousands(fit), " characters of text like this)"});
  else s += concat({" (", with_thousands(max_bytes), " Latin letters, or half as many Cyrillic)"});
  return s;
}

}  // namespace

std::string with_thousands(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::size_t count_characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

core::Result<void> check_length(std::string_view what, std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return {};
  return cli::fail(core::Errc::kLimit,
                   concat({limit_words(what, text, max_bytes), "; this one has ", with_thousands(count_characters(text)),
                           " characters (", with_thousands(text.size()), " bytes). Shorten it."}));
}

core::Result<void> check_list(std::string_view owner, std::string_view items_word,
                              const std::vector<std::string>& items, std::size_t max_items,
                              std::size_t max_item_bytes) {
  if (items.size() > max_items) {
    return cli::fail(core::Errc::kLimit, concat({owner, " can have at most ", std::to_string(max_items), " ",
                                                 items_word, "; this one has ", std::to_string(items.size()), "."}));
  }
  for (const auto& item : items) {
    TUMAR_TRY(check_length(concat({"Each of the ", items_word, " (\"", one_line(item), "\")"}), item,
                           max_item_bytes));
  }
  return {};
}

core::Result<void> check_name(std::string_view what, std::string_view name, std::size_t max_bytes) {
  if (name.find_first_not_of(" \t\n\r\v\f") == std::string_view::npos) {
    return cli::fail(core::Errc::kLimit,
                     concat({what, " cannot be empty or only spaces: give it at least one letter or digit."}));
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool c1 = c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) < 0xA0;
    if (c < 0x20 || c == 0x7F || c1) {
      return cli::fail(core::Errc::kLimit,
                       concat({what, " cannot contain line breaks, tabs or other control characters; "
                                     "write it on one line with letters, digits, spaces and punctuation."}));
    }
  }
  return check_length(what, name, max_bytes);
}

core::Error too_long_unread(std::string_view what, std::string_view read, std::size_t max_bytes) {
  return sentence_error(core::Errc::kLimit,
                        concat({limit_words(what, read, max_bytes), "; this one has more than ",
                                with_thousands(count_characters(read) - 1), " characters (",
                                with_thousands(read.size() - 1), " bytes). Shorten it."}));
}

}  // namespace tumar::cli
