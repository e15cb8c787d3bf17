#pragma once
// Which transport each dial takes (issue 18, "Direct TCP stays, by choice"):
// an onion address goes through tor, anything else over direct TCP only
// when the person allowed it — for this command (an address they typed:
// `sync HOST:PORT`, an invite made with --address) or for the profile
// (`tumar tor direct-tcp on`). tumar never falls back from Tor to direct
// TCP on its own: a refused address fails with kDialDirectOff before any
// packet leaves, and the front end says how to allow it.
//
// Listening is the listener's: tor's Unix socket in Tor mode, TCP with
// `serve --listen`.

#include <functional>
#include <set>
#include <string>

#include "net/transport.hpp"

namespace tumar::net {

struct Routes {
  Transport* listener = nullptr;  // where listen()/accept() go; may be null (a command that only dials)
  Transport* onion = nullptr;     // tor; null when this command runs no tor
  Transport* direct = nullptr;    // TCP; null when direct TCP is not possible at all
  bool direct_allowed = false;    // the profile allows direct TCP to any address
  std::set<std::string> named;    // addresses ("HOST:PORT") the person gave this command: direct allowed
  // Runs before each onion dial (v3 client authorisation: tor must hold our
  // key for that service first). An error fails the dial with it.
  std::function<asio::awaitable<Result<void>>(const peers::PeerAddress&)> before_onion_dial;
};

class RoutedTransport final : public Transport {
 public:
  explicit RoutedTransport(Routes routes) : routes_(std::move(routes)) {}

  Result<std::string> listen(const peers::PeerAddress& address) override;
  bool listening() const noexcept override { return routes_.listener != nullptr && routes_.listener->listening(); }
  asio::awaitable<Result<Inbound>> accept() override;
  void close_listener() noexcept override;
  asio::awaitable<Result<Outbound>> dial(const peers::PeerAddress& address,
                                         std::chrono::milliseconds timeout) override;

  // Whether dial(address) would take tor, direct TCP, or be refused.
  enum class Route { kOnion, kDirect, kRefused };
  Route route(const peers::PeerAddress& address) const;

 private:
  Routes routes_;
};

}  // namespace tumar::net
