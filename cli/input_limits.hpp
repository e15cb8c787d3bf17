#pragma once
// The size limits of what a person types (docs/NETWORKS.md, "Kinds and who
// may write them"), checked by the command line before anything is opened,
// and stated in what a person can count: the limit is in bytes on the wire,
// so the sentence also says about how many characters of text like theirs
// fit (Cyrillic takes two bytes a letter, Latin one), and how long theirs is.
// A refusal is Errc::kLimit: exit code 4, input refused.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tumar::cli {

// 65536 → "65,536".
std::string with_thousands(std::size_t n);

// Code points in UTF-8 text (a stray continuation byte counts as part of the
// character before it).
std::size_t count_characters(std::string_view text);

// `what` starts the sentence: "A note's text", "A broadcast". Nothing when
// `text` fits in `max_bytes`.
core::Result<void> check_length(std::string_view what, std::string_view text, std::size_t max_bytes);

// A list given as "a,b,c" (tags, languages, services): at most `max_items`
// items of at most `max_item_bytes` each. `items` names them ("tags").
core::Result<void> check_list(std::string_view owner, std::string_view items_word,
                              const std::vector<std::string>& items, std::size_t max_items,
                              std::size_t max_item_bytes);

// A name people will see on one line (a network's, a person's): not blank,
// no control characters, within `max_bytes`. `what` as for check_length
// ("A network's name").
core::Result<void> check_name(std::string_view what, std::string_view name, std::size_t max_bytes);

// For text read from stdin and refused unread past `read` bytes: what fits,
// and that theirs is longer than what was read.
core::Error too_long_unread(std::string_view what, std::string_view read, std::size_t max_bytes);

}  // namespace tumar::cli
