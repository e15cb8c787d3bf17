#include "net/tcp_transport.hpp"

#include <memory>

#include <boost/asio/connect.hpp>

#include "core/log/log.hpp"

namespace tumar::net {

std::string endpoint_string(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(endpoint.port());
}

Result<std::string> TcpTransport::listen(const peers::PeerAddress& address) {
  tcp::resolver resolver(io_);
  error_code ec;
  auto results = resolver.resolve(address.host, std::to_string(address.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return fail(Errc::kAddress, Failure::kListenNoResolve, address.to_string());
  }
  std::string last_error;
  for (const auto& entry : results) {
    tcp::acceptor acceptor(io_);
    const tcp::endpoint endpoint = entry.endpoint();
    if (acceptor.open(endpoint.protocol(), ec); ec) { last_error = ec.message(); continue; }
    // Restarting a node must not wait out TIME_WAIT of its last run.
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (acceptor.bind(endpoint, ec); ec) { last_error = ec.message(); continue; }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) { last_error = ec.message(); continue; }
    acceptor_.emplace(std::move(acceptor));
    return endpoint_string(acceptor_->local_endpoint(ec));
  }
  return fail(Errc::kAddress, Failure::kListenFailed, address.to_string(), last_error);
}

void TcpTransport::close_listener() noexcept {
  if (!acceptor_) return;
  error_code ignored;
  acceptor_->close(ignored);
}

asio::awaitable<Result<Inbound>> TcpTransport::accept() {
  asio::steady_timer backoff(io_);
  while (acceptor_ && acceptor_->is_open()) {
    error_code ec;
    tcp::socket socket = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) break;
    if (ec) {
      // Out of file descriptors, say: pause instead of spinning on the error.
      log::warn("Accepting a connection failed: " + ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    error_code peer_ec;
    const tcp::endpoint remote = socket.remote_endpoint(peer_ec);
    if (peer_ec) continue;  // already gone
    // Small, latency-bound messages (handshake, pings) must not wait for Nagle.
    socket.set_option(tcp::no_delay(true), peer_ec);
    co_return Inbound{Stream(std::move(socket)), remote.address().to_string(), endpoint_string(remote)};
  }
  co_return fail(Errc::kAddress, Failure::kListenerClosed);
}

asio::awaitable<Result<Outbound>> TcpTransport::dial(const peers::PeerAddress& address,
                                                     std::chrono::milliseconds timeout) {
  auto socket = std::make_shared<tcp::socket>(io_);
  auto resolver = std::make_shared<tcp::resolver>(io_);
  auto expired = std::make_shared<bool>(false);

  // The timer cancels whatever is pending when it fires. It holds its own
  // references, so it is safe whenever its handler runs.
  asio::steady_timer timer(io_);
  timer.expires_after(timeout);
  timer.async_wait([socket, resolver, expired](const error_code& ec) {
    if (ec) return;
    *expired = true;
    resolver->cancel();
    error_code ignored;
    socket->close(ignored);
  });

  error_code ec;
  auto endpoints = co_await resolver->async_resolve(address.host, std::to_string(address.port),
                                                    tcp::resolver::numeric_service,
                                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec || endpoints.empty()) {
    timer.cancel();
    if (*expired) co_return fail(Errc::kUnreachable, Failure::kDialTimedOut, address.to_string());
    co_return fail(Errc::kAddress, Failure::kDialNoResolve, address.to_string());
  }
  co_await asio::async_connect(*socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (*expired) co_return fail(Errc::kUnreachable, Failure::kDialTimedOut, address.to_string());
  if (ec) co_return fail(Errc::kUnreachable, Failure::kDialFailed, address.to_string(), ec.message());
  error_code ignored;
  socket->set_option(tcp::no_delay(true), ignored);
  const auto remote = socket->remote_endpoint(ignored);
  co_return Outbound{Stream(std::move(*socket)), endpoint_string(remote)};
}

}  // namespace tumar::net
