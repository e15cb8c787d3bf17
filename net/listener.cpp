#include "net/listener.hpp"

#include <chrono>

#include "core/log/log.hpp"

namespace tumar::net {

std::string endpoint_string(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(endpoint.port());
}

Result<tcp::acceptor> open_listener(asio::io_context& io, const peers::PeerAddress& address) {
  tcp::resolver resolver(io);
  error_code ec;
  auto results = resolver.resolve(address.host, std::to_string(address.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return fail(Errc::kAddress, "Cannot listen on " + address.to_string() + ": the host name does not resolve.");
  }
  std::string last_error;
  for (const auto& entry : results) {
    tcp::acceptor acceptor(io);
    const tcp::endpoint endpoint = entry.endpoint();
    if (acceptor.open(endpoint.protocol(), ec); ec) { last_error = ec.message(); continue; }
    // Restarting a node must not wait out TIME_WAIT of its last run.
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (acceptor.bind(endpoint, ec); ec) { last_error = ec.message(); continue; }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) { last_error = ec.message(); continue; }
    return acceptor;
  }
  return fail(Errc::kAddress, "Cannot listen on " + address.to_string() + ": " + last_error +
                                  ". Is another node already using that port?");
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, PeerManager& manager, ResponderFactory make_responder,
                                  EventsFactory make_events) {
  auto executor = acceptor.get_executor();
  asio::steady_timer backoff(executor);
  while (acceptor.is_open()) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(executor),
                                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
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
    auto ticket = manager.reserve(remote.address().to_string());
    if (!ticket) {
      log::debug(endpoint_string(remote) + ": refused before the handshake: connection limit reached.");
      socket.close(peer_ec);
      continue;
    }
    manager.adopt(std::move(socket), make_responder(session::Clock::now()), std::move(ticket),
                  make_events ? make_events() : Connection::Events{});
  }
}

}  // namespace tumar::net
