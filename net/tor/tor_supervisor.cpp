#include "net/tor/tor_supervisor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error_ids.hpp"
#include "core/log/log.hpp"
#include "core/tor/torrc.hpp"

namespace tumar::net {

using core::Errc;
using core::ErrorId;
namespace fs = std::filesystem;

namespace {

constexpr std::chrono::milliseconds kSocketPoll{100};

// Writes `text` to `path` (0600, never through a symlink).
core::Result<void> write_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return core::fail<ErrorId::kTorDataDirFailed>(Errc::kStorage, path.string(), std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      return core::fail<ErrorId::kTorDataDirFailed>(Errc::kStorage, path.string(), std::strerror(e));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return {};
}

}  // namespace

// Holds the control connection for one command sequence.
class TorSupervisor::Lock {
 public:
  explicit Lock(TorSupervisor& s) : s_(&s), alive_(s.alive_) {}
  ~Lock() {
    if (*alive_) s_->release();
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  TorSupervisor* s_;
  std::shared_ptr<bool> alive_;
};

TorSupervisor::TorSupervisor(asio::io_context& io, TorSupervisorOptions options, TorSupervisorEvents events,
                             crypto::RandomSource& random)
    : io_(io),
      options_(std::move(options)),
      events_(std::move(events)),
      random_(random),
      policy_(options_.policy),
      process_(io),
      timer_(io) {}

TorSupervisor::~TorSupervisor() {
  *alive_ = false;
  if (controller_) controller_->detach();
  process_.kill_now();
  timer_.cancel();
  for (asio::steady_timer* t : waiters_) t->cancel();
  for (asio::steady_timer* t : exit_waiters_) t->cancel();
}

core::Result<void> TorSupervisor::start() {
  const fs::path& dir = options_.data_directory;
  TUMAR_TRY_ASSIGN(extra, tor::check_extra_torrc(options_.extra_torrc));
  tor::TorrcOptions torrc;
  torrc.data_directory = dir.string();
  torrc.control_socket = control_socket().string();
  torrc.socks_socket = socks_socket().string();
  torrc.cookie_file = (dir / "control_auth_cookie").string();
  torrc.owning_pid = static_cast<std::uint32_t>(::getpid());
  torrc.extra_lines = std::move(extra);
  TUMAR_TRY_ASSIGN(text, tor::write_torrc(torrc));

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return core::fail<ErrorId::kTorDataDirFailed>(Errc::kStorage, dir.string(), ec.message());
  TUMAR_TRY(write_file(dir / "torrc", text));
  TUMAR_TRY(write_file(dir / "torrc-defaults", ""));
  apply(policy_.start(now()));
  return {};
}

void TorSupervisor::apply(tor::SupervisionStep step) {
  if (step.restart && events_.on_restart) events_.on_restart(*step.restart);
  if (step.stalled && events_.on_stalled) events_.on_stalled();
  switch (step.action) {
    case tor::SupervisionAction::kStart:
      launch();
      break;
    case tor::SupervisionAction::kStop:
      stop_tor();
      break;
    case tor::SupervisionAction::kGiveUp:
      if (events_.on_gave_up) events_.on_gave_up(core::make_error<ErrorId::kTorGaveUp>(Errc::kRefused, policy_.failures()));
      break;
    case tor::SupervisionAction::kNone:
      break;
  }
  arm(policy_.deadline());
}

void TorSupervisor::arm(std::optional<tor::SupervisionInstant> deadline) {
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*deadline);
  timer_.async_wait([this, alive = alive_](const error_code& ec) {
    if (ec || !*alive) return;
    apply(policy_.on_timer(now()));
  });
}

void TorSupervisor::launch() {
  ++generation_;
  controller_ready_ = bootstrapped_ = announced_ready_ = false;
  const fs::path& dir = options_.data_directory;
  std::error_code ignored;
  fs::remove(control_socket(), ignored);  // a stale socket of the last tor
  TorLaunch how;
  how.binary = options_.tor_binary;
  how.torrc = (dir / "torrc").string();
  how.defaults_torrc = (dir / "torrc-defaults").string();
  how.log_file = (dir / "tor.log").string();
  auto spawned = process_.spawn(how, [this](int status) { on_exit(status); });
  if (!spawned) {
    if (events_.on_error) events_.on_error(spawned.error());
    apply(policy_.on_exited(now(), -1));
    return;
  }
  apply(policy_.on_started(now()));
  const std::uint64_t generation = generation_;
  asio::co_spawn(io_, bring_up(generation), [](std::exception_ptr e) { log_coroutine_exit("tor bring-up", e); });
}

void TorSupervisor::stop_tor() {
  controller_ready_ = false;
  ++generation_;  // the old tor's progress and failures are no longer news
  if (stopping_ && controller_ && controller_->is_open()) {
    // In order: tor is asked to exit; SIGTERM and SIGKILL only if it does not.
    asio::co_spawn(
        io_,
        [this, controller = controller_, alive = alive_]() -> asio::awaitable<void> {
          co_await acquire();
          if (!*alive) co_return;
          Lock lock(*this);
          (void)co_await controller->signal_shutdown();
        },
        [](std::exception_ptr e) { log_coroutine_exit("tor shutdown", e); });
    process_.stop(options_.stop_grace, options_.stop_grace);
    return;
  }
  if (controller_) controller_->detach();
  process_.stop(std::chrono::milliseconds(0), options_.stop_grace);
}

void TorSupervisor::on_exit(int status) {
  log::debug("tor exited with wait status " + std::to_string(status));
  if (controller_) controller_->detach();
  controller_.reset();
  controller_ready_ = bootstrapped_ = announced_ready_ = false;
  ++generation_;  // whatever the old tor's coroutines still do is stale
  for (asio::steady_timer* t : exit_waiters_) t->cancel();
  apply(policy_.on_exited(now(), status));
}

void TorSupervisor::on_progress(std::uint64_t generation, const tor::BootstrapStatus& status) {
  if (!current(generation)) return;
  if (events_.on_bootstrap) events_.on_bootstrap(status);
  apply(policy_.on_progress(now(), status.progress));
  if (status.done()) {
    bootstrapped_ = true;
    maybe_ready();
  }
}

void TorSupervisor::on_control_failed(std::uint64_t generation, const core::Error& error) {
  if (!current(generation) || stopping_) return;
  controller_ready_ = false;
  if (events_.on_error) events_.on_error(error);
  apply(policy_.on_control_lost(now()));
}

void TorSupervisor::maybe_ready() {
  if (!bootstrapped_ || !controller_ready_ || announced_ready_) return;
  announced_ready_ = true;
  if (events_.on_ready) events_.on_ready();
}

asio::awaitable<void> TorSupervisor::bring_up(std::uint64_t generation) {
  auto alive = alive_;
  TorControllerOptions copts;
  copts.command_timeout = options_.control_timeout;
  copts.cookie_file = (options_.data_directory / "control_auth_cookie").string();
  auto controller = TorController::make(io_, copts);
  controller_ = controller;
  controller->set_handlers(
      [this, generation](const tor::BootstrapStatus& s) { on_progress(generation, s); },
      [this, generation](const core::Error& e) { on_control_failed(generation, e); });
  auto result = co_await connect_and_restore(controller, generation);
  if (!*alive || !current(generation)) co_return;
  if (!result) {
    controller->detach();
    on_control_failed(generation, result.error());
    co_return;
  }
  controller_ready_ = true;
  maybe_ready();
}

// GCC 12 at -O2 reports -Wmismatched-new-delete on Asio's own coroutine
// frame allocator (awaitable_frame_base's operator new and delete, inlined)
// for this coroutine: a false positive, as CMakeLists.txt says for the
// sanitizer build. Only this function is exempt.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<core::Result<void>> TorSupervisor::connect_and_restore(std::shared_ptr<TorController> controller,
                                                                       std::uint64_t generation) {
  auto alive = alive_;
  const auto deadline = std::chrono::steady_clock::now() + options_.socket_wait;
  const std::string path = control_socket().string();
  asio::steady_timer pause(io_);
  // tor opens its control socket a moment after it starts.
  while (true) {
    auto connected = co_await controller->connect(path);
    if (!*alive || !current(generation)) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
    if (connected) break;
    if (std::chrono::steady_clock::now() >= deadline) co_return tl::unexpected(connected.error());
    pause.expires_after(kSocketPoll);
    error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive || !current(generation)) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  }
  co_await acquire();
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  Lock lock(*this);
  auto step = co_await controller->authenticate(random_);
  if (step) step = co_await controller->take_ownership();
  if (!step) co_return step;
  auto phase = co_await controller->watch_bootstrap();
  if (!phase) co_return tl::unexpected(phase.error());
  if (!*alive || !current(generation)) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  on_progress(generation, *phase);
  // The same services, keys and client keys as before the restart.
  for (const Service& s : services_) {
    auto again = co_await controller->add_onion(&s.key, s.publication);
    if (!again) co_return tl::unexpected(again.error());
    if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
    if (again->service_id != s.service_id) {
      co_return core::fail<ErrorId::kTorControlMalformedReply>(Errc::kProtocol, "ADD_ONION");
    }
  }
  for (const auto& [id, key] : client_keys_) {
    auto added = co_await controller->onion_client_auth_add(id, key);
    if (!added) co_return added;
    if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  }
  co_return core::Result<void>{};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

