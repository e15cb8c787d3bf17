#include "net/dialer.hpp"

#include <memory>

#include <boost/asio/connect.hpp>

namespace tumar::net {

asio::awaitable<Result<tcp::socket>> dial(asio::io_context& io, const peers::PeerAddress& address,
                                          std::chrono::milliseconds timeout) {
  auto strand = asio::make_strand(io);
  auto socket = std::make_shared<tcp::socket>(strand);
  auto resolver = std::make_shared<tcp::resolver>(strand);
  auto expired = std::make_shared<bool>(false);

  // The timer cancels whatever is pending when it fires. It holds its own
  // references, so it is safe whenever its handler runs.
  asio::steady_timer timer(strand);
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
    if (*expired) co_return fail(Errc::kUnreachable, address.to_string() + " did not answer in time.");
    co_return fail(Errc::kAddress, "The host name in " + address.to_string() + " does not resolve.");
  }
  co_await asio::async_connect(*socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (*expired) co_return fail(Errc::kUnreachable, address.to_string() + " did not answer in time.");
  if (ec) co_return fail(Errc::kUnreachable, "Cannot reach " + address.to_string() + ": " + ec.message() + ".");
  co_return std::move(*socket);
}

}  // namespace tumar::net
