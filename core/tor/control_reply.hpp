#pragma once
// Replies on tor's control connection (control-spec.txt section 2.3,
// docs/PROTOCOL.md, "Tor: SOCKS5 and the control connection"):
//
//   Reply         = *(MidReplyLine / DataReplyLine) EndReplyLine
//   MidReplyLine  = StatusCode "-" ReplyLine        250-ServiceID=...
//   DataReplyLine = StatusCode "+" ReplyLine CmdData   250+key=  data  "."
//   EndReplyLine  = StatusCode SP ReplyLine         250 OK
//
// ControlReplyParser is sans-I/O: it takes byte chunks of any size and hands
// back whole replies, synchronous (2yz-5yz, answering the command in flight)
// and asynchronous (6yz events, which may arrive between a command and its
// reply) alike; the driver routes them by ControlReply::is_event(). Strict:
// every line ends in CRLF (tor never sends a bare LF), has a three-digit
// status code and a separator of '-', '+' or ' ', and shares its reply's
// status code. CmdData is dot-unstuffed (a leading ".." is "."). Bounded: a
// line over limits.max_line_len or a reply over limits.max_reply_bytes or
// limits.max_reply_lines is an error before it is buffered. Once failed,
// the parser returns that error forever.
//
// Secrets: ADD_ONION's reply carries the onion service's private key. The
// parser's line buffer is reserved once (never reallocated, so never copied
// to freed memory) and wiped after every line; a ControlReply wipes its text
// when it is destroyed. parse_add_onion() takes the reply by value, so the
// key's text dies with the parse.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tumar::tor {

struct ControlLimits {
  std::size_t max_line_len = 4096;       // bytes, CRLF included
  std::size_t max_reply_bytes = 65536;   // all lines and data of one reply
  std::size_t max_reply_lines = 256;     // reply lines plus data lines
};
inline constexpr std::size_t kMinControlLineLen = 6;  // "250 \r\n": status, separator, CRLF

struct ReplyLine {
  char separator = ' ';  // '-' mid, '+' data, ' ' end
  std::string text;      // after the separator, without CRLF
  std::string data;      // '+' lines only: the CmdData, unstuffed, each line ending "\n"
};

class ControlReply {
 public:
  ControlReply() = default;
  ~ControlReply();
  ControlReply(ControlReply&&) noexcept = default;
  ControlReply& operator=(ControlReply&&) noexcept;
  ControlReply(const ControlReply&) = delete;
  ControlReply& operator=(const ControlReply&) = delete;

  int status = 0;  // 100..699
  std::vector<ReplyLine> lines;  // at least one; the last is the end line

  bool is_event() const noexcept { return status / 100 == 6; }
  bool is_success() const noexcept { return status / 100 == 2; }
  // The end line's text ("OK", or tor's words for a failure).
  std::string_view end_text() const noexcept { return lines.empty() ? std::string_view{} : lines.back().text; }

 private:
  void wipe() noexcept;
};

class ControlReplyParser {
 public:
  explicit ControlReplyParser(ControlLimits limits = {});
  ~ControlReplyParser();
  ControlReplyParser(const ControlReplyParser&) = delete;
  ControlReplyParser& operator=(const ControlReplyParser&) = delete;

  // Consumes bytes from the front of `input` (advancing it) until a reply is
  // complete and returns it; nullopt once `input` is used up first. Call
  // again with the rest of `input` until it is empty. Errors: kLimit for an
  // oversized line or reply, kProtocol for anything malformed.
  [[nodiscard]] core::Result<std::optional<ControlReply>> next(std::span<const std::uint8_t>& input);

  // The connection closed: kTorControlClosed (or the error already held).
  [[nodiscard]] core::Error closed();

  // Bytes of an incomplete line held now.
  std::size_t buffered() const noexcept { return line_.size(); }

 private:
  core::Result<std::optional<ControlReply>> take_line();
  tl::unexpected<core::Error> fail(core::Error error);

  ControlLimits limits_;
  std::string line_;  // the line being read, CRLF included; capacity fixed at construction
  ControlReply reply_;
  std::size_t reply_bytes_ = 0;
  std::size_t reply_lines_ = 0;
  bool in_data_ = false;  // inside the CmdData of reply_.lines.back()
  std::optional<core::Error> error_;
};

}  // namespace tumar::tor
