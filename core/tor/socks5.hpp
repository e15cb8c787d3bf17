#pragma once
// A SOCKS5 client for tor's SOCKS port (RFC 1928, RFC 1929 for stream
// isolation, torspec socks-extensions.txt and proposal 304 for tor's
// extended reply codes; docs/PROTOCOL.md, "Tor: SOCKS5 and the control
// connection"). Sans-I/O: the driver (net/) writes what start() and
// receive() return and hands in every byte it reads, in chunks of any size.
//
//   C: 05 01 <method>                         greeting, one method offered
//   S: 05 <method>
//  [C: 01 ULEN user PLEN pass                 RFC 1929, for isolation only
//   S: 01 00]
//   C: 05 01 00 03 LEN host PORT | 05 01 00 01 A.B.C.D PORT   CONNECT
//   S: 05 REP 00 ATYP BND.ADDR BND.PORT
//
// Exactly one method is offered: 0x00 (no authentication), or 0x02 when the
// dial carries an isolation name, which tor (IsolateSOCKSAuth, on by default)
// uses to keep each peer dial on circuits of its own. The name is not a
// secret and tor checks no password. Every reply byte is checked; a reply
// is read only as far as its own length, so bytes after a successful
// CONNECT reply (the peer's first bytes) stay in the caller's input. Bytes
// the proxy sends before tumar asked are an error. Once failed, the client
// returns that error forever.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace tumar::tor {

inline constexpr std::uint8_t kSocksVersion = 0x05;
inline constexpr std::uint8_t kSocksMethodNoAuth = 0x00;
inline constexpr std::uint8_t kSocksMethodUserPass = 0x02;
inline constexpr std::uint8_t kSocksNoAcceptableMethod = 0xFF;
inline constexpr std::uint8_t kSocksAuthVersion = 0x01;  // RFC 1929
inline constexpr std::uint8_t kSocksCmdConnect = 0x01;
inline constexpr std::uint8_t kSocksAtypIpv4 = 0x01;
inline constexpr std::uint8_t kSocksAtypDomain = 0x03;
inline constexpr std::uint8_t kSocksAtypIpv6 = 0x04;
inline constexpr std::size_t kSocksMaxNameLen = 255;       // one length byte
inline constexpr std::size_t kSocksReplyHeaderLen = 4;     // VER REP RSV ATYP
// The longest reply: header, a 255-byte name with its length byte, port.
inline constexpr std::size_t kSocksMaxReplyLen = kSocksReplyHeaderLen + 1 + kSocksMaxNameLen + 2;
static_assert(kSocksMaxReplyLen == 262);

// SOCKS5 reply codes (RFC 1928 section 6, and tor's ExtendedErrors, proposal 304).
enum class SocksReply : std::uint8_t {
  kSucceeded = 0x00,
  kGeneralFailure = 0x01,
  kNotAllowed = 0x02,
  kNetworkUnreachable = 0x03,
  kHostUnreachable = 0x04,
  kConnectionRefused = 0x05,
  kTtlExpired = 0x06,
  kCommandNotSupported = 0x07,
  kAddressTypeNotSupported = 0x08,
  kOnionDescriptorNotFound = 0xF0,
  kOnionDescriptorInvalid = 0xF1,
  kOnionIntroFailed = 0xF2,
  kOnionRendezvousFailed = 0xF3,
  kOnionMissingClientAuth = 0xF4,
  kOnionWrongClientAuth = 0xF5,
  kOnionBadAddress = 0xF6,
  kOnionIntroTimedOut = 0xF7,
};

// The error for a failed CONNECT reply `code` (not kSucceeded): one id per
// code above, kTorSocksUnknownReply{code} for any other. Errc::kRefused.
core::Error socks_reply_error(std::uint8_t code);

