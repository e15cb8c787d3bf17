#pragma once
// What the tor fuzz targets do with an input, shared with the seed test
// (tor_fuzz_seeds_test.cpp) that replays their corpora.
//
// socks5_client (tests/fuzz/socks5_client_fuzz.cpp): byte 0 picks the dial
// (bit 0: with an isolation name; bit 1: an IPv4 target), byte 1 the chunk
// size (1..256); the rest is what the SOCKS server sends, fed in chunks.
// The client must agree with reference_socks(), a naive reading of the
// whole stream written from RFC 1928/1929 apart from the client's code.
//
// tor_control (tests/fuzz/tor_control_fuzz.cpp): byte 0 picks the chunk
// size, byte 1 the limits (small or default); the rest is what tor's
// control port sends. Chunked and whole, the parser must produce the same
// replies and the same error; every reply is well formed and goes through
// every reply parser; and the stream, used as a Unix path, a service id
// and a SOCKS target, never makes a command with a line break inside it
// and is only accepted as a target in the onion shape.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error_ids.hpp"
#include "core/tor/bootstrap.hpp"
#include "core/tor/control_commands.hpp"
#include "core/tor/control_replies.hpp"
#include "core/tor/control_reply.hpp"
#include "core/tor/control_tokens.hpp"
#include "core/tor/onion_address.hpp"
#include "core/tor/socks5.hpp"

namespace tumar::tor::fuzz {

using Bytes = std::vector<std::uint8_t>;

inline void require(bool ok) {
  if (!ok) std::abort();
}

enum class SocksKind { kMore, kConnected, kFailed };
struct SocksOutcome {
  SocksKind kind = SocksKind::kMore;
  core::ErrorId error{};
  std::size_t consumed = 0;  // bytes of the stream the client took
  Bytes sent;                // everything after the greeting
  bool operator==(const SocksOutcome&) const = default;
};

inline const std::string& fuzz_onion() {
  static const std::string host = std::string(55, 'f') + "d.onion";
  return host;
}

inline Socks5Client socks_client(std::uint8_t flags) {
  auto target = (flags & 2) ? SocksTarget::ipv4({10, 0, 0, 1}, 443) : SocksTarget::onion(fuzz_onion(), 7000);
  std::optional<SocksIsolation> iso;
  if (flags & 1) iso = *SocksIsolation::make("peer", "0");
  return Socks5Client(*target, std::move(iso));
}

inline SocksOutcome run_socks(std::span<const std::uint8_t> data) {
  SocksOutcome out;
  if (data.size() < 2) return out;
  Socks5Client client = socks_client(data[0]);
  const std::size_t chunk = std::size_t{data[1]} + 1;
  const std::span<const std::uint8_t> stream = data.subspan(2);
  client.start();
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    std::span<const std::uint8_t> in = stream.subspan(at, std::min(chunk, stream.size() - at));
    const std::size_t before = in.size();
    auto r = client.receive(in);
    require(in.size() <= before);
    out.consumed += before - in.size();
    if (!r) {
      out.kind = SocksKind::kFailed;
      out.error = r.error().id();
      // Failed stays failed, with the same error.
      std::span<const std::uint8_t> again = stream;
      auto second = client.receive(again);
      require(!second && second.error().id() == out.error);
      require(client.closed().id() == out.error);
      return out;
    }
    out.sent.insert(out.sent.end(), r->send.begin(), r->send.end());
    if (r->connected) {
      out.kind = SocksKind::kConnected;
      return out;
    }
    // Not connected and no error: the whole chunk was taken.
    require(in.empty());
  }
  return out;
}

