#include "core/peers/peer_address.hpp"

#include <algorithm>
#include <cctype>

#include "core/error_ids.hpp"

namespace tumar::peers {
namespace {

// The text is quoted back, cut to 80 bytes.
template <core::ErrorId Id>
core::Result<PeerAddress> invalid(std::string_view text) {
  return core::fail<Id>(core::Errc::kInvalidArgument, text.substr(0, 80));
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

bool v6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; }

}  // namespace

std::string PeerAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (v6) out.push_back('[');
  out.append(host);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

namespace {
core::Result<PeerAddress> parse(std::string_view text, bool allow_port_zero) {
  PeerAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid<core::ErrorId::kPeersAddressIpv6Brackets>(text);
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), v6_char)) {
      return invalid<core::ErrorId::kPeersAddressBadIpv6>(text);
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid<core::ErrorId::kPeersAddressNoPort>(text);
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (out.host.empty()) return invalid<core::ErrorId::kPeersAddressNoHost>(text);
    if (out.host.size() > kMaxHostLen) return invalid<core::ErrorId::kPeersAddressHostTooLong>(text);
    if (!std::all_of(out.host.begin(), out.host.end(), host_char)) {
      return invalid<core::ErrorId::kPeersAddressHostCharacters>(text);
    }
  }
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid<core::ErrorId::kPeersAddressPortNotNumber>(text);
  }
  unsigned long port = std::stoul(std::string(port_text));
  if ((port == 0 && !allow_port_zero) || port > 65535) return invalid<core::ErrorId::kPeersAddressPortRange>(text);
  out.port = static_cast<std::uint16_t>(port);
  return out;
}
}  // namespace

core::Result<PeerAddress> parse_peer_address(std::string_view text) { return parse(text, false); }
core::Result<PeerAddress> parse_listen_address(std::string_view text) { return parse(text, true); }

}  // namespace tumar::peers
