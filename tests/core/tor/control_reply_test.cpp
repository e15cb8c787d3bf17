// The control-protocol reply parser against control-spec.txt 2.3 and 2.4:
// its worked examples, events between replies, dot-unstuffing, the bounds,
// and every way a line can be malformed.

#include "core/tor/control_reply.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error_ids.hpp"
#include "tor_test_util.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;
using test::Bytes;
using test::bytes_of;
using test::reply_of;

// Every reply in `text`, fed in chunks of `chunk` bytes; the error, if any, last.
struct Parsed {
  std::vector<ControlReply> replies;
  std::optional<core::Error> error;
};
Parsed parse_all(std::string_view text, std::size_t chunk = 1 << 20, ControlLimits limits = {}) {
  ControlReplyParser parser(limits);
  Parsed out;
  const Bytes b = bytes_of(text);
  for (std::size_t at = 0; at < b.size() && !out.error; at += chunk) {
    std::span<const std::uint8_t> in(b.data() + at, std::min(chunk, b.size() - at));
    while (!in.empty()) {
      auto r = parser.next(in);
      if (!r) {
        out.error = r.error();
        break;
      }
      if (*r) out.replies.push_back(std::move(**r));
    }
  }
  return out;
}

ErrorId error_of(std::string_view text, ControlLimits limits = {}) {
  Parsed p = parse_all(text, 1 << 20, limits);
  EXPECT_TRUE(p.error) << text;
  return p.error ? p.error->id() : ErrorId::kCount;
}

TEST(ControlReply, ReadsTheGetinfoExampleOfTheSpec) {
  // control-spec 3.9, "Examples".
  const std::string text =
      "250+desc/name/moria=\r\n"
      "[Descriptor for moria]\r\n"
      ".\r\n"
      "250-version=Tor 0.1.1.0-alpha-cvs\r\n"
      "250 OK\r\n";
  for (std::size_t chunk : {1u, 2u, 7u, 1000u}) {
    Parsed p = parse_all(text, chunk);
    ASSERT_FALSE(p.error) << p.error->describe();
    ASSERT_EQ(p.replies.size(), 1u);
    const ControlReply& r = p.replies[0];
    EXPECT_EQ(r.status, 250);
    ASSERT_EQ(r.lines.size(), 3u);
    EXPECT_EQ(r.lines[0].separator, '+');
    EXPECT_EQ(r.lines[0].text, "desc/name/moria=");
    EXPECT_EQ(r.lines[0].data, "[Descriptor for moria]\n");
    EXPECT_EQ(r.lines[1].separator, '-');
    EXPECT_EQ(r.lines[1].text, "version=Tor 0.1.1.0-alpha-cvs");
    EXPECT_EQ(r.lines[2].separator, ' ');
    EXPECT_EQ(r.end_text(), "OK");
    EXPECT_TRUE(r.is_success());
  }
}

TEST(ControlReply, UnstuffsLeadingDotsInData) {
  ControlReply r = reply_of("250+k=\r\n..hidden\r\n\r\nplain\r\n.\r\n250 OK\r\n");
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].data, ".hidden\n\nplain\n");
}

TEST(ControlReply, AnEventBetweenACommandAndItsReplyComesOnItsOwn) {
  // control-spec 4.1: events "can appear between a command and its corresponding reply".
  Parsed p = parse_all(
      "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY=\"Connecting to a relay\"\r\n"
      "250-ServiceID=abc\r\n250 OK\r\n");
  ASSERT_FALSE(p.error);
  ASSERT_EQ(p.replies.size(), 2u);
  EXPECT_TRUE(p.replies[0].is_event());
  EXPECT_EQ(p.replies[0].status, 650);
  EXPECT_FALSE(p.replies[1].is_event());
  EXPECT_EQ(p.replies[1].lines.size(), 2u);
}

