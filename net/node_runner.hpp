#pragma once
// Runs a core/node Engine on a Transport: the whole event loop of a running
// node (`tumar serve`), of `tumar sync` and of `tumar join`. It moves bytes
// between connections and the engine, runs the engine's one timer, opens the
// connections the engine asks for and closes the ones it ends, and turns
// SIGINT/SIGTERM into the engine's stop command. It decides nothing: every
// choice — who is admitted, what is sent, when to redial, when to stop — is
// the engine's.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/node/engine.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/transport.hpp"

namespace tumar::net {

struct RunnerOptions {
  bool handle_signals = true;
  // After the engine finished, how long queued bytes (Goodbyes) may take.
  std::chrono::milliseconds drain_grace{500};
};

class NodeRunner {
 public:
  // `engine` and `transport` must outlive the runner; the transport must
  // run on io().
  NodeRunner(asio::io_context& io, node::Engine& engine, Transport& transport, RunnerOptions options = {});
  ~NodeRunner();
  NodeRunner(const NodeRunner&) = delete;
  NodeRunner& operator=(const NodeRunner&) = delete;

  // Runs until the engine finishes (jobs done, stopped, wiped). on_ready
  // runs once in the loop, after the engine started; on_notice for every
  // notice, in the loop.
  void run(const std::function<void()>& on_ready = {},
           const std::function<void(const node::Notice&)>& on_notice = {});

  // Thread-safe: the engine's stop command (a second one aborts).
  void stop();

  // Thread-safe: runs a front end's command on the loop (e.g.
  // `[&](node::Now now) { return engine.published(now, envelopes); }`) and
  // carries out the Actions it returns.
  void submit(std::function<node::Actions(node::Now)> command);

 private:
  node::Now now() const;
  void apply(node::Actions actions);
  void guarded(const char* what, const std::function<node::Actions()>& step) noexcept;
  void arm(std::optional<node::Instant> deadline);
  void open(node::ConnId id, Stream stream);
  void dial(node::Dial dial);
  asio::awaitable<void> accept_loop();
  void finish();
  void drain();

  asio::io_context& io_;
  node::Engine& engine_;
  Transport& transport_;
  RunnerOptions options_;
  std::function<void(const node::Notice&)> on_notice_;
  std::map<node::ConnId, std::shared_ptr<Connection>> connections_;
  asio::steady_timer timer_;
  std::optional<node::Instant> armed_;
  asio::steady_timer drain_timer_;
  bool finishing_ = false;
  node::Instant drain_until_{};
};

}  // namespace tumar::net
