#pragma once
// A small strict JSON reader for the cacophony test-vector format, test-only
// and header-only (the vector-check executable is one source file). It takes
// exactly the subset that format uses: objects, arrays and strings. It refuses
// numbers, true/false/null, duplicate keys, control characters in strings,
// non-ASCII \u escapes, trailing garbage, nesting deeper than kMaxDepth, and
// anything else RFC 8259 forbids. Lenient parsing of test input would let a
// malformed vector file pass silently.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::test::json {

struct Value {
  enum class Kind { kString, kArray, kObject };
  Kind kind = Kind::kString;
  std::string string;               // kString
  std::vector<Value> items;         // kArray; kObject: the values
  std::vector<std::string> keys;    // kObject: keys[i] names items[i]

  const Value* find(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }
};

class Reader {
 public:
  static constexpr int kMaxDepth = 16;

  // The parsed document, or nullopt with a sentence in *error.
  static std::optional<Value> parse(std::string_view text, std::string* error) {
    Reader r(text);
    Value v;
    if (!r.value(v, 0)) {
      *error = r.error_ + " at byte " + std::to_string(r.at_);
      return std::nullopt;
    }
    r.skip_space();
    if (r.at_ != r.text_.size()) {
      *error = "trailing data at byte " + std::to_string(r.at_);
      return std::nullopt;
    }
    return v;
  }

 private:
  explicit Reader(std::string_view text) : text_(text) {}

  bool fail(const char* why) {
    error_ = why;
    return false;
  }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  bool value(Value& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skip_space();
    if (at_ >= text_.size()) return fail("unexpected end of input");
    switch (text_[at_]) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': out.kind = Value::Kind::kString; return string(out.string);
      default: return fail("expected an object, an array or a string");
    }
  }

  bool object(Value& out, int depth) {
    out.kind = Value::Kind::kObject;
    ++at_;  // {
    skip_space();
    if (at_ < text_.size() && text_[at_] == '}') {
      ++at_;
      return true;
    }
    for (;;) {
      skip_space();
      if (at_ >= text_.size() || text_[at_] != '"') return fail("expected a key");
      std::string key;
      if (!string(key)) return false;
      if (out.find(key) != nullptr) return fail("duplicate key");
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ':') return fail("expected ':'");
      ++at_;
      Value v;
      if (!value(v, depth + 1)) return false;
      out.keys.push_back(std::move(key));
      out.items.push_back(std::move(v));
      skip_space();
      if (at_ >= text_.size()) return fail("unexpected end of input in an object");
      if (text_[at_] == ',') { ++at_; continue; }
      if (text_[at_] == '}') { ++at_; return true; }
      return fail("expected ',' or '}'");
    }
  }

  bool array(Value& out, int depth) {
    out.kind = Value::Kind::kArray;
    ++at_;  // [
    skip_space();
    if (at_ < text_.size() && text_[at_] == ']') {
      ++at_;
      return true;
    }
    for (;;) {
      Value v;
      if (!value(v, depth + 1)) return false;
      out.items.push_back(std::move(v));
      skip_space();
      if (at_ >= text_.size()) return fail("unexpected end of input in an array");
      if (text_[at_] == ',') { ++at_; continue; }
      if (text_[at_] == ']') { ++at_; return true; }
      return fail("expected ',' or ']'");
    }
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool string(std::string& out) {
    ++at_;  // opening quote
    for (;;) {
      if (at_ >= text_.size()) return fail("unterminated string");
      const char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return fail("unterminated escape");
      const char esc = text_[at_++];
      switch (esc) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (text_.size() - at_ < 4) return fail("short \\u escape");
          int code = 0;
          for (int i = 0; i < 4; ++i) {
            const int d = hex_digit(text_[at_++]);
            if (d < 0) return fail("bad \\u escape");
            code = code * 16 + d;
          }
          if (code >= 0x80) return fail("non-ASCII \\u escape (not used by this format)");
          out.push_back(static_cast<char>(code));
          break;
        }
        default: return fail("unknown escape");
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::string error_;
};

}  // namespace tumar::test::json
