#include "core/peers/peer_address.hpp"

#include <algorithm>
#include <cctype>

namespace tumar::peers {
namespace {

core::Result<PeerAddress> invalid(std::string_view text, const char* why) {
  std::string message = "\"";
  message.append(text.substr(0, 80));
  message.append("\" is not a peer address (");
  message.append(why);
  message.append("); write HOST:PORT, for example 127.0.0.1:7000.");
  return core::fail(core::Errc::kInvalidArgument, std::move(message));
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
      return invalid(text, "an IPv6 address needs [brackets] and a port");
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), v6_char)) {
      return invalid(text, "bad IPv6 address");
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid(text, "no port");
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (out.host.empty()) return invalid(text, "no host");
    if (out.host.size() > kMaxHostLen) return invalid(text, "host name too long");
    if (!std::all_of(out.host.begin(), out.host.end(), host_char)) {
      return invalid(text, "the host has characters a host name cannot have");
    }
  }
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid(text, "the port must be a number");
  }
  unsigned long port = std::stoul(std::string(port_text));
  if ((port == 0 && !allow_port_zero) || port > 65535) return invalid(text, "the port must be 1 to 65535");
  out.port = static_cast<std::uint16_t>(port);
  return out;
}
}  // namespace

core::Result<PeerAddress> parse_peer_address(std::string_view text) { return parse(text, false); }
core::Result<PeerAddress> parse_listen_address(std::string_view text) { return parse(text, true); }

}  // namespace tumar::peers
