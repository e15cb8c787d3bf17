#pragma once
// Minimal JSON writing for --json output: public values only.

#include <string>
#include <string_view>

namespace tumar::cli {

std::string json_string(std::string_view s);  // quoted and escaped

}  // namespace tumar::cli
