#include "cli/tor_mode.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>

#include "cli/error_text.hpp"
#include "core/error_ids.hpp"
#include "core/log/log.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::cli {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// How long a person waits before being told why it may take long.
constexpr auto kBridgeHintAfter = 60s;
// How often a bootstrap asks whether to give up (a panic wipe).
constexpr auto kAbandonPoll = std::chrono::milliseconds(250);
// After the node stopped: tor's own shutdown (it closes circuits politely).
constexpr auto kStopWait = 8s;

core::Result<void> private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return core::fail<core::ErrorId::kTorDataDirFailed>(core::Errc::kStorage, dir.string(), ec.message());
  return {};
}

std::string service_id_of(const peers::PeerAddress& address) {
  const auto& host = address.host;
  return host.substr(0, host.size() - tor::kOnionSuffix.size());
}

}  // namespace

std::vector<tor::ClientAuthPublicKey> TorMode::listable(const std::vector<tor::ClientAuthPublicKey>& clients) {
  if (clients.size() <= kMaxOnionClients) return clients;
  say("Warning: " + std::to_string(clients.size()) + " members and open invites hold keys for this node, more than the " +
      std::to_string(kMaxOnionClients) +
      " one onion service can list. The node is published without client authorisation: anyone who learns its "
      "address can reach its handshake (which still admits only members). See SECURITY.md.");
  return {};
}

bool run_loop_until(net::asio::io_context& io, const std::function<bool()>& done,
                    std::chrono::steady_clock::time_point deadline) {
  net::asio::steady_timer wake(io);
  bool woke = false;
  wake.expires_at(deadline);
  wake.async_wait([&](const net::error_code& ec) {
    if (!ec) woke = true;
  });
  while (!done() && !woke) {
    if (io.stopped()) io.restart();
    io.run_one();
  }
  wake.cancel();
  // The cancelled wait's handler must run before `woke` goes out of scope.
  while (io.poll_one() != 0) {
  }
  return done();
}

TorMode::TorMode(net::asio::io_context& io, crypto::RandomSource& rng, const fs::path& home, Role role,
                 TorModeSettings settings)
    : io_(io),
      role_(role),
      settings_(std::move(settings)),
      dir_(root(home)),
      authorized_(std::make_shared<std::vector<std::string>>()) {
  net::TorSupervisorOptions options;
  options.tor_binary = settings_.tor_binary;
  options.data_directory = dir_ / (role == Role::kServe ? "serve" : "client");
  options.extra_torrc = settings_.extra_torrc;

  net::TorSupervisorEvents events;
  events.on_bootstrap = [this](const tor::BootstrapStatus& s) { progress(s); };
  events.on_ready = [this] {
    ready_ = true;
    state("ready");
    if (serving_) say("Tor is connected again; the node is reachable at its onion address.");
  };
  events.on_restart = [this](const tor::SupervisionStep::Restart& r) {
    ready_ = false;
    last_said_progress_ = -1;
    state("restarting");
    say("Tor stopped; tumar restarts it in " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(r.delay).count()) +
        " s (attempt " + std::to_string(r.attempt) + "). The node carries on and reconnects.");
  };
  events.on_stalled = [this] { say("Tor made no progress for two minutes; tumar restarts it."); };
  events.on_error = [](const core::Error& e) { log::warn("tor: " + e.describe()); };
  events.on_gave_up = [this](const core::Error& e) {
    fatal_ = e;
    if (gave_up_) gave_up_(e);
  };
  supervisor_ = std::make_unique<net::TorSupervisor>(io_, std::move(options), std::move(events), rng);
  net::tor::TorTransportOptions topts{net::tor::SocksEndpoint::unix_socket(supervisor_->socks_socket()),
                                      dir_ / "node", "onion.sock", "tumar", false};
  transport_ = std::make_unique<net::tor::TorTransport>(io_, std::move(topts));
}

TorMode::~TorMode() { *alive_ = false; }

std::FILE* TorMode::out() const {
  // A node's news is its output; a one-shot command keeps stdout for its
  // result (sync --json).
  return role_ == Role::kServe ? stdout : stderr;
}

