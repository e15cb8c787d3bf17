#pragma once
// TCP: the transport of a LAN, a training room and loopback tests. Listens
// with SO_REUSEADDR (a restarted node must not wait out TIME_WAIT), turns
// Nagle off (handshake messages and pings are latency-bound).

#include <optional>

#include "net/transport.hpp"

namespace tumar::net {

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(asio::io_context& io) : io_(io) {}

  Result<std::string> listen(const peers::PeerAddress& address) override;
  bool listening() const noexcept override { return acceptor_ && acceptor_->is_open(); }
  asio::awaitable<Result<Inbound>> accept() override;
  void close_listener() noexcept override;
  asio::awaitable<Result<Outbound>> dial(const peers::PeerAddress& address,
                                         std::chrono::milliseconds timeout) override;

 private:
  asio::io_context& io_;
  std::optional<tcp::acceptor> acceptor_;
};

// "127.0.0.1:7000", "[::1]:7000".
std::string endpoint_string(const tcp::endpoint& endpoint);

}  // namespace tumar::net
