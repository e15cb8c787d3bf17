#pragma once
// HOST:PORT as the user types it: `127.0.0.1:7000`, `node.example.org:7000`,
// `[::1]:7000`. Parsing is strict (no defaults, no whitespace, port 1..65535)
// so a typo is an error, not a connection to somewhere unexpected.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tumar::peers {

inline constexpr std::size_t kMaxHostLen = 253;  // a DNS name's limit

struct PeerAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;

  // The canonical spelling, brackets around an IPv6 literal: the allow-list key.
  std::string to_string() const;
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

// kInvalidArgument with a sentence that shows the expected form.
[[nodiscard]] core::Result<PeerAddress> parse_peer_address(std::string_view text);

// The same for where to listen: port 0 is allowed and means "any free port".
[[nodiscard]] core::Result<PeerAddress> parse_listen_address(std::string_view text);

}  // namespace tumar::peers