void TorMode::say(const std::string& line) {
  if (settings_.quiet) return;
  end_progress_line();
  std::fprintf(out(), "%s\n", line.c_str());
  std::fflush(out());
}

void TorMode::end_progress_line() {
  if (!progress_line_open_) return;
  progress_line_open_ = false;
  std::fputc('\n', out());
}

void TorMode::progress(const tor::BootstrapStatus& status) {
  const bool changed = !last_status_ || last_status_->progress != status.progress;
  last_status_ = status;
  if (changed && !status.done()) state("connecting");
  if (status.should_warn() && status.warning) {
    // tor's own words: "Connection refused", "No route to host"...
    say("Tor: a problem connecting (" + *status.warning + "); it keeps trying.");
  }
  // Each step once: tor repeats a phase while it retries.
  if (status.progress <= last_said_progress_ || status.done() || settings_.quiet) return;
  last_said_progress_ = status.progress;
  const std::string line = "Connecting to the Tor network: " + std::to_string(status.progress) + "% (" + status.summary + ")";
  if (isatty(fileno(out())) == 0) return say(line);
  // On a terminal: one line, rewritten in place.
  std::fprintf(out(), "\r%-78.78s", line.c_str());
  std::fflush(out());
  progress_line_open_ = true;
}

core::Result<bool> TorMode::bootstrap(std::optional<std::chrono::seconds> timeout,
                                      const std::function<bool()>& abandon) {
  TUMAR_TRY(private_dir(dir_));
  TUMAR_TRY(supervisor_->start());
  say("Starting Tor...");
  bool interrupted = false;
  net::asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([&](const net::error_code& ec, int) {
    if (!ec) interrupted = true;
  });
  // A panic wipe must stop a node still waiting for tor within a second,
  // as it stops a running one (the engine's wipe watch is not running yet).
  net::asio::steady_timer watch(io_);
  std::function<void()> check = [&] {
    watch.expires_after(kAbandonPoll);
    watch.async_wait([&](const net::error_code& ec) {
      if (ec) return;
      if (abandon()) {
        interrupted = true;
        return;
      }
      check();
    });
  };
  if (abandon) check();
  const auto started = std::chrono::steady_clock::now();
  const auto hint_at = started + kBridgeHintAfter;
  bool hinted = false;
  while (true) {
    auto until = timeout ? std::min(started + *timeout, hint_at) : hint_at;
    if (hinted) until = timeout ? started + *timeout : std::chrono::steady_clock::time_point::max();
    if (run_loop_until(io_, [&] { return ready_ || fatal_.has_value() || interrupted; }, until)) break;
    if (!hinted && std::chrono::steady_clock::now() >= hint_at) {
      hinted = true;
      say("Still connecting to Tor. On a slow link this takes a few minutes; if Tor is blocked where you are, "
          "stop with Ctrl-C and add bridges (`tumar tor bridges add LINE`).");
    }
    if (timeout && std::chrono::steady_clock::now() >= started + *timeout) break;
  }
  net::error_code ignored;
  signals.cancel(ignored);
  watch.cancel();
  while (io_.poll_one() != 0) {
  }
  end_progress_line();
  if (ready_) {
    serving_ = true;
    return true;
  }
  if (fatal_) return tl::unexpected(*fatal_);
  if (interrupted) return false;
  const int reached = last_status_ ? last_status_->progress : 0;
  const std::string summary = last_status_ ? last_status_->summary : std::string("starting");
  return core::fail<core::ErrorId::kTorBootstrapTimedOut>(core::Errc::kRefused, static_cast<std::uint64_t>(timeout->count()),
                                                          reached, summary);
}

net::Result<std::string> TorMode::listen() {
  if (auto made = private_dir(dir_ / "node"); !made) {
    return net::fail(net::Errc::kAddress, net::Failure::kListenUnsafeDir, (dir_ / "node").string());
  }
  auto bound = transport_->listen({"", port_});
  if (bound) socket_target_ = *bound;
  return bound;
}

