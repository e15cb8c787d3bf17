#include "net/node.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tumar::net {
namespace asio = boost::asio;

StopReason run_node(const profile::WipeWatch& watch, const NodeOptions& options,
                    const std::function<void()>& on_ready) {
  asio::io_context io(1);
  StopReason reason = StopReason::kSignal;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) io.stop();
  });

  asio::steady_timer timer(io);
  std::function<void()> arm = [&] {
    timer.expires_after(options.wipe_poll_interval);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (watch.wiped()) {
        reason = StopReason::kWiped;
        io.stop();
        return;
      }
      arm();
    });
  };
  if (watch.wiped()) return StopReason::kWiped;
  arm();
  asio::post(io, [&] {
    if (on_ready) on_ready();
  });
  io.run();
  return reason;
}

}  // namespace tumar::net
