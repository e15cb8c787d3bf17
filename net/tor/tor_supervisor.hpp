#pragma once
// tumar's own tor, kept running (issue 18; docs/PROTOCOL.md, "The tor
// driver"): writes the torrc (core/tor/torrc), starts tor (TorProcess),
// connects and authenticates over the control socket (TorController),
// reports bootstrap progress, says "ready" at 100% once every onion service
// it was asked for is published, and when tor dies, stalls or its control
// connection fails, restarts it when core/tor/tor_supervision says so and
// publishes the same services with the same keys and client keys again.
// Every decision is the policy's; this file moves bytes and runs timers.
//
// Files in the data directory (0700): torrc, torrc-defaults (empty, so no
// system-wide defaults apply), control (the control socket), socks (the
// SOCKS socket), control_auth_cookie, tor.log, and tor's own state.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/tor/bootstrap.hpp"
#include "core/tor/control_commands.hpp"
#include "core/tor/tor_supervision.hpp"
#include "net/asio.hpp"
#include "net/tor/tor_controller.hpp"
#include "net/tor/tor_process.hpp"

namespace tumar::net {

struct TorSupervisorOptions {
  std::string tor_binary = "tor";         // a path, or a name looked up on PATH
  std::filesystem::path data_directory;   // absolute; its socket paths must fit sun_path
  std::string extra_torrc;                // the user's torrc lines (--torrc, TUMAR_TORRC, bridges)
  tor::SupervisionPolicy policy{};
  std::chrono::milliseconds control_timeout{30'000};  // each control command
  std::chrono::milliseconds socket_wait{30'000};      // for tor to open its control socket
  std::chrono::milliseconds stop_grace{5'000};        // SIGNAL SHUTDOWN -> SIGTERM -> SIGKILL
};

// Each runs on the io_context. None may destroy the supervisor.
struct TorSupervisorEvents {
  std::function<void(const tor::BootstrapStatus&)> on_bootstrap;
  std::function<void()> on_ready;  // after each (re)start: 100% and services published
  std::function<void(const tor::SupervisionStep::Restart&)> on_restart;
  std::function<void()> on_stalled;                  // no progress: tor is being restarted
  std::function<void(const core::Error&)> on_error;  // why tor is being restarted
  std::function<void(const core::Error&)> on_gave_up;
};

struct PublishedOnion {
  std::string service_id;                         // without ".onion"
  std::optional<tor::OnionServiceKey> new_key;    // for a NEW service: keep it in the store
};

class TorSupervisor {
 public:
  // `random` (the SAFECOOKIE nonces) must outlive the supervisor.
  TorSupervisor(asio::io_context& io, TorSupervisorOptions options, TorSupervisorEvents events,
                crypto::RandomSource& random);
  ~TorSupervisor();  // kills and reaps a tor still running
  TorSupervisor(const TorSupervisor&) = delete;
  TorSupervisor& operator=(const TorSupervisor&) = delete;

  // Checks the user's torrc lines and the paths, writes the files and
  // starts tor. An error here means tor was not started.
  [[nodiscard]] core::Result<void> start();
  // Stops tor (SIGNAL SHUTDOWN, SIGTERM, SIGKILL) and returns once it is reaped.
  asio::awaitable<void> stop();

  // ADD_ONION with `key`, or a new key when it is null; published again
  // after every restart. Needs the control connection (kTorControlClosed
  // while tor restarts).
  asio::awaitable<core::Result<PublishedOnion>> publish(const tor::OnionServiceKey* key,
                                                        tor::OnionPublication publication);
  asio::awaitable<core::Result<void>> unpublish(std::string service_id);
  // The key this node uses to reach `service_id`, kept in tor's memory only
  // and added again after a restart.
  asio::awaitable<core::Result<void>> authorize_client(std::string service_id, const tor::ClientAuthPrivateKey& key);
  asio::awaitable<core::Result<void>> deauthorize_client(std::string service_id);

  bool ready() const noexcept { return announced_ready_; }
  pid_t tor_pid() const noexcept { return process_.pid(); }
  std::filesystem::path socks_socket() const { return options_.data_directory / "socks"; }
  std::filesystem::path control_socket() const { return options_.data_directory / "control"; }

 private:
  struct Service {
    std::string service_id;
    tor::OnionServiceKey key;
    tor::OnionPublication publication;
  };
  class Lock;

  tor::SupervisionInstant now() const { return tor::SupervisionClock::now(); }
  void apply(tor::SupervisionStep step);
  void arm(std::optional<tor::SupervisionInstant> deadline);
  void launch();
  void stop_tor();
  void on_exit(int status);
  void on_progress(std::uint64_t generation, const tor::BootstrapStatus& status);
  void on_control_failed(std::uint64_t generation, const core::Error& error);
  void maybe_ready();
  asio::awaitable<void> bring_up(std::uint64_t generation);
  asio::awaitable<core::Result<void>> connect_and_restore(std::shared_ptr<TorController> controller,
                                                          std::uint64_t generation);
  asio::awaitable<void> acquire();
  void release() noexcept;
  bool current(std::uint64_t generation) const noexcept { return *alive_ && generation == generation_; }

  asio::io_context& io_;
  TorSupervisorOptions options_;
  TorSupervisorEvents events_;
  crypto::RandomSource& random_;
  tor::TorSupervision policy_;
  TorProcess process_;
  asio::steady_timer timer_;
  std::shared_ptr<TorController> controller_;  // authenticated once controller_ready_
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t generation_ = 0;  // one per tor started: stale callbacks are ignored
  bool controller_ready_ = false;
  bool bootstrapped_ = false;
  bool announced_ready_ = false;
  bool stopping_ = false;
  bool busy_ = false;  // a control command sequence runs (one at a time)
  std::vector<asio::steady_timer*> waiters_;
  std::vector<asio::steady_timer*> exit_waiters_;
  std::vector<Service> services_;
  std::map<std::string, tor::ClientAuthPrivateKey> client_keys_;
};

}  // namespace tumar::net
