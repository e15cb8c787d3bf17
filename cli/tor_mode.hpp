#pragma once
// The tor a command runs for itself in Tor mode (issue 18; SECURITY.md,
// "Transport"): `serve`'s onion service, and the dialler of `sync` and
// `join`. It says what tor is doing while the person waits, and how it went
// (serve on stdout, its output; sync and join on stderr).
//
// Every file lives in the profile directory under tumar.tor/ (0700), which
// panic and duress wipe with the rest of the profile:
//   tumar.tor/serve/   serve's tor (DataDirectory, control and SOCKS sockets)
//   tumar.tor/client/  the tor of one-shot commands: tor locks its data
//                      directory, and `sync` must work while `serve` runs
//   tumar.tor/node/    the Unix socket tor forwards the onion service to
// Keeping tor's state between runs is what makes the second start fast
// (a cached consensus: seconds, not a minute); SECURITY.md says what it
// reveals.

#include <chrono>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/tor/control_commands.hpp"
#include "net/asio.hpp"
#include "net/net_error.hpp"
#include "net/tor/tor_supervisor.hpp"
#include "net/tor/tor_transport.hpp"

namespace tumar::cli {

// The onion service's port: what peers dial after ADDRESS.onion.
inline constexpr std::uint16_t kOnionPort = 7420;

// The most v3 client-auth keys one onion service can list: tor pads the
// list to a multiple of 16, and with 384 keys its descriptor is 54,733
// bytes, over the 50,000 it may upload — tor then accepts ADD_ONION but
// never publishes ("descriptor that's too big"), and nobody can reach the
// node. Measured with tor 0.4.9.11 on the private test network: 368 keys
// publish, 384 do not (docs/PROTOCOL.md). Above it, the node publishes
// without client authorisation, and says so.
inline constexpr std::size_t kMaxOnionClients = 368;

struct TorModeSettings {
  std::string tor_binary = "tor";
  std::string extra_torrc;  // the person's lines and bridges (cli/tor_options.hpp)
  bool quiet = false;       // no progress lines (--json output)
};

class TorMode {
 public:
  enum class Role { kServe, kClient };

  TorMode(net::asio::io_context& io, crypto::RandomSource& rng, const std::filesystem::path& home, Role role,
          TorModeSettings settings);
  ~TorMode();
  TorMode(const TorMode&) = delete;
  TorMode& operator=(const TorMode&) = delete;

  // Starts tor and runs the loop until it has bootstrapped, saying how far
  // it got on stderr. Fails when tor cannot be started, gives up, Ctrl-C
  // is pressed, or `timeout` passes (none: wait for ever,
  // with a hint about bridges after a minute). False when interrupted, or
  // when `abandon` (asked four times a second: a panic wipe) says so.
  core::Result<bool> bootstrap(std::optional<std::chrono::seconds> timeout,
                               const std::function<bool()>& abandon = {});

  // serve: binds the node's Unix socket (call before publish).
  net::Result<std::string> listen();
  // serve: ADD_ONION for the node's socket with `key` (null: tor makes one,
  // returned for the store) and exactly these client keys. Runs the loop
  // until tor answered. Returns "ADDRESS.onion:PORT".
  struct Published {
    std::string address;
    std::optional<tor::OnionServiceKey> new_key;
  };
  core::Result<Published> publish(const tor::OnionServiceKey* key, std::vector<tor::ClientAuthPublicKey> clients);
  // serve: publishes again with another client list (the directory changed).
  // On the loop: call from a handler, not from outside run().
  net::asio::awaitable<core::Result<void>> republish(std::vector<tor::ClientAuthPublicKey> clients);
  const std::vector<tor::ClientAuthPublicKey>& published_clients() const noexcept { return clients_; }
  // Whether the client list needs publishing: it differs from `clients`,
  // or the last republish failed half-way (the service is gone). False
  // while a republish runs.
  bool needs_republish(const std::vector<tor::ClientAuthPublicKey>& clients) const noexcept {
    return !republishing_ && (clients != clients_ || !service_live_);
  }

  // What a RoutedTransport runs before each onion dial: hands tor `key`
  // for that service once (v3 client authorisation).
  std::function<net::asio::awaitable<net::Result<void>>(const peers::PeerAddress&)> client_auth(
      const tor::ClientAuthPrivateKey& key);

  // After the node stopped: asks tor to exit and waits for it (bounded).
  void stop();

  net::tor::TorTransport& transport() noexcept { return *transport_; }
  net::TorSupervisor& supervisor() noexcept { return *supervisor_; }
  // tor's last bootstrap report, for `status`.
  const std::optional<tor::BootstrapStatus>& last_status() const noexcept { return last_status_; }
  // Each change of tor's state ("connecting", "ready", "restarting",
  // "stopped"), with the bootstrap percentage and tor's words for it.
  void on_state(std::function<void(const std::string&, int, const std::string&)> f) { on_state_ = std::move(f); }
  // Set once tor gave up for good (the node should stop).
  void on_gave_up(std::function<void(const core::Error&)> f) { gave_up_ = std::move(f); }

  static std::filesystem::path root(const std::filesystem::path& home) { return home / "tumar.tor"; }

 private:
  void say(const std::string& line);
  // `clients`, or none (with a warning) past kMaxOnionClients.
  std::vector<tor::ClientAuthPublicKey> listable(const std::vector<tor::ClientAuthPublicKey>& clients);
  std::FILE* out() const;
  void end_progress_line();
  void progress(const tor::BootstrapStatus& status);

  net::asio::io_context& io_;
  Role role_;
  TorModeSettings settings_;
  std::filesystem::path dir_;
  std::unique_ptr<net::TorSupervisor> supervisor_;
  std::unique_ptr<net::tor::TorTransport> transport_;
  std::optional<tor::BootstrapStatus> last_status_;
  int last_said_progress_ = -1;
  bool progress_line_open_ = false;
  bool ready_ = false;
  bool serving_ = false;  // after bootstrap: restarts are news
  std::optional<core::Error> fatal_;
  std::function<void(const core::Error&)> gave_up_;
  std::function<void(const std::string&, int, const std::string&)> on_state_;
  void state(const std::string& what) const {
    if (on_state_) on_state_(what, last_status_ ? last_status_->progress : 0, last_status_ ? last_status_->summary : "");
  }
  std::string service_id_;
  std::optional<tor::OnionServiceKey> key_;  // what was published, for republish()
  bool republishing_ = false;
  bool service_live_ = true;
  std::uint16_t port_ = kOnionPort;
  std::string socket_target_;
  std::vector<tor::ClientAuthPublicKey> clients_;
  std::shared_ptr<std::vector<std::string>> authorized_;  // services tor holds our key for
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Runs `io` until `done()` or `deadline`; false on the deadline.
bool run_loop_until(net::asio::io_context& io, const std::function<bool()>& done,
                    std::chrono::steady_clock::time_point deadline);

}  // namespace tumar::cli
