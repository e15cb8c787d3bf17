#pragma once
// The words a person reads for each error core/ reports: one table of English
// templates keyed by core::ErrorId, with named fields in braces
// ("...format version {version}..."), ready for translation. Every place the
// CLI shows an error to a person goes through error_text().

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tumar::cli {

// The English for `error`, its fields filled in.
std::string error_text(const core::Error& error);

// The template for an id, if the table has one (for the test that checks the
// table against core/error_ids.hpp).
std::optional<std::string_view> english_template(core::ErrorId id);

// The field names a template uses, in order of appearance.
std::vector<std::string_view> template_fields(std::string_view text);

}  // namespace tumar::cli
