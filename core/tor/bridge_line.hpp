#pragma once
// A bridge line as people paste it (docs/PROTOCOL.md, "Bridges"): from
// bridges.torproject.org, the Tor Project's Telegram bot or a colleague's
// message, with or without the leading "Bridge", with tabs or runs of
// spaces. Sans-I/O: text in, the canonical line out, which is what tumar
// stores and writes after "Bridge " in the torrc.
//
// The shape is tor's (tor(1), "Bridge [transport] IP:ORPort [fingerprint]
// [key=value ...]"), checked more strictly than tor does: a line tor would
// refuse at start-up, or read differently, is refused here, when the person
// who pasted it can still see it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tumar::tor {

// Longer than any real line (a snowflake line with its fronts and STUN
// servers is about 600 characters).
inline constexpr std::size_t kMaxBridgeLineLen = 1000;
inline constexpr std::size_t kBridgeFingerprintHexLen = 40;
static_assert(kMaxBridgeLineLen > 600);

struct BridgeLine {
  std::string line;       // canonical: single spaces, no "Bridge", fingerprint in upper case
  std::string transport;  // "" for a plain bridge; "obfs4" or "snowflake"
  std::string address;    // IP:PORT as written, [IPv6]:PORT with brackets
  std::optional<std::string> fingerprint;  // 40 hex digits, upper case

  bool operator==(const BridgeLine&) const = default;
};

// The transports tumar can run a client plugin for (cli/tor_options.cpp
// names the programs).
inline constexpr std::string_view kBridgeTransports[] = {"obfs4", "snowflake"};

// Refusals, all Errc::kInvalidArgument, positions counted from 1 in `text`:
//   kTorBridgeEmpty                       nothing but blanks
//   kTorBridgeTooLong{length, limit}      over kMaxBridgeLineLen bytes
//   kTorBridgeNewline                     a line break inside (two lines pasted as one)
//   kTorBridgeCharacter{position}         a control character, or one tor's torrc
//                                         parser reads specially ('"', '\\', '#'),
//                                         or a byte outside ASCII
//   kTorBridgeTransport{transport}        a transport tumar has no plugin for, or
//                                         a first word that is neither a transport
//                                         nor an address
//   kTorBridgeAddress{address}            not IPv4:PORT or [IPv6]:PORT, port 1..65535
//   kTorBridgeFingerprint{fingerprint}    a word after the address that is not
//                                         key=value and not 40 hex digits
//   kTorBridgeArgument{argument}          a word after that which is not key=value
//   kTorBridgeMissingArgument{transport, argument}  obfs4 without cert= or iat-mode=
// Quoted values are cut to a printable 64 bytes.
[[nodiscard]] core::Result<BridgeLine> parse_bridge_line(std::string_view text);

}  // namespace tumar::tor
