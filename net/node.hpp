#pragma once
// A running node: the event loop of `tumar serve`. It listens, hands each
// connection to a responder session, watches for a panic wipe, and stops
// cleanly on SIGINT/SIGTERM or stop().

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/profile/wipe_watch.hpp"
#include "core/session/connection_budget.hpp"
#include "core/session/peer_session.hpp"
#include "net/asio.hpp"
#include "net/net_error.hpp"
#include "net/listener.hpp"
#include "net/peer_manager.hpp"

namespace tumar::net {

enum class StopReason { kSignal, kStopped, kWiped };

struct NodeOptions {
  // Well under the 1 s the panic promise allows, cheap (two stat calls).
  std::chrono::milliseconds wipe_poll_interval{250};
  session::SessionLimits limits;
  session::ConnectionLimits connection_limits;
  // On a signal, how long peers get to receive our Goodbye.
  std::chrono::milliseconds shutdown_grace{500};
  bool handle_signals = true;
  // The profile's kind, announced to every dialler in message 2 (a joiner
  // of the other kind closes before showing who it is).
  noise::ProfileKind profile_kind = noise::ProfileKind::kReal;
};

class Node {
 public:
  // `me`, `rng` and `watch` (if given) must outlive the node.
  Node(const identity::LocalIdentity& me, session::Admission admission, const NodeOptions& options,
       crypto::RandomSource& rng, const profile::WipeWatch* watch = nullptr);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Binds now, so a port in use is reported before run(). Returns the bound
  // endpoint ("127.0.0.1:41234" for port 0).
  Result<std::string> listen(const peers::PeerAddress& address);

  // Events for every accepted connection (set before run()).
  void set_inbound_events(EventsFactory make_events) { make_events_ = std::move(make_events); }

  // Runs until a signal, stop(), or a wipe. on_ready runs once, in the loop.
  StopReason run(const std::function<void()>& on_ready = {});

  // Thread-safe: asks run() to return (gracefully: peers get a Goodbye).
  void stop();

  asio::io_context& io() noexcept { return io_; }
  PeerManager& peers() noexcept { return peers_; }

 private:
  void begin_shutdown(StopReason reason);
  void arm_wipe_poll();
  void drain_check();

  const identity::LocalIdentity& me_;
  session::Admission admission_;
  NodeOptions options_;
  crypto::RandomSource& rng_;
  const profile::WipeWatch* watch_;
  // Declared before the io_context: connections hold budget tickets and are
  // destroyed with the io_context, so the budget must outlive it.
  PeerManager peers_;
  asio::io_context io_{1};
  std::optional<tcp::acceptor> acceptor_;
  asio::steady_timer wipe_timer_{io_};
  asio::steady_timer grace_timer_{io_};
  asio::steady_timer drain_timer_{io_};
  std::optional<StopReason> stopping_;
  EventsFactory make_events_;
};

}  // namespace tumar::net
