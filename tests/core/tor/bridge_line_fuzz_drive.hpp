#pragma once
// What the bridge_line fuzz target (tests/fuzz/bridge_line_fuzz.cpp) does
// with an input, shared with the seed test (bridge_line_fuzz_seeds_test.cpp)
// that replays its corpus.
//
// The input is what a person pastes. If parse_bridge_line() accepts it, the
// canonical line is printable ASCII with single spaces and nothing tor's
// torrc parser reads specially, starts with the transport (one tumar runs a
// plugin for, or none), holds the address, an upper-case 40-digit
// fingerprint if one, and for obfs4 cert= and iat-mode=; parsing it again
// gives the same bridge; and "Bridge LINE" passes check_extra_torrc as one
// line, unchanged.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "core/tor/bridge_line.hpp"
#include "core/tor/torrc.hpp"

namespace tumar::tor::fuzz {

inline void require_bridge(bool ok) {
  if (!ok) std::abort();
}

inline void check_bridge_line(std::span<const std::uint8_t> data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto b = parse_bridge_line(text);
  if (!b) return;
  const std::string& line = b->line;
  require_bridge(!line.empty() && line.size() <= kMaxBridgeLineLen);
  require_bridge(line.front() != ' ' && line.back() != ' ' && line.find("  ") == std::string::npos);
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    require_bridge(u >= 0x20 && u < 0x7F && c != '#' && c != '"' && c != '\\');
  }
  require_bridge(b->transport.empty() || b->transport == "obfs4" || b->transport == "snowflake");
  const std::string head = b->transport.empty() ? b->address : b->transport + " " + b->address;
  require_bridge(line.starts_with(head));
  if (b->fingerprint) {
    require_bridge(b->fingerprint->size() == kBridgeFingerprintHexLen);
    require_bridge(std::all_of(b->fingerprint->begin(), b->fingerprint->end(),
                               [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }));
    require_bridge(line.find(" " + *b->fingerprint) != std::string::npos);
  }
  if (b->transport == "obfs4") {
    require_bridge(line.find(" cert=") != std::string::npos && line.find(" iat-mode=") != std::string::npos);
  }
  auto again = parse_bridge_line(line);
  require_bridge(again && *again == *b);
  auto torrc = check_extra_torrc("Bridge " + line + "\n");
  require_bridge(torrc && torrc->size() == 1 && (*torrc)[0] == "Bridge " + line);
}

}  // namespace tumar::tor::fuzz
