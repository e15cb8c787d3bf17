#include "net/wire_tap.hpp"

#include <array>

#include <boost/asio/write.hpp>

#include "net/asio.hpp"

namespace tumar::net {

// The io_context comes first so it is destroyed last: destroying it destroys
// the suspended relay coroutines, which own only their sockets.
struct WireTap::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t target = 0;
  std::mutex mu;
  TapCapture capture;

  void record(bool from_dialler, const std::uint8_t* p, std::size_t n) {
    std::lock_guard lock(mu);
    auto& out = from_dialler ? capture.from_dialler : capture.from_node;
    const std::size_t room = kMaxTapCapture - std::min(kMaxTapCapture, out.size());
    out.insert(out.end(), p, p + std::min(n, room));
  }
};

namespace {

using Socket = std::shared_ptr<tcp::socket>;

auto on_exit(const char* what) {
  return [what](std::exception_ptr e) { log_coroutine_exit(what, e); };
}

// One direction of one connection. When either side ends, both sockets
// close, so the other direction ends too: the nodes see an ordinary close.
asio::awaitable<void> pump(WireTap::State* s, Socket from, Socket to, bool from_dialler) {
  std::array<std::uint8_t, 16384> buf{};
  for (;;) {
    error_code ec;
    const std::size_t n =
        co_await from->async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    s->record(from_dialler, buf.data(), n);
    co_await asio::async_write(*to, asio::buffer(buf.data(), n), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  error_code ignored;
  from->close(ignored);
  to->close(ignored);
}

asio::awaitable<void> relay(WireTap::State* s, Socket dialler) {
  auto node = std::make_shared<tcp::socket>(s->io);
  error_code ec;
  co_await node->async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), s->target),
                               asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    dialler->close(ec);
    co_return;
  }
  {
    std::lock_guard lock(s->mu);
    ++s->capture.connections;
  }
  asio::co_spawn(s->io, pump(s, dialler, node, true), on_exit("tap pump"));
  asio::co_spawn(s->io, pump(s, node, dialler, false), on_exit("tap pump"));
}

asio::awaitable<void> accept_loop(WireTap::State* s) {
  for (;;) {
    error_code ec;
    tcp::socket in = co_await s->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // closed by the destructor, or out of descriptors: the demo says the step failed
    asio::co_spawn(s->io, relay(s, std::make_shared<tcp::socket>(std::move(in))), on_exit("tap relay"));
  }
}

}  // namespace

std::unique_ptr<WireTap> WireTap::start(std::uint16_t target_port, std::string* error) {
  std::unique_ptr<WireTap> tap(new WireTap());
  tap->state_ = std::make_shared<State>();
  State& s = *tap->state_;
  s.target = target_port;
  error_code ec;
  const tcp::endpoint here(asio::ip::address_v4::loopback(), 0);
  s.acceptor.open(here.protocol(), ec);
  if (!ec) s.acceptor.bind(here, ec);
  if (!ec) s.acceptor.listen(16, ec);
  if (!ec) tap->port_ = s.acceptor.local_endpoint(ec).port();
  if (ec) {
    if (error) *error = "could not listen on 127.0.0.1: " + ec.message();
    return nullptr;
  }
  asio::co_spawn(s.io, accept_loop(&s), on_exit("tap accept"));
  tap->thread_ = std::thread([&s] { s.io.run(); });
  return tap;
}

WireTap::~WireTap() {
  if (!state_) return;
  state_->io.stop();
  if (thread_.joinable()) thread_.join();
}

TapCapture WireTap::take() {
  std::lock_guard lock(state_->mu);
  TapCapture out = std::move(state_->capture);
  state_->capture = TapCapture{};
  return out;
}

}  // namespace tumar::net