// RFC 1928/1929 read naively from the whole stream; `chunk` only says where
// bytes beyond a message arrived together with it (out of turn).
inline SocksOutcome reference_socks(std::span<const std::uint8_t> data) {
  SocksOutcome out;
  if (data.size() < 2) return out;
  const bool iso = data[0] & 1;
  const std::size_t c = std::size_t{data[1]} + 1;
  const std::span<const std::uint8_t> s = data.subspan(2);
  const std::size_t n = s.size();
  auto failed = [&](core::ErrorId id, std::size_t consumed) {
    out.kind = SocksKind::kFailed;
    out.error = id;
    out.consumed = consumed;
    return out;
  };
  auto chunk_end = [&](std::size_t last) { return std::min((last / c + 1) * c, n); };
  const Bytes connect = [&] {
    auto t = (data[0] & 2) ? SocksTarget::ipv4({10, 0, 0, 1}, 443) : SocksTarget::onion(fuzz_onion(), 7000);
    return t->connect_request();
  }();
  using core::ErrorId;
  if (n < 2) {
    out.consumed = n;
    return out;
  }
  if (s[0] != 5) return failed(ErrorId::kTorSocksVersion, 2);
  if (s[1] == 0xFF) return failed(ErrorId::kTorSocksNoAcceptableMethod, 2);
  if (s[1] != (iso ? 2 : 0)) return failed(ErrorId::kTorSocksUnofferedMethod, 2);
  if (chunk_end(1) > 2) return failed(ErrorId::kTorSocksSpokeOutOfTurn, 2);
  std::size_t p = 2;
  if (iso) {
    out.sent = {1, 4, 'p', 'e', 'e', 'r', 1, '0'};
    out.consumed = p;
    if (n < p + 2) {
      out.consumed = n;
      return out;
    }
    if (s[p] != 1) return failed(ErrorId::kTorSocksAuthVersion, p + 2);
    if (s[p + 1] != 0) return failed(ErrorId::kTorSocksAuthRefused, p + 2);
    if (chunk_end(p + 1) > p + 2) return failed(ErrorId::kTorSocksSpokeOutOfTurn, p + 2);
    p += 2;
  }
  out.sent.insert(out.sent.end(), connect.begin(), connect.end());
  if (n < p + 4) {
    out.consumed = n;
    return out;
  }
  if (s[p] != 5) return failed(ErrorId::kTorSocksVersion, p + 4);
  if (s[p + 2] != 0) return failed(ErrorId::kTorSocksReservedByte, p + 4);
  std::size_t addr = 0;
  if (s[p + 3] == 1) {
    addr = 4;
  } else if (s[p + 3] == 4) {
    addr = 16;
  } else if (s[p + 3] == 3) {
    if (n < p + 5) {
      out.consumed = n;
      return out;
    }
    if (s[p + 4] == 0) return failed(ErrorId::kTorSocksEmptyBoundName, p + 5);
    addr = 1 + std::size_t{s[p + 4]};
  } else {
    return failed(ErrorId::kTorSocksAddressType, p + 4);
  }
  const std::size_t end = p + 4 + addr + 2;
  if (n < end) {
    out.consumed = n;
    return out;
  }
  if (s[p + 1] != 0) return failed(socks_reply_error(s[p + 1]).id(), end);
  out.kind = SocksKind::kConnected;
  out.consumed = end;
  return out;
}

// The consumed count of a failure is where the client stopped reading,
// which for a failure inside a chunk is that chunk's end or the message's:
// compared by kind, error and what was sent; consumed only when connected
// or waiting.
// As net/tor/tor_transport.cpp reads: exactly bytes_wanted() at a time.
// Every byte handed in is taken, and nothing is ever wanted past a reply.
inline SocksOutcome run_socks_exact(std::span<const std::uint8_t> data) {
  SocksOutcome out;
  if (data.size() < 2) return out;
  Socks5Client client = socks_client(data[0]);
  const std::span<const std::uint8_t> stream = data.subspan(2);
  client.start();
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t want = client.bytes_wanted();
    require(want > 0 && want <= kSocksMaxReplyLen);
    std::span<const std::uint8_t> in = stream.subspan(at, std::min(want, stream.size() - at));
    const std::size_t given = in.size();
    auto r = client.receive(in);
    require(in.empty());
    at += given;
    out.consumed += given;
    if (!r) {
      out.kind = SocksKind::kFailed;
      out.error = r.error().id();
      require(client.bytes_wanted() == 0);
      return out;
    }
    out.sent.insert(out.sent.end(), r->send.begin(), r->send.end());
    if (r->connected) {
      out.kind = SocksKind::kConnected;
      require(client.bytes_wanted() == 0);
      return out;
    }
  }
  return out;
}

inline void check_socks(std::span<const std::uint8_t> data) {
  const SocksOutcome got = run_socks(data);
  const SocksOutcome want = reference_socks(data);
  require(got.kind == want.kind);
  require(got.sent == want.sent);
  if (got.kind == SocksKind::kFailed) {
    require(got.error == want.error);
  } else {
    require(got.consumed == want.consumed);
  }
  // Exact reads see what byte-at-a-time reads see (no bytes out of turn
  // can arrive with a reply): the same outcome, byte for byte.
  if (data.size() >= 2) {
    Bytes one_at_a_time(data.begin(), data.end());
    one_at_a_time[1] = 0;  // chunks of 1
    require(run_socks_exact(data) == run_socks(one_at_a_time));
  }
}

