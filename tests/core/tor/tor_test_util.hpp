#pragma once
// Helpers for the tor/ tests: bytes from text, and one reply parsed whole.

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/tor/control_reply.hpp"

namespace tumar::tor::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

inline std::string_view text_of(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The one reply `text` holds (and nothing after it).
inline ControlReply reply_of(std::string_view text) {
  ControlReplyParser parser;
  const Bytes b = bytes_of(text);
  std::span<const std::uint8_t> in(b);
  auto r = parser.next(in);
  EXPECT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r && r->has_value()) << "incomplete reply";
  EXPECT_TRUE(in.empty()) << "bytes after the reply";
  if (!r || !r->has_value()) return ControlReply{};
  return std::move(**r);
}

}  // namespace tumar::tor::test