core::Result<TorMode::Published> TorMode::publish(const tor::OnionServiceKey* key,
                                                  std::vector<tor::ClientAuthPublicKey> clients) {
  if (socket_target_.empty()) core::misuse("TorMode: publish() before listen()");
  tor::OnionPublication publication;
  publication.virtual_port = port_;
  publication.unix_socket_path = socket_target_.substr(std::string("unix:").size());
  publication.authorized_clients = listable(clients);
  // Shared with the coroutine, which may outlive this call if tor gives up.
  auto reply = std::make_shared<std::optional<core::Result<net::PublishedOnion>>>();
  net::asio::co_spawn(
      io_,
      [this, key, publication, reply]() -> net::asio::awaitable<void> {
        auto r = co_await supervisor_->publish(key, publication);
        reply->emplace(std::move(r));
      },
      net::asio::detached);
  run_loop_until(io_, [&] { return reply->has_value() || fatal_.has_value(); },
                 std::chrono::steady_clock::time_point::max());
  if (!reply->has_value()) return tl::unexpected(*fatal_);
  auto& result = **reply;
  if (!result) return tl::unexpected(result.error());
  service_id_ = result->service_id;
  key_ = tor::OnionServiceKey::copy_of(key != nullptr ? key->span() : result->new_key->span());
  clients_ = std::move(clients);
  const peers::PeerAddress address{service_id_ + std::string(tor::kOnionSuffix), port_};
  transport_->set_public_address(address);
  Published out;
  out.address = address.to_string();
  out.new_key = std::move(result->new_key);
  return out;
}

net::asio::awaitable<core::Result<void>> TorMode::republish(std::vector<tor::ClientAuthPublicKey> clients) {
  // tor cannot change an ephemeral service's client list in place: the
  // service goes and comes back with the same key (so the same address),
  // and connections through it are cut; their peers redial.
  auto alive = alive_;
  if (!key_) core::misuse("TorMode: republish() before publish()");
  tor::OnionPublication publication;
  publication.virtual_port = port_;
  publication.unix_socket_path = socket_target_.substr(std::string("unix:").size());
  publication.authorized_clients = listable(clients);
  republishing_ = true;
  service_live_ = false;  // until it is back: a failure below leaves it to the next check
  auto removed = co_await supervisor_->unpublish(service_id_);
  if (!*alive) co_return core::fail<core::ErrorId::kTorControlClosed>(core::Errc::kProtocol);
  if (!removed) {
    republishing_ = false;
    co_return removed;
  }
  auto again = co_await supervisor_->publish(&*key_, std::move(publication));
  if (!*alive) co_return core::fail<core::ErrorId::kTorControlClosed>(core::Errc::kProtocol);
  republishing_ = false;
  if (!again) co_return tl::unexpected(again.error());
  clients_ = std::move(clients);
  service_live_ = true;
  co_return core::Result<void>{};
}

std::function<net::asio::awaitable<net::Result<void>>(const peers::PeerAddress&)> TorMode::client_auth(
    const tor::ClientAuthPrivateKey& key) {
  auto shared_key = std::make_shared<tor::ClientAuthPrivateKey>(tor::ClientAuthPrivateKey::copy_of(key.span()));
  return [this, shared_key, authorized = authorized_,
          alive = alive_](const peers::PeerAddress& address) -> net::asio::awaitable<net::Result<void>> {
    const std::string id = service_id_of(address);
    if (std::find(authorized->begin(), authorized->end(), id) != authorized->end()) co_return net::Result<void>{};
    auto added = co_await supervisor_->authorize_client(id, *shared_key);
    if (!*alive) co_return net::fail(net::Errc::kUnreachable, net::Failure::kDialProxyFailed, address.to_string());
    if (!added) {
      co_return net::fail(net::Errc::kUnreachable, net::Failure::kDialSocksFailed, address.to_string(), added.error());
    }
    authorized->push_back(id);
    co_return net::Result<void>{};
  };
}

void TorMode::stop() {
  auto stopped = std::make_shared<bool>(false);
  net::asio::co_spawn(
      io_,
      [this, stopped]() -> net::asio::awaitable<void> {
        co_await supervisor_->stop();
        *stopped = true;
      },
      net::asio::detached);
  run_loop_until(io_, [&] { return *stopped; }, std::chrono::steady_clock::now() + kStopWait);
  state("stopped");
  // A tor that would not exit, the supervisor's destructor kills.
}

}  // namespace tumar::cli