// ---------------------------------------------------------------------------

struct ControlOutcome {
  std::vector<std::string> replies;  // each reply rendered: status, then separator, text, data per line
  std::optional<core::ErrorId> error;
  bool operator==(const ControlOutcome&) const = default;
};

inline ControlLimits fuzz_limits(std::uint8_t selector) {
  ControlLimits l;
  if (selector & 1) {
    l.max_line_len = 64;
    l.max_reply_bytes = 256;
    l.max_reply_lines = 8;
  }
  return l;
}

inline std::string render(const ControlReply& r) {
  std::string out = std::to_string(r.status);
  for (const ReplyLine& line : r.lines) {
    out += '|';
    out += line.separator;
    out += line.text;
    out += '|';
    out += line.data;
  }
  return out;
}

// Every reply parser on `r`; nothing may crash, and what they return holds.
inline void exercise(ControlReply r) {
  require(!r.lines.empty() && r.status >= 100 && r.status <= 699);
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const ReplyLine& line = r.lines[i];
    require(line.text.find('\n') == std::string::npos && line.text.find('\r') == std::string::npos);
    require((i + 1 == r.lines.size()) == (line.separator == ' '));
    require(line.separator == '+' || line.data.empty());
    (void)split_control_tokens(line.text);
  }
  if (r.is_event()) {
    auto b = parse_bootstrap_event(r);
    if (b && *b) require((*b)->progress >= 0 && (*b)->progress <= 100);
    return;
  }
  if (auto info = parse_protocolinfo(r)) (void)safecookie_file(*info);
  (void)parse_authchallenge(r);
  if (auto b = parse_bootstrap_phase(r)) require(b->progress >= 0 && b->progress <= 100);
  if (auto a = parse_add_onion(std::move(r))) require(a->service_id.size() == 56);
}

inline ControlOutcome run_control(std::span<const std::uint8_t> stream, std::size_t chunk, ControlLimits limits,
                                  bool exercise_replies) {
  ControlReplyParser parser(limits);
  ControlOutcome out;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    std::span<const std::uint8_t> in = stream.subspan(at, std::min(chunk, stream.size() - at));
    while (!in.empty()) {
      auto r = parser.next(in);
      if (!r) {
        out.error = r.error().id();
        std::span<const std::uint8_t> again = stream;
        auto second = parser.next(again);
        require(!second && second.error().id() == *out.error);
        return out;
      }
      require(parser.buffered() < limits.max_line_len);
      if (*r) {
        out.replies.push_back(render(**r));
        if (exercise_replies) exercise(std::move(**r));
      }
    }
  }
  return out;
}

// A command built from `arg` (a path, a service id) is one line: its only
// CR and LF are the final CRLF.
inline void require_one_line(std::span<const std::uint8_t> line) {
  require(line.size() >= 2 && line[line.size() - 2] == '\r' && line.back() == '\n');
  for (std::size_t i = 0; i + 2 < line.size(); ++i) require(line[i] != '\r' && line[i] != '\n');
}

inline void check_commands(std::span<const std::uint8_t> stream) {
  const std::string arg(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(stream.size(), 120)));
  OnionPublication p;
  p.virtual_port = 1;
  p.unix_socket_path = arg;
  if (auto line = add_onion_new_command(p)) require_one_line(line->span());
  if (auto line = del_onion_command(arg)) {
    require_one_line(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(line->data()), line->size()));
  }
  if (auto line = onion_client_auth_add_command(arg, ClientAuthPrivateKey{})) require_one_line(line->span());
  if (auto target = SocksTarget::onion(arg, 80)) {
    require(is_onion_host(arg) && target->connect_request().size() == 5 + kOnionHostLen + 2);
  }
}

inline void check_control(std::span<const std::uint8_t> data) {
  if (data.size() < 2) return;
  const std::size_t chunk = std::size_t{data[0]} + 1;
  const ControlLimits limits = fuzz_limits(data[1]);
  const std::span<const std::uint8_t> stream = data.subspan(2);
  const ControlOutcome chunked = run_control(stream, chunk, limits, /*exercise_replies=*/true);
  const ControlOutcome whole = run_control(stream, stream.size() + 1, limits, /*exercise_replies=*/false);
  require(chunked == whole);
  check_commands(stream);
}

}  // namespace tumar::tor::fuzz
