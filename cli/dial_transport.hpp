#pragma once
// The transport of a command that only dials (`sync`, `join`): direct TCP
// for the addresses the person allowed, and a tor of its own, started only
// when a target is an onion address (net/routed_transport.hpp decides each
// dial; cli/tor_mode.hpp runs the tor).

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/tor_mode.hpp"
#include "core/peers/peer_address.hpp"
#include "net/routed_transport.hpp"
#include "net/tcp_transport.hpp"

namespace tumar::cli {

// How long a one-shot command waits for tor to connect to the network.
inline constexpr std::chrono::seconds kBootstrapTimeout{180};
// A dial through tor: a circuit, the service's descriptor, an introduction.
inline constexpr std::chrono::seconds kOnionDialTimeout{60};

struct DialPlan {
  std::vector<peers::PeerAddress> targets;
  std::set<std::string> named;    // typed by the person for this command: direct TCP allowed
  bool direct_allowed = false;    // the profile's setting (or a demo profile)
  TorModeSettings tor;
  std::filesystem::path home;
};

class DialTransport {
 public:
  DialTransport(net::asio::io_context& io, crypto::RandomSource& rng) : io_(io), rng_(rng), tcp_(io) {}

  // Whether any target needs tor (then start() bootstraps one).
  static bool needs_tor(const std::vector<peers::PeerAddress>& targets);

  // Starts tor if a target needs it and waits for it (false: interrupted),
  // handing it `client_key` for each onion service dialled.
  core::Result<bool> start(const DialPlan& plan, const tor::ClientAuthPrivateKey* client_key);
  net::Transport& transport() { return *routed_; }
  bool uses_tor() const noexcept { return tor_ != nullptr; }
  // Once the engine finished: stops tor.
  void finish();

 private:
  net::asio::io_context& io_;
  crypto::RandomSource& rng_;
  net::TcpTransport tcp_;
  std::unique_ptr<TorMode> tor_;
  std::unique_ptr<net::RoutedTransport> routed_;
};

}  // namespace tumar::cli