asio::awaitable<void> TorSupervisor::acquire() {
  auto alive = alive_;
  while (*alive && busy_) {
    asio::steady_timer wait(io_);
    wait.expires_at(asio::steady_timer::time_point::max());
    waiters_.push_back(&wait);
    error_code ec;
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive) co_return;
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), &wait), waiters_.end());
  }
  busy_ = true;
}

void TorSupervisor::release() noexcept {
  busy_ = false;
  for (asio::steady_timer* t : waiters_) t->cancel();
}

asio::awaitable<void> TorSupervisor::stop() {
  auto alive = alive_;
  stopping_ = true;
  apply(policy_.stop(now()));
  while (*alive && process_.running()) {
    asio::steady_timer wait(io_);
    wait.expires_at(asio::steady_timer::time_point::max());
    exit_waiters_.push_back(&wait);
    error_code ec;
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive) co_return;
    exit_waiters_.erase(std::remove(exit_waiters_.begin(), exit_waiters_.end(), &wait), exit_waiters_.end());
  }
  timer_.cancel();
}

asio::awaitable<core::Result<PublishedOnion>> TorSupervisor::publish(const tor::OnionServiceKey* key,
                                                                    tor::OnionPublication publication) {
  auto alive = alive_;
  co_await acquire();
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  Lock lock(*this);
  if (!controller_ready_ || !controller_) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  auto controller = controller_;
  auto reply = co_await controller->add_onion(key, publication);
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  if (!reply) co_return tl::unexpected(reply.error());
  if (key == nullptr && !reply->private_key) {
    co_return core::fail<ErrorId::kTorControlMalformedReply>(Errc::kProtocol, "ADD_ONION");
  }
  const tor::OnionServiceKey& kept = key != nullptr ? *key : *reply->private_key;
  services_.push_back(Service{reply->service_id, tor::OnionServiceKey::copy_of(kept.span()), std::move(publication)});
  PublishedOnion out;
  out.service_id = reply->service_id;
  out.new_key = std::move(reply->private_key);
  co_return out;
}

