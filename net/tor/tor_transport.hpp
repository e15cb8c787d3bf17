#pragma once
// Tor mode's transport (issue 18; docs/PROTOCOL.md, "Tor transport"): the
// node is reached as an onion service that tor forwards to a Unix socket in
// the profile, and it dials peers through tor's SOCKS port. No tumar socket
// listens on TCP, and no host name is ever resolved here: an onion address
// goes to tor as a name (SOCKS ATYP 03), and anything else is refused before
// a byte is sent — unless the caller allows IPv4 literals, which also go to
// tor, never straight out.
//
//   listen(a)   binds the Unix socket; returns "unix:PATH", the target for
//               ADD_ONION's Port=<virtual port>,unix:PATH (a.port is that
//               virtual port; the host is unused). What peers dial is known
//               only once tor published the service: set_public_address().
//   dial(a, t)  connects to tor's SOCKS endpoint, runs core/tor/socks5 to
//               CONNECT to a.host:a.port, all within t. Each peer address
//               gets its own SOCKS username, so tor (IsolateSOCKSAuth) keeps
//               each peer on circuits of its own. The SOCKS replies are read
//               exactly to their end (Socks5Client::bytes_wanted), so the
//               peer's first bytes stay in the socket for the Connection.
//
// Failures: kDialNotOnion (Errc::kAddress), kDialProxyFailed, kDialTimedOut
// and kDialSocksFailed (Errc::kUnreachable, the CLI's exit code 3); the SOCKS
// and address failures carry core's error id as cause() for the words.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "net/tor/unix_listener.hpp"
#include "net/transport.hpp"

namespace tumar::net::tor {

// Where tor's SOCKS port is: a Unix socket (`SocksPort unix:PATH`,
// preferred: no TCP at all) or a port on 127.0.0.1 — never another host.
class SocksEndpoint {
 public:
  static SocksEndpoint unix_socket(std::filesystem::path path) { return SocksEndpoint(std::move(path)); }
  static SocksEndpoint loopback_port(std::uint16_t port) { return SocksEndpoint(port); }
  // "unix:/path" or "127.0.0.1:9050", for errors and logs.
  std::string to_string() const;
  const std::variant<std::filesystem::path, std::uint16_t>& where() const noexcept { return where_; }

 private:
  explicit SocksEndpoint(std::variant<std::filesystem::path, std::uint16_t> where) : where_(std::move(where)) {}
  std::variant<std::filesystem::path, std::uint16_t> where_;
};

struct TorTransportOptions {
  SocksEndpoint socks;
  // The directory for the onion service's socket: inside the profile, 0700.
  std::filesystem::path socket_dir;
  std::string socket_name = "onion.sock";
  // The SOCKS password of every dial (the username is the peer's address):
  // tor isolates on both, so two profiles on one tor never share a circuit
  // when their tags differ. Public; 1..255 bytes.
  std::string isolation_tag = "tumar";
  // Lets dial() take an IPv4 literal (still through tor). Names other than
  // onions are refused either way: tumar never resolves one.
  bool allow_ipv4 = false;
};

class TorTransport final : public Transport {
 public:
  TorTransport(asio::io_context& io, TorTransportOptions options) : io_(io), options_(std::move(options)) {}

  Result<std::string> listen(const peers::PeerAddress& address) override;
  bool listening() const noexcept override { return listener_ && listener_->is_open(); }
  asio::awaitable<Result<Inbound>> accept() override;
  void close_listener() noexcept override;
  asio::awaitable<Result<Outbound>> dial(const peers::PeerAddress& address,
                                         std::chrono::milliseconds timeout) override;

  // The onion address tor published for this node (ADDRESS.onion:PORT),
  // once it did; what invites and the directory carry.
  void set_public_address(peers::PeerAddress address) { public_address_ = std::move(address); }
  const std::optional<peers::PeerAddress>& public_address() const noexcept { return public_address_; }
  // The Unix socket tor forwards to, once listening.
  std::optional<std::filesystem::path> socket_path() const;

 private:
  asio::io_context& io_;
  TorTransportOptions options_;
  std::optional<UnixListener> listener_;
  std::optional<peers::PeerAddress> public_address_;
  std::uint64_t accepted_ = 0;
};

}  // namespace tumar::net::tor
