#include "core/tor/control_reply.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/error_ids.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;
using core::make_error;

namespace {

void wipe_string(std::string& s) noexcept {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

ControlReply::~ControlReply() { wipe(); }

ControlReply& ControlReply::operator=(ControlReply&& other) noexcept {
  if (this != &other) {
    wipe();
    status = other.status;
    lines = std::move(other.lines);
  }
  return *this;
}

void ControlReply::wipe() noexcept {
  for (ReplyLine& line : lines) {
    wipe_string(line.text);
    wipe_string(line.data);
  }
  lines.clear();
}

ControlReplyParser::ControlReplyParser(ControlLimits limits) : limits_(limits) {
  if (limits_.max_line_len < kMinControlLineLen || limits_.max_reply_bytes < limits_.max_line_len ||
      limits_.max_reply_lines == 0) {
    core::misuse("ControlReplyParser: limits out of range");
  }
  line_.reserve(limits_.max_line_len);
}

ControlReplyParser::~ControlReplyParser() { wipe_string(line_); }

tl::unexpected<core::Error> ControlReplyParser::fail(core::Error error) {
  wipe_string(line_);
  reply_ = ControlReply{};
  error_ = error;
  return tl::unexpected<core::Error>(std::move(error));
}

core::Error ControlReplyParser::closed() {
  if (!error_) {
    wipe_string(line_);
    reply_ = ControlReply{};
    error_ = make_error<ErrorId::kTorControlClosed>(Errc::kProtocol);
  }
  return *error_;
}

core::Result<std::optional<ControlReply>> ControlReplyParser::next(std::span<const std::uint8_t>& input) {
  if (error_) return tl::unexpected<core::Error>(*error_);
  while (!input.empty()) {
    // Copy up to the next LF, never past the line limit: the capacity
    // reserved at construction is never exceeded, so line_ never moves.
    const std::size_t room = limits_.max_line_len - line_.size();
    const std::size_t scan = std::min(room, input.size());
    const void* lf = std::memchr(input.data(), '\n', scan);
    const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(lf) - input.data()) + 1 : scan;
    line_.append(reinterpret_cast<const char*>(input.data()), take);
    input = input.subspan(take);
    if (!lf) {
      if (line_.size() == limits_.max_line_len) {
        return fail(make_error<ErrorId::kTorControlLineTooLong>(Errc::kLimit, limits_.max_line_len));
      }
      continue;
    }
    auto done = take_line();
    wipe_string(line_);
    if (!done) return tl::unexpected<core::Error>(done.error());
    if (*done) return done;
  }
  return std::optional<ControlReply>{};
}

core::Result<std::optional<ControlReply>> ControlReplyParser::take_line() {
  // 2.4: CRLF = CR LF; tor MUST NOT send LF alone.
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    return fail(make_error<ErrorId::kTorControlBareNewline>(Errc::kProtocol));
  }
  reply_bytes_ += line_.size();
  ++reply_lines_;
  if (reply_bytes_ > limits_.max_reply_bytes) {
    return fail(make_error<ErrorId::kTorControlReplyTooLarge>(Errc::kLimit, limits_.max_reply_bytes));
  }
  if (reply_lines_ > limits_.max_reply_lines) {
    return fail(make_error<ErrorId::kTorControlReplyTooLarge>(Errc::kLimit, limits_.max_reply_bytes));
  }
  const std::string_view content(line_.data(), line_.size() - 2);

  if (in_data_) {
    // 2.4: CmdData = *DataLine "." CRLF; a leading period is doubled.
    if (content == ".") {
      in_data_ = false;
      return std::optional<ControlReply>{};
    }
    const std::string_view unstuffed = content.starts_with('.') ? content.substr(1) : content;
    std::string& data = reply_.lines.back().data;
    data.append(unstuffed);
    data.push_back('\n');
    return std::optional<ControlReply>{};
  }

  // 2.3: StatusCode = 3DIGIT, then '-', '+' or SP, then the text.
  if (content.size() < 4 || !is_digit(content[0]) || !is_digit(content[1]) || !is_digit(content[2]) ||
      content[0] < '1' || content[0] > '6' || content.find('\r') != std::string_view::npos) {
    return fail(make_error<ErrorId::kTorControlMalformedLine>(Errc::kProtocol));
  }
  const char separator = content[3];
  if (separator != '-' && separator != '+' && separator != ' ') {
    return fail(make_error<ErrorId::kTorControlMalformedLine>(Errc::kProtocol));
  }
  const int status = (content[0] - '0') * 100 + (content[1] - '0') * 10 + (content[2] - '0');
  if (reply_.lines.empty()) {
    reply_.status = status;
  } else if (status != reply_.status) {
    return fail(make_error<ErrorId::kTorControlMixedStatus>(Errc::kProtocol));
  }
  // One allocation of the exact size: the text is never regrown.
  reply_.lines.push_back(ReplyLine{separator, std::string(content.substr(4)), {}});
  if (separator == '+') in_data_ = true;
  if (separator != ' ') return std::optional<ControlReply>{};

  ControlReply done = std::move(reply_);
  reply_ = ControlReply{};
  reply_bytes_ = 0;
  reply_lines_ = 0;
  return std::optional<ControlReply>{std::move(done)};
}

}  // namespace tumar::tor
