#pragma once
// Building the --json output of listings: one object at a time, fields in
// the order written. Public values only (keys, ids, names, the network's
// own note and broadcast texts); nothing here ever sees a secret.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::cli {

class JsonObject {
 public:
  JsonObject& add(std::string_view name, std::string_view value);
  JsonObject& add(std::string_view name, const char* value) { return add(name, std::string_view(value)); }
  JsonObject& add(std::string_view name, const std::string& value) { return add(name, std::string_view(value)); }
  JsonObject& add(std::string_view name, const std::optional<std::string>& value);
  JsonObject& add(std::string_view name, std::uint64_t value);
  JsonObject& add(std::string_view name, bool value);
  JsonObject& add(std::string_view name, const std::vector<std::string>& values);
  // `json` must already be valid JSON (a nested object or array).
  JsonObject& add_raw(std::string_view name, std::string_view json);
  JsonObject& add_null(std::string_view name);
  std::string str() const { return body_ + "}"; }

 private:
  void key(std::string_view name);
  std::string body_ = "{";
};

// "[a,b,...]" from already-encoded JSON values.
std::string json_array(const std::vector<std::string>& encoded);

}  // namespace tumar::cli
