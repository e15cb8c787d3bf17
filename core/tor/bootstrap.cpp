#include "core/tor/bootstrap.hpp"

#include <string_view>
#include <vector>

#include "core/error_ids.hpp"
#include "core/tor/control_replies.hpp"
#include "core/tor/control_tokens.hpp"

namespace tumar::tor {
namespace {

constexpr std::size_t kMaxKeywordLen = 64;

std::optional<std::uint32_t> small_number(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

bool is_keyword(std::string_view text) {
  if (text.empty() || text.size() > kMaxKeywordLen) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// `text` from the severity on: "NOTICE BOOTSTRAP PROGRESS=... TAG=... SUMMARY=...".
std::optional<BootstrapStatus> read_status(std::string_view text) {
  auto tokens = split_control_tokens(text);
  if (!tokens || tokens->size() < 2 || (*tokens)[1].key != "BOOTSTRAP" || (*tokens)[1].has_value ||
      (*tokens)[0].has_value) {
    return std::nullopt;
  }
  BootstrapStatus s;
  const std::string& severity = (*tokens)[0].key;
  if (severity == "NOTICE") {
    s.severity = BootstrapSeverity::kNotice;
  } else if (severity == "WARN") {
    s.severity = BootstrapSeverity::kWarn;
  } else if (severity == "ERR") {
    s.severity = BootstrapSeverity::kErr;
  } else {
    return std::nullopt;
  }
  const ControlToken* progress = find_token(*tokens, "PROGRESS");
  const ControlToken* tag = find_token(*tokens, "TAG");
  const ControlToken* summary = find_token(*tokens, "SUMMARY");
  if (progress == nullptr || tag == nullptr || summary == nullptr) return std::nullopt;
  const auto p = small_number(progress->value, 100);
  if (!p || !is_keyword(tag->value)) return std::nullopt;
  s.progress = static_cast<int>(*p);
  s.tag = tag->value;
  s.summary = printable(summary->value);
  if (const ControlToken* w = find_token(*tokens, "WARNING")) s.warning = printable(w->value);
  if (const ControlToken* r = find_token(*tokens, "REASON")) {
    if (!is_keyword(r->value)) return std::nullopt;
    s.reason = r->value;
  }
  if (const ControlToken* c = find_token(*tokens, "COUNT")) {
    s.count = small_number(c->value, 999'999'999);
    if (!s.count) return std::nullopt;
  }
  if (const ControlToken* r = find_token(*tokens, "RECOMMENDATION")) {
    if (!is_keyword(r->value)) return std::nullopt;
    s.recommendation = r->value;
  }
  return s;
}

}  // namespace

core::Result<std::optional<BootstrapStatus>> parse_bootstrap_event(const ControlReply& reply) {
  if (!reply.is_event()) core::misuse("parse_bootstrap_event: not a 6yz event");
  // 4.1.10: "650" SP StatusType SP StatusSeverity SP StatusAction [SP StatusArguments]
  constexpr std::string_view kType = "STATUS_CLIENT ";
  if (reply.lines.size() != 1) return std::optional<BootstrapStatus>{};  // no status event has more
  const std::string_view text = reply.lines.front().text;
  if (!text.starts_with(kType)) return std::optional<BootstrapStatus>{};
  const std::string_view rest = text.substr(kType.size());
  const std::size_t sp = rest.find(' ');
  const std::string_view action = rest.substr(sp == std::string_view::npos ? rest.size() : sp + 1);
  if (action != "BOOTSTRAP" && !action.starts_with("BOOTSTRAP ")) {
    return std::optional<BootstrapStatus>{};  // another STATUS_CLIENT action
  }
  auto s = read_status(rest);
  if (!s) return core::fail<core::ErrorId::kTorControlMalformedReply>(core::Errc::kProtocol, "STATUS_CLIENT BOOTSTRAP");
  return std::optional<BootstrapStatus>{std::move(*s)};
}

core::Result<BootstrapStatus> parse_bootstrap_phase(const ControlReply& reply) {
  constexpr std::string_view kCommand = "GETINFO status/bootstrap-phase";
  TUMAR_TRY(expect_success(reply, kCommand));
  constexpr std::string_view kKey = "status/bootstrap-phase=";
  if (reply.lines.size() != 2 || reply.lines[0].separator != '-' || !reply.lines[0].text.starts_with(kKey) ||
      reply.end_text() != "OK") {
    return core::fail<core::ErrorId::kTorControlMalformedReply>(core::Errc::kProtocol, kCommand);
  }
  auto s = read_status(std::string_view(reply.lines[0].text).substr(kKey.size()));
  if (!s) return core::fail<core::ErrorId::kTorControlMalformedReply>(core::Errc::kProtocol, kCommand);
  return std::move(*s);
}

}  // namespace tumar::tor