asio::awaitable<core::Result<void>> TorSupervisor::unpublish(std::string service_id) {
  auto alive = alive_;
  services_.erase(std::remove_if(services_.begin(), services_.end(),
                                 [&](const Service& s) { return s.service_id == service_id; }),
                  services_.end());
  co_await acquire();
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  Lock lock(*this);
  if (!controller_ready_ || !controller_) co_return core::Result<void>{};  // not published in the next tor anyway
  auto controller = controller_;
  co_return co_await controller->del_onion(service_id);
}

asio::awaitable<core::Result<void>> TorSupervisor::authorize_client(std::string service_id,
                                                                  const tor::ClientAuthPrivateKey& key) {
  auto alive = alive_;
  co_await acquire();
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  Lock lock(*this);
  client_keys_.insert_or_assign(service_id, tor::ClientAuthPrivateKey::copy_of(key.span()));
  if (!controller_ready_ || !controller_) co_return core::Result<void>{};  // added when tor is back
  auto controller = controller_;
  co_return co_await controller->onion_client_auth_add(service_id, key);
}

asio::awaitable<core::Result<void>> TorSupervisor::deauthorize_client(std::string service_id) {
  auto alive = alive_;
  co_await acquire();
  if (!*alive) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  Lock lock(*this);
  client_keys_.erase(service_id);
  if (!controller_ready_ || !controller_) co_return core::Result<void>{};
  auto controller = controller_;
  co_return co_await controller->onion_client_auth_remove(service_id);
}

}  // namespace tumar::net
