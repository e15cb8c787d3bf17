#include "cli/json_writer.hpp"

#include "cli/json.hpp"

namespace tumar::cli {

void JsonObject::key(std::string_view name) {
  if (body_.size() > 1) body_.push_back(',');
  body_.append(json_string(name));
  body_.push_back(':');
}

JsonObject& JsonObject::add(std::string_view name, std::string_view value) {
  key(name);
  body_.append(json_string(value));
  return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::optional<std::string>& value) {
  if (!value) return add_null(name);
  return add(name, std::string_view(*value));
}

JsonObject& JsonObject::add(std::string_view name, std::uint64_t value) {
  key(name);
  body_.append(std::to_string(value));
  return *this;
}

JsonObject& JsonObject::add(std::string_view name, bool value) {
  key(name);
  body_.append(value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::vector<std::string>& values) {
  std::vector<std::string> encoded;
  encoded.reserve(values.size());
  for (const auto& v : values) encoded.push_back(json_string(v));
  return add_raw(name, json_array(encoded));
}

JsonObject& JsonObject::add_raw(std::string_view name, std::string_view json) {
  key(name);
  body_.append(json);
  return *this;
}

JsonObject& JsonObject::add_null(std::string_view name) {
  key(name);
  body_.append("null");
  return *this;
}

std::string json_array(const std::vector<std::string>& encoded) {
  std::string out = "[";
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (i) out.push_back(',');
    out.append(encoded[i]);
  }
  out.push_back(']');
  return out;
}

}  // namespace tumar::cli
