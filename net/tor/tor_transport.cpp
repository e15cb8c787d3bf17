#include "net/tor/tor_transport.hpp"

#include <arpa/inet.h>

#include <array>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "core/log/log.hpp"
#include "core/tor/onion_address.hpp"
#include "core/tor/socks5.hpp"

namespace tumar::net::tor {

namespace socks = ::tumar::tor;

std::string SocksEndpoint::to_string() const {
  if (const auto* path = std::get_if<std::filesystem::path>(&where_)) return "unix:" + path->string();
  return "127.0.0.1:" + std::to_string(std::get<std::uint16_t>(where_));
}

std::optional<std::filesystem::path> TorTransport::socket_path() const {
  if (!listener_) return std::nullopt;
  return listener_->path();
}

Result<std::string> TorTransport::listen(const peers::PeerAddress& /*virtual port: tor's, not ours*/) {
  if (listener_) close_listener();
  auto listener = UnixListener::open(io_, options_.socket_dir, options_.socket_name);
  if (!listener) return tl::unexpected(listener.error());
  listener_.emplace(std::move(*listener));
  return "unix:" + listener_->path().string();
}

void TorTransport::close_listener() noexcept {
  if (listener_) listener_->close();
}

asio::awaitable<Result<Inbound>> TorTransport::accept() {
  if (!listener_) co_return fail(Errc::kAddress, Failure::kListenerClosed);
  auto stream = co_await listener_->accept();
  if (!stream) co_return tl::unexpected(stream.error());
  // Every connection comes from the local tor: there is no peer address to
  // count (Inbound::remote_ip is "" for all of them).
  co_return Inbound{std::move(*stream), "", "onion#" + std::to_string(++accepted_)};
}

namespace {

// What dial() may ask tor for: an onion by name, or (if allowed) an IPv4
// literal. Nothing is resolved: a name that is not an onion is refused.
core::Result<socks::SocksTarget> target_for(const peers::PeerAddress& address, bool allow_ipv4) {
  std::array<std::uint8_t, 4> ipv4{};
  if (allow_ipv4 && ::inet_pton(AF_INET, address.host.c_str(), ipv4.data()) == 1) {
    return socks::SocksTarget::ipv4(ipv4, address.port);
  }
  return socks::SocksTarget::onion(address.host, address.port);
}

asio::generic::stream_protocol::endpoint socks_endpoint(const SocksEndpoint& socks) {
  if (const auto* path = std::get_if<std::filesystem::path>(&socks.where())) {
    return asio::local::stream_protocol::endpoint(path->string());
  }
  return tcp::endpoint(asio::ip::address_v4::loopback(), std::get<std::uint16_t>(socks.where()));
}

}  // namespace

asio::awaitable<Result<Outbound>> TorTransport::dial(const peers::PeerAddress& address,
                                                     std::chrono::milliseconds timeout) {
  const std::string at = address.to_string();
  auto target = target_for(address, options_.allow_ipv4);
  if (!target) co_return fail(Errc::kAddress, Failure::kDialNotOnion, at, target.error());
  // The username tells tor which peer this is: one set of circuits per peer.
  auto isolation = socks::SocksIsolation::make("tumar:" + at, options_.isolation_tag);
  if (!isolation) core::misuse("TorTransport: isolation_tag must be 1..255 bytes");
  socks::Socks5Client client(std::move(*target), std::move(*isolation));

  // Asio throws for a Unix path longer than sun_path: refuse it here instead.
  if (const auto* path = std::get_if<std::filesystem::path>(&options_.socks.where());
      path != nullptr && path->native().size() > kMaxUnixPathLen) {
    co_return fail(Errc::kUnreachable, Failure::kDialProxyFailed, at, options_.socks.to_string() + ": path too long");
  }
  const auto proxy = socks_endpoint(options_.socks);
  auto socket = std::make_shared<Stream>(io_);
  auto expired = std::make_shared<bool>(false);
  // One deadline for the whole dial: connecting to tor, and tor building the
  // circuits to the onion service (the CONNECT reply). It holds its own
  // references, so it is safe whenever its handler runs.
  asio::steady_timer timer(io_);
  timer.expires_after(timeout);
  timer.async_wait([socket, expired](const error_code& ec) {
    if (ec) return;
    *expired = true;
    error_code ignored;
    socket->close(ignored);
  });
  const auto timed_out = [&] { return fail(Errc::kUnreachable, Failure::kDialTimedOut, at); };

  error_code ec;
  co_await socket->async_connect(proxy, asio::redirect_error(asio::use_awaitable, ec));
  if (*expired) co_return timed_out();
  if (ec) {
    timer.cancel();
    co_return fail(Errc::kUnreachable, Failure::kDialProxyFailed, at, options_.socks.to_string() + ": " + ec.message());
  }

  if (std::holds_alternative<std::uint16_t>(options_.socks.where())) {
    // The handshake's small messages must not wait for Nagle (as TcpTransport).
    error_code ignored;
    socket->set_option(tcp::no_delay(true), ignored);
  }
  std::vector<std::uint8_t> out = client.start();
  // On the heap: a large buffer in the coroutine frame trips GCC's
  // -Wmismatched-new-delete on Asio's frame allocator.
  std::vector<std::uint8_t> buf(socks::kSocksMaxReplyLen);
  while (true) {
    if (!out.empty()) {
      co_await asio::async_write(*socket, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
      if (*expired) co_return timed_out();
      if (ec) break;  // tor closed on us: an early close, below
    }
    // Exactly what the reply still needs: never a byte of the peer's.
    const std::size_t want = client.bytes_wanted();
    co_await asio::async_read(*socket, asio::buffer(buf.data(), want), asio::redirect_error(asio::use_awaitable, ec));
    if (*expired) co_return timed_out();
    if (ec) break;
    std::span<const std::uint8_t> in(buf.data(), want);
    auto step = client.receive(in);
    if (!step) {
      timer.cancel();
      log::debug("SOCKS dial to " + at + " failed: " + step.error().describe());
      co_return fail(Errc::kUnreachable, Failure::kDialSocksFailed, at, step.error());
    }
    if (step->connected) {
      timer.cancel();
      co_return Outbound{std::move(*socket), at + " via tor"};
    }
    out = std::move(step->send);
  }
  // The SOCKS port closed (or the socket failed) before the stream opened.
  timer.cancel();
  log::debug("SOCKS dial to " + at + ": the proxy closed: " + ec.message());
  co_return fail(Errc::kUnreachable, Failure::kDialSocksFailed, at, client.closed());
}

}  // namespace tumar::net::tor
