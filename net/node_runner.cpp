#include "net/node_runner.hpp"

#include <csignal>
#include <exception>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/log/log.hpp"

namespace tumar::net {

NodeRunner::NodeRunner(asio::io_context& io, node::Engine& engine, Transport& transport, RunnerOptions options)
    : io_(io), engine_(engine), transport_(transport), options_(options), timer_(io), drain_timer_(io) {}

NodeRunner::~NodeRunner() {
  // Connections hold references to this runner in their events. Each
  // abort() erases itself from connections_, so walk a copy.
  auto all = std::move(connections_);
  connections_.clear();
  for (auto& [id, c] : all) c->abort();
}

node::Now NodeRunner::now() const {
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  return node::Now{session::Clock::now(),
                   static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(wall).count())};
}

void NodeRunner::guarded(const char* what, const std::function<node::Actions()>& step) noexcept {
  // No exception may unwind through Asio's run loop: it would stop the node
  // with its peers in mid-sentence. The engine throws only on allocation
  // failure; that step is lost, logged, and the node goes on.
  try {
    apply(step());
  } catch (const std::exception& e) {
    log::write(log::Level::kError, std::string(what) + " failed: " + e.what());
  } catch (...) {
    log::write(log::Level::kError, std::string(what) + " failed.");
  }
}

void NodeRunner::run(const std::function<void()>& on_ready,
                     const std::function<void(const node::Notice&)>& on_notice) {
  on_notice_ = on_notice;
  std::optional<asio::signal_set> signals;
  std::function<void()> wait_signal;
  if (options_.handle_signals) {
    signals.emplace(io_, SIGINT, SIGTERM);
    wait_signal = [&] {
      signals->async_wait([&](const error_code& ec, int) {
        if (ec) return;
        guarded("stopping", [&] { return engine_.stop(now()); });
        wait_signal();  // a second Ctrl-C stops at once
      });
    };
    wait_signal();
  }
  if (transport_.listening()) {
    asio::co_spawn(io_, accept_loop(), [](std::exception_ptr e) { log_coroutine_exit("listener", e); });
  }
  asio::post(io_, [&] {
    guarded("starting", [&] { return engine_.start(now()); });
    if (on_ready && !finishing_) on_ready();
  });
  io_.run();
  if (signals) {
    error_code ignored;
    signals->cancel(ignored);
  }
  io_.restart();
}

void NodeRunner::stop() {
  asio::post(io_, [this] { guarded("stopping", [&] { return engine_.stop(now()); }); });
}

void NodeRunner::submit(std::function<node::Actions(node::Now)> command) {
  asio::post(io_, [this, command = std::move(command)] {
    if (finishing_) return;
    guarded("a command", [&] { return command(now()); });
  });
}

asio::awaitable<void> NodeRunner::accept_loop() {
  while (transport_.listening() && !finishing_) {
    auto inbound = co_await transport_.accept();
    if (!inbound) break;
    if (finishing_) break;
    guarded("accepting", [&] {
      auto [conn, actions] = engine_.accepted(now(), inbound->remote_ip, inbound->label);
      open(conn, std::move(inbound->stream));
      return std::move(actions);
    });
  }
}

void NodeRunner::open(node::ConnId id, Stream stream) {
  Connection::Events events;
  events.bytes = [this, id](std::span<const std::uint8_t> bytes) {
    guarded("reading", [&] { return engine_.bytes_in(now(), id, bytes); });
  };
  events.ended = [this, id](core::Error how) {
    guarded("closing", [&] { return engine_.closed(now(), id, std::move(how)); });
  };
  events.gone = [this, id] { connections_.erase(id); };
  auto c = std::make_shared<Connection>(std::move(stream), std::move(events));
  connections_[id] = c;
  c->start();
}

void NodeRunner::dial(node::Dial d) {
  asio::co_spawn(
      io_,
      [this, d]() -> asio::awaitable<void> {
        auto out = co_await transport_.dial(d.address, d.timeout);
        if (!out) {
          node::DialError error{node::DialFailure::kUnreachable, out.error().system(), std::nullopt};
          if (out.error().what() == Failure::kDialNoResolve) error.why = node::DialFailure::kAddress;
          if (out.error().what() == Failure::kDialTimedOut) error.why = node::DialFailure::kTimedOut;
          // A SOCKS reply or an address tor may not be asked for: core's
          // error, for the front end to word.
          if (const core::Error* cause = out.error().cause()) error.cause = *cause;
          guarded("dialling", [&] { return engine_.dial_failed(now(), d.conn, std::move(error)); });
          co_return;
        }
        std::string label = out->label;
        open(d.conn, std::move(out->stream));
        guarded("dialling", [&] { return engine_.connected(now(), d.conn, label); });
      },
      [](std::exception_ptr e) { log_coroutine_exit("dial", e); });
}

void NodeRunner::apply(node::Actions actions) {
  for (auto& d : actions.dials) dial(std::move(d));
  for (auto& s : actions.sends) {
    auto it = connections_.find(s.conn);
    if (it != connections_.end()) it->second->write(std::move(s.bytes));
  }
  for (const auto& c : actions.closes) {
    auto it = connections_.find(c.conn);
    if (it == connections_.end()) continue;
    auto connection = it->second;  // may erase itself from the map
    if (c.how == node::CloseHow::kAbort) {
      connection->abort();
    } else {
      connection->close_after_flush();
    }
  }
  for (const auto& n : actions.notices) {
    if (on_notice_) on_notice_(n);
  }
  if (actions.finished) return finish();
  arm(actions.deadline);
}

void NodeRunner::arm(std::optional<node::Instant> deadline) {
  if (!deadline || (armed_ && *armed_ == *deadline)) return;
  armed_ = deadline;
  timer_.expires_at(*deadline);  // cancels the wait armed before
  timer_.async_wait([this](const error_code& ec) {
    if (ec) return;  // re-armed or stopped
    armed_.reset();
    guarded("ticking", [&] { return engine_.tick(now()); });
  });
}

void NodeRunner::finish() {
  if (finishing_) return;
  finishing_ = true;
  timer_.cancel();
  transport_.close_listener();
  // Queued Goodbyes go out; then the loop ends (at the latest after the grace).
  drain_until_ = session::Clock::now() + options_.drain_grace;
  drain();
}

void NodeRunner::drain() {
  if (connections_.empty() || session::Clock::now() >= drain_until_) {
    auto left = connections_;  // abort() erases from connections_
    for (auto& [id, c] : left) c->abort();
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(10));
  drain_timer_.async_wait([this](const error_code& ec) {
    if (!ec) drain();
  });
}

}  // namespace tumar::net
