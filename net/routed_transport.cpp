#include "net/routed_transport.hpp"

#include "core/error_ids.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::net {

Result<std::string> RoutedTransport::listen(const peers::PeerAddress& address) {
  if (routes_.listener == nullptr) core::misuse("RoutedTransport: listen() without a listener");
  return routes_.listener->listen(address);
}

asio::awaitable<Result<Inbound>> RoutedTransport::accept() {
  if (routes_.listener == nullptr) co_return fail(Errc::kAddress, Failure::kListenerClosed);
  co_return co_await routes_.listener->accept();
}

void RoutedTransport::close_listener() noexcept {
  if (routes_.listener != nullptr) routes_.listener->close_listener();
}

RoutedTransport::Route RoutedTransport::route(const peers::PeerAddress& address) const {
  if (tor::is_onion_host(address.host)) return routes_.onion != nullptr ? Route::kOnion : Route::kRefused;
  if (routes_.direct == nullptr) return Route::kRefused;
  // An address the person typed for this command is their choice for it;
  // any other (a member's published address, an allow-list entry) needs
  // the profile's permission. Never a fallback from Tor.
  if (routes_.direct_allowed || routes_.named.count(address.to_string()) != 0) return Route::kDirect;
  return Route::kRefused;
}

asio::awaitable<Result<Outbound>> RoutedTransport::dial(const peers::PeerAddress& address,
                                                        std::chrono::milliseconds timeout) {
  const std::string at = address.to_string();
  switch (route(address)) {
    case Route::kOnion:
      if (routes_.before_onion_dial) {
        auto ready = co_await routes_.before_onion_dial(address);
        if (!ready) co_return tl::unexpected(ready.error());
      }
      co_return co_await routes_.onion->dial(address, timeout);
    case Route::kDirect:
      co_return co_await routes_.direct->dial(address, timeout);
    case Route::kRefused:
      break;
  }
  if (tor::is_onion_host(address.host)) {
    co_return fail(Errc::kAddress, Failure::kDialRefusedRoute, at,
                   core::make_error<core::ErrorId::kTransportOnionNeedsTor>(core::Errc::kRefused, at));
  }
  co_return fail(Errc::kAddress, Failure::kDialRefusedRoute, at,
                 core::make_error<core::ErrorId::kTransportDirectTcpOff>(core::Errc::kRefused, at));
}

}  // namespace tumar::net
