#include "core/tor/bridge_line.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "core/error_ids.hpp"
#include "core/tor/control_tokens.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;

namespace {

constexpr std::size_t kMaxShown = 64;

bool is_transport_name(std::string_view word) noexcept {
  // pt-spec.txt 3.2.3: transport names are C identifiers.
  if (word.empty() || std::isdigit(static_cast<unsigned char>(word.front())) != 0) return false;
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A decimal port 1..65535, no sign, no leading zero.
bool is_port(std::string_view p) noexcept {
  if (p.empty() || p.size() > 5 || p.front() == '0') return false;
  if (!std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  unsigned value = 0;
  for (char c : p) value = value * 10 + static_cast<unsigned>(c - '0');
  return value <= 65535;
}

// Four decimal octets. No leading zeros: some parsers read "010" as octal,
// so the same text would be two addresses.
bool is_ipv4(std::string_view s) noexcept {
  int parts = 0;
  std::size_t at = 0;
  while (true) {
    const std::size_t dot = std::min(s.find('.', at), s.size());
    const std::string_view octet = s.substr(at, dot - at);
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet.front() == '0')) return false;
    unsigned value = 0;
    for (char c : octet) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == s.size()) break;
    at = dot + 1;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
      })) {
    return false;
  }
  std::array<unsigned char, 16> out{};
  const std::string z(s);  // inet_pton wants a terminated string
  return inet_pton(AF_INET6, z.c_str(), out.data()) == 1;
}

bool is_address(std::string_view a) {
  if (a.starts_with('[')) {
    const std::size_t close = a.find(']');
    if (close == std::string_view::npos || close + 1 >= a.size() || a[close + 1] != ':') return false;
    return is_ipv6(a.substr(1, close - 1)) && is_port(a.substr(close + 2));
  }
  const std::size_t colon = a.rfind(':');
  if (colon == std::string_view::npos) return false;
  return is_ipv4(a.substr(0, colon)) && is_port(a.substr(colon + 1));
}

bool is_fingerprint(std::string_view f) noexcept {
  return f.size() == kBridgeFingerprintHexLen &&
         std::all_of(f.begin(), f.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// key=value, the key non-empty and free of '=' (pt-spec.txt 3.5: SOCKS
// arguments are "k=v" with the key before the first '=').
bool is_key_value(std::string_view word) noexcept {
  const std::size_t eq = word.find('=');
  return eq != std::string_view::npos && eq > 0;
}

bool has_argument(const std::vector<std::string_view>& words, std::size_t from, std::string_view key) {
  for (std::size_t i = from; i < words.size(); ++i) {
    if (words[i].starts_with(key) && words[i].size() > key.size() && words[i][key.size()] == '=') return true;
  }
  return false;
}

// A non-breaking space (U+00A0, UTF-8 C2 A0) is what some chat apps put
// between words when a line is copied; it counts as a space.
bool is_nbsp(std::string_view text, std::size_t i) noexcept {
  return i + 1 < text.size() && static_cast<unsigned char>(text[i]) == 0xC2 &&
         static_cast<unsigned char>(text[i + 1]) == 0xA0;
}

}  // namespace

core::Result<BridgeLine> parse_bridge_line(std::string_view text) {
  if (text.size() > kMaxBridgeLineLen) {
    return core::fail<ErrorId::kTorBridgeTooLong>(Errc::kInvalidArgument, text.size(), kMaxBridgeLineLen);
  }
  // Surrounding blanks and line breaks go (a pasted line often ends in one);
  // a line break with words on both sides is two lines in one.
  std::size_t first = 0;
  std::size_t last = text.size();
  auto surrounding = [](char c) { return is_blank(c) || c == '\r' || c == '\n'; };
  while (first < last && surrounding(text[first])) ++first;
  while (last > first && surrounding(text[last - 1])) --last;

  // Words split at blanks; every other character checked where it stands.
  std::string cleaned;
  cleaned.reserve(last - first);
  for (std::size_t i = first; i < last; ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') return core::fail<ErrorId::kTorBridgeNewline>(Errc::kInvalidArgument);
    if (is_nbsp(text, i)) {
      cleaned.push_back(' ');
      ++i;
      continue;
    }
    if (is_blank(c)) {
      cleaned.push_back(' ');
      continue;
    }
    // '#' starts a comment and '"' and '\\' begin quoting and escapes in a
    // torrc: the line tor reads would not be the line stored.
    if (u < 0x20 || u >= 0x7F || c == '#' || c == '"' || c == '\\') {
      return core::fail<ErrorId::kTorBridgeCharacter>(Errc::kInvalidArgument, i + 1);
    }
    cleaned.push_back(c);
  }
  std::vector<std::string_view> words;
  {
    const std::string_view all(cleaned);
    std::size_t at = 0;
    while (at < all.size()) {
      const std::size_t end = std::min(all.find(' ', at), all.size());
      if (end > at) words.push_back(all.substr(at, end - at));
      at = end + 1;
    }
  }
  if (!words.empty() && lower(words.front()) == "bridge") words.erase(words.begin());
  if (words.empty()) return core::fail<ErrorId::kTorBridgeEmpty>(Errc::kInvalidArgument);

  BridgeLine out;
  std::size_t i = 0;
  // A first word without ':' names a transport; an address always has one.
  if (words[0].find(':') == std::string_view::npos) {
    const std::string name = lower(words[0]);
    const bool supported = std::find(std::begin(kBridgeTransports), std::end(kBridgeTransports), name) !=
                           std::end(kBridgeTransports);
    if (!supported || !is_transport_name(words[0])) {
      return core::fail<ErrorId::kTorBridgeTransport>(Errc::kInvalidArgument, printable(words[0], kMaxShown));
    }
    out.transport = name;
    ++i;
  }
  if (i >= words.size() || !is_address(words[i])) {
    const std::string_view shown = i < words.size() ? words[i] : std::string_view();
    return core::fail<ErrorId::kTorBridgeAddress>(Errc::kInvalidArgument, printable(shown, kMaxShown));
  }
  out.address = std::string(words[i++]);
  if (i < words.size() && !is_key_value(words[i])) {
    if (!is_fingerprint(words[i])) {
      return core::fail<ErrorId::kTorBridgeFingerprint>(Errc::kInvalidArgument, printable(words[i], kMaxShown));
    }
    out.fingerprint = upper(words[i++]);
  }
  const std::size_t arguments = i;
  for (; i < words.size(); ++i) {
    if (!is_key_value(words[i])) {
      return core::fail<ErrorId::kTorBridgeArgument>(Errc::kInvalidArgument, printable(words[i], kMaxShown));
    }
  }
  // obfs4proxy cannot reach a bridge without its certificate and the
  // inter-arrival-time mode both ends use: tor would start and never connect.
  if (out.transport == "obfs4") {
    for (std::string_view key : {"cert", "iat-mode"}) {
      if (!has_argument(words, arguments, key)) {
        return core::fail<ErrorId::kTorBridgeMissingArgument>(Errc::kInvalidArgument, out.transport, key);
      }
    }
  }

  if (!out.transport.empty()) out.line = out.transport + " ";
  out.line += out.address;
  if (out.fingerprint) out.line += " " + *out.fingerprint;
  for (std::size_t k = arguments; k < words.size(); ++k) {
    out.line += " ";
    out.line += words[k];
  }
  return out;
}

}  // namespace tumar::tor
