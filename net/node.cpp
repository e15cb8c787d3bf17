#include "net/node.hpp"

#include <csignal>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/log/log.hpp"
#include "net/listener.hpp"

namespace tumar::net {

Node::Node(const identity::LocalIdentity& me, session::Admission admission, const NodeOptions& options,
           crypto::RandomSource& rng, const profile::WipeWatch* watch)
    : me_(me),
      admission_(std::move(admission)),
      options_(options),
      rng_(rng),
      watch_(watch),
      peers_(options.connection_limits, rng) {
  session::check_limits(options_.limits);
}

Node::~Node() {
  // Destroy every connection (and its keys) while the budget still exists.
  acceptor_.reset();
  io_.stop();
}

Result<std::string> Node::listen(const peers::PeerAddress& address) {
  auto acceptor = open_listener(io_, address);
  if (!acceptor) return tl::unexpected(acceptor.error());
  acceptor_.emplace(std::move(*acceptor));
  error_code ec;
  return endpoint_string(acceptor_->local_endpoint(ec));
}

StopReason Node::run(const std::function<void()>& on_ready) {
  if (watch_ != nullptr && watch_->wiped()) return StopReason::kWiped;

  std::optional<asio::signal_set> signals;
  if (options_.handle_signals) {
    signals.emplace(io_, SIGINT, SIGTERM);
    signals->async_wait([this](const error_code& ec, int) {
      if (!ec) begin_shutdown(StopReason::kSignal);
    });
  }
  if (acceptor_) {
    ResponderFactory make = [this](session::Instant now) {
      return session::PeerSession::responder(me_, admission_, options_.limits, now, options_.profile_kind);
    };
    asio::co_spawn(io_, accept_loop(*acceptor_, peers_, std::move(make), make_events_),
                   [](std::exception_ptr e) { log_coroutine_exit("listener", e); });
  }
  if (watch_ != nullptr) arm_wipe_poll();
  asio::post(io_, [&] {
    if (on_ready) on_ready();
  });
  io_.run();
  if (signals) {
    error_code ignored;
    signals->cancel(ignored);
  }
  return stopping_.value_or(StopReason::kStopped);
}

void Node::stop() {
  asio::post(io_, [this] { begin_shutdown(StopReason::kStopped); });
}

void Node::arm_wipe_poll() {
  wipe_timer_.expires_after(options_.wipe_poll_interval);
  wipe_timer_.async_wait([this](const error_code& ec) {
    if (ec || stopping_) return;
    if (watch_->wiped()) return begin_shutdown(StopReason::kWiped);
    arm_wipe_poll();
  });
}

void Node::drain_check() {
  // If every peer is gone before the grace period ends, stop sooner.
  if (peers_.live() == 0) return io_.stop();
  drain_timer_.expires_after(std::chrono::milliseconds(10));
  drain_timer_.async_wait([this](const error_code& ec) {
    if (!ec) drain_check();
  });
}

void Node::begin_shutdown(StopReason reason) {
  if (stopping_) {
    // A second Ctrl-C, or a wipe during a graceful stop: stop now.
    if (reason != StopReason::kSignal || *stopping_ == StopReason::kSignal) {
      if (reason == StopReason::kWiped) stopping_ = reason;
      peers_.abort_all();
      io_.stop();
    }
    return;
  }
  stopping_ = reason;
  wipe_timer_.cancel();
  if (acceptor_) {
    error_code ignored;
    acceptor_->close(ignored);
  }
  if (reason == StopReason::kWiped) {
    // The profile is gone: drop every session key now, say nothing to peers.
    peers_.abort_all();
    io_.stop();
    return;
  }
  peers_.close_all("The node is stopping.");
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](const error_code&) { io_.stop(); });
  drain_check();
}

}  // namespace tumar::net