// Where to connect. Made only by the checking factories, so a target that
// exists is one tumar may send.
class SocksTarget {
 public:
  // A v3 onion host ("<56 base32>.onion") and a port 1..65535.
  [[nodiscard]] static core::Result<SocksTarget> onion(std::string_view host, std::uint32_t port);
  // An IPv4 address (tor does not CONNECT to IPv6 literals) and a port 1..65535.
  [[nodiscard]] static core::Result<SocksTarget> ipv4(std::array<std::uint8_t, 4> address, std::uint32_t port);

  std::uint16_t port() const noexcept { return port_; }
  // The CONNECT request for this target.
  std::vector<std::uint8_t> connect_request() const;

 private:
  SocksTarget(std::variant<std::string, std::array<std::uint8_t, 4>> host, std::uint16_t port)
      : host_(std::move(host)), port_(port) {}
  std::variant<std::string, std::array<std::uint8_t, 4>> host_;
  std::uint16_t port_;
};

// An RFC 1929 username and password of 1..255 bytes each, used by tor only
// to tell streams apart (IsolateSOCKSAuth). Public values: never a secret.
class SocksIsolation {
 public:
  [[nodiscard]] static core::Result<SocksIsolation> make(std::string username, std::string password);
  const std::string& username() const noexcept { return username_; }
  const std::string& password() const noexcept { return password_; }

 private:
  SocksIsolation(std::string u, std::string p) : username_(std::move(u)), password_(std::move(p)) {}
  std::string username_;
  std::string password_;
};

struct SocksStep {
  std::vector<std::uint8_t> send;  // write these bytes next (may be empty)
  bool connected = false;          // the stream is open: later bytes are the peer's
};

class Socks5Client {
 public:
  explicit Socks5Client(SocksTarget target, std::optional<SocksIsolation> isolation = std::nullopt);

  // The greeting, to write first. Once only (misuse aborts).
  std::vector<std::uint8_t> start();

  // Consumes bytes from the front of `input` (advancing it) as far as the
  // current reply goes. Call with every chunk read until connected; once
  // connected, whatever is left in `input` belongs to the stream, and a
  // further call is misuse. Errors (kProtocol for a malformed reply,
  // kRefused for a failed CONNECT) stay: every later call returns the same.
  [[nodiscard]] core::Result<SocksStep> receive(std::span<const std::uint8_t>& input);

  // The proxy closed the connection before the stream opened:
  // kTorSocksClosedEarly, or the error it had already failed with. After
  // connected(), the close is the stream's (misuse here).
  [[nodiscard]] core::Error closed();

  // How many bytes the current reply still needs, at least (0 once
  // connected or failed, and before start()). A driver that reads at most
  // this many at a time never takes a byte past the CONNECT reply, so the
  // peer's first bytes stay in the socket for the stream
  // (net/tor/tor_transport.cpp).
  std::size_t bytes_wanted() const noexcept;

  bool connected() const noexcept { return state_ == State::kConnected; }
  // The REP byte of a failed CONNECT, for the driver's exit code and log.
  std::optional<std::uint8_t> failed_reply() const noexcept { return failed_reply_; }

 private:
  enum class State { kIdle, kAwaitingMethod, kAwaitingAuth, kAwaitingReply, kConnected, kFailed };

  core::Result<SocksStep> on_method(std::span<const std::uint8_t>& input);
  core::Result<SocksStep> on_auth(std::span<const std::uint8_t>& input);
  core::Result<SocksStep> on_reply(std::span<const std::uint8_t>& input);
  // Moves bytes into buf_ until it holds `want`; true once it does.
  bool fill(std::span<const std::uint8_t>& input, std::size_t want);
  tl::unexpected<core::Error> fail(core::Error error);

  SocksTarget target_;
  std::optional<SocksIsolation> isolation_;
  State state_ = State::kIdle;
  std::array<std::uint8_t, kSocksMaxReplyLen> buf_{};
  std::size_t have_ = 0;
  std::optional<core::Error> error_;
  std::optional<std::uint8_t> failed_reply_;
};

}  // namespace tumar::tor