TEST(ControlReply, LeavesTheNextReplyInTheInput) {
  ControlReplyParser parser;
  const Bytes b = bytes_of("250 OK\r\n552 Unrecognized key\r\n");
  std::span<const std::uint8_t> in(b);
  auto first = parser.next(in);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(test::text_of(in), "552 Unrecognized key\r\n");
  auto second = parser.next(in);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->status, 552);
  EXPECT_FALSE((*second)->is_success());
  EXPECT_EQ((*second)->end_text(), "Unrecognized key");
}

TEST(ControlReply, AnEmptyEndLineIsAReply) {
  ControlReply r = reply_of("250 \r\n");
  EXPECT_EQ(r.end_text(), "");
}

TEST(ControlReply, RefusesMalformedLines) {
  EXPECT_EQ(error_of("250 OK\n"), ErrorId::kTorControlBareNewline);
  EXPECT_EQ(error_of("\n"), ErrorId::kTorControlBareNewline);
  EXPECT_EQ(error_of("250-a\rb\r\n250 OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("25a OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("250*OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("250\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("050 OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("750 OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("HTTP/1.0 200 OK\r\n"), ErrorId::kTorControlMalformedLine);
  EXPECT_EQ(error_of("250-a\r\n251 OK\r\n"), ErrorId::kTorControlMixedStatus);
}

TEST(ControlReply, LinesAndRepliesAreBounded) {
  ControlLimits limits;
  limits.max_line_len = 16;
  limits.max_reply_bytes = 40;
  limits.max_reply_lines = 4;
  // "250 " + 10 + CRLF = 16 bytes: exactly the limit.
  EXPECT_FALSE(parse_all("250 0123456789\r\n", 1, limits).error);
  EXPECT_EQ(error_of("250 0123456789A\r\n", limits), ErrorId::kTorControlLineTooLong);
  // A line that never ends is refused at the limit, not buffered on.
  ControlReplyParser parser(limits);
  const Bytes endless(1000, 'x');
  std::span<const std::uint8_t> in(endless);
  auto r = parser.next(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), ErrorId::kTorControlLineTooLong);
  EXPECT_EQ(in.size(), endless.size() - limits.max_line_len);
  EXPECT_EQ(parser.buffered(), 0u);

  EXPECT_EQ(error_of("250-aaaaaaaa\r\n250-aaaaaaaa\r\n250-aaaaaaaa\r\n250 OK\r\n", limits),
            ErrorId::kTorControlReplyTooLarge);  // 14 * 3 + 8 = 50 bytes
  EXPECT_EQ(error_of("250-a\r\n250-a\r\n250-a\r\n250-a\r\n250 OK\r\n", limits), ErrorId::kTorControlReplyTooLarge);
  EXPECT_EQ(error_of("250+a\r\nb\r\nc\r\nd\r\n.\r\n250 OK\r\n", limits), ErrorId::kTorControlReplyTooLarge);
  // The count starts again with each reply.
  EXPECT_FALSE(parse_all("250-a\r\n250-a\r\n250 OK\r\n250-a\r\n250-a\r\n250 OK\r\n", 3, limits).error);
}

TEST(ControlReply, AFailureStaysAndACloseIsOne) {
  ControlReplyParser parser;
  const Bytes bad = bytes_of("250 OK\n");
  std::span<const std::uint8_t> in(bad);
  ASSERT_FALSE(parser.next(in));
  const Bytes good = bytes_of("250 OK\r\n");
  std::span<const std::uint8_t> in2(good);
  auto again = parser.next(in2);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().id(), ErrorId::kTorControlBareNewline);
  EXPECT_EQ(parser.closed().id(), ErrorId::kTorControlBareNewline);

  ControlReplyParser other;
  EXPECT_EQ(other.closed().id(), ErrorId::kTorControlClosed);
  std::span<const std::uint8_t> in3(good);
  EXPECT_FALSE(other.next(in3));
}

}  // namespace
}  // namespace tumar::tor
