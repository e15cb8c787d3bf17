// The test-only JSON reader used by the Noise vector check must be strict:
// a malformed vector file has to fail loudly, not pass with missing vectors.

#include "strict_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tumar::test::json {
namespace {

bool parses(const std::string& text) {
  std::string error;
  return Reader::parse(text, &error).has_value();
}

TEST(StrictJson, ReadsTheVectorShape) {
  std::string error;
  auto v = Reader::parse(R"( {"vectors": [ {"protocol_name": "Noise_NN", "messages": [{"payload": "00"}]} ],
                              "source": "x\"\\\/\u0041"} )",
                         &error);
  ASSERT_TRUE(v) << error;
  ASSERT_EQ(v->kind, Value::Kind::kObject);
  const Value* vectors = v->find("vectors");
  ASSERT_NE(vectors, nullptr);
  ASSERT_EQ(vectors->items.size(), 1u);
  EXPECT_EQ(vectors->items[0].find("protocol_name")->string, "Noise_NN");
  EXPECT_EQ(v->find("source")->string, "x\"\\/A");
  EXPECT_TRUE(parses("[]"));
  EXPECT_TRUE(parses("{}"));
}

TEST(StrictJson, RefusesWhatTheFormatDoesNotUse) {
  for (const char* bad : {
           "",                              // empty
           "{\"a\": \"b\"} x",              // trailing data
           "{\"a\": \"b\", \"a\": \"c\"}",  // duplicate key
           "{\"a\": 1}",                    // numbers
           "{\"a\": true}", "{\"a\": null}",
           "{\"a\": \"b\",}",               // trailing comma
           "[\"a\",]",
           "{\"a\" \"b\"}",                 // missing colon
           "{'a': 'b'}",                    // single quotes
           "{\"a\": \"b",                   // unterminated
           "{\"a\": \"b\nc\"}",             // raw control character
           "{\"a\": \"\\x\"}",              // unknown escape
           "{\"a\": \"\\u00e9\"}",          // non-ASCII escape
           "{\"a\": \"\\u12\"}",            // short escape
           "\xEF\xBB\xBF{}",                // byte-order mark
           "{a: \"b\"}",                    // bare key
       }) {
    EXPECT_FALSE(parses(bad)) << bad;
  }
  EXPECT_FALSE(parses(std::string(Reader::kMaxDepth + 2, '[') + std::string(Reader::kMaxDepth + 2, ']')));
  EXPECT_TRUE(parses(std::string(Reader::kMaxDepth, '[') + std::string(Reader::kMaxDepth, ']')));
}

}  // namespace
}  // namespace tumar::test::json
