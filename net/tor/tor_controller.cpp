#include "net/tor/tor_controller.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/asio/write.hpp>

#include "core/error_ids.hpp"
#include "core/log/log.hpp"
#include "core/tor/safecookie.hpp"

namespace tumar::net {

using core::Errc;
using core::ErrorId;

namespace {

constexpr std::size_t kReadChunk = 4096;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

// The command in flight: the reader puts its reply here and wakes it.
struct TorController::Pending {
  explicit Pending(asio::io_context& io) : wake(io) { wake.expires_at(asio::steady_timer::time_point::max()); }
  asio::steady_timer wake;
  std::optional<tor::ControlReply> reply;
};

core::Result<tor::ControlCookie> read_control_cookie(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return core::fail<ErrorId::kTorCookieUnreadable>(Errc::kStorage, path, std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return core::fail<ErrorId::kTorCookieUnreadable>(Errc::kStorage, path, "not a regular file");
  }
  if (st.st_size != static_cast<off_t>(tor::kCookieLen)) {
    ::close(fd);
    return core::fail<ErrorId::kTorControlCookieSize>(Errc::kCorrupt, static_cast<std::int64_t>(st.st_size));
  }
  crypto::SecretBuffer contents(tor::kCookieLen);
  std::size_t have = 0;
  while (have < contents.size()) {
    const ssize_t n = ::read(fd, contents.data() + have, contents.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  contents.truncate(have);
  return tor::control_cookie(contents);
}

std::shared_ptr<TorController> TorController::make(asio::io_context& io, TorControllerOptions options) {
  return std::shared_ptr<TorController>(new TorController(io, std::move(options)));
}

TorController::TorController(asio::io_context& io, TorControllerOptions options)
    : io_(io), options_(std::move(options)), socket_(io), parser_(options_.limits) {}

TorController::~TorController() { close(); }

void TorController::set_handlers(BootstrapHandler on_bootstrap, ClosedHandler on_closed) {
  on_bootstrap_ = std::move(on_bootstrap);
  on_closed_ = std::move(on_closed);
}

void TorController::detach() noexcept {
  on_bootstrap_ = nullptr;
  on_closed_ = nullptr;
  close();
}

void TorController::close() noexcept {
  error_code ignored;
  socket_.close(ignored);
  if (pending_ != nullptr) pending_->wake.cancel();
}

void TorController::fail(core::Error error) noexcept {
  if (failed_) return;
  failed_ = error;
  close();
  log::write(log::Level::kDebug, "tor control connection failed: " + error.describe());
  ClosedHandler handler = std::move(on_closed_);
  on_closed_ = nullptr;
  if (handler) handler(error);
}

asio::awaitable<core::Result<void>> TorController::connect(std::string path) {
  auto self = shared_from_this();
  if (socket_.is_open() || failed_) core::misuse("TorController::connect: once only");
  asio::steady_timer watchdog(io_);
  bool timed_out = false;
  watchdog.expires_after(options_.command_timeout);
  watchdog.async_wait([this, self, &timed_out](const error_code& ec) {
    (void)self;  // keeps the controller alive until the handler ran
    if (ec) return;
    timed_out = true;
    close();
  });
  error_code ec;
  co_await socket_.async_connect(asio::local::stream_protocol::endpoint(path),
                                 asio::redirect_error(asio::use_awaitable, ec));
  watchdog.cancel();
  if (timed_out) {
    close();
    co_return core::fail<ErrorId::kTorControlTimedOut>(Errc::kProtocol, "connect");
  }
  if (ec) {
    close();
    co_return core::fail<ErrorId::kTorControlConnectFailed>(Errc::kProtocol, path, ec.message());
  }
  asio::co_spawn(io_, [self]() { return self->read_loop(); },
                 [](std::exception_ptr e) { log_coroutine_exit("tor control reader", e); });
  co_return core::Result<void>{};
}

asio::awaitable<void> TorController::read_loop() {
  auto self = shared_from_this();
  crypto::SecretBuffer buf(kReadChunk);
  while (!failed_) {
    error_code ec;
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(buf.data(), buf.size()),
                                                           asio::redirect_error(asio::use_awaitable, ec));
    if (failed_) break;
    if (ec) {
      fail(parser_.closed());
      break;
    }
    std::span<const std::uint8_t> in(buf.data(), n);
    while (!in.empty() && !failed_) {
      auto r = parser_.next(in);
      if (!r) {
        fail(r.error());
        break;
      }
      if (!r->has_value()) break;
      dispatch(std::move(**r));
    }
    crypto::wipe(buf.span().first(n));
  }
}

void TorController::dispatch(tor::ControlReply reply) {
  if (reply.is_event()) {
    auto status = tor::parse_bootstrap_event(reply);
    if (!status) {
      fail(status.error());
      return;
    }
    if (*status && on_bootstrap_) on_bootstrap_(**status);
    return;
  }
  if (pending_ == nullptr || pending_->reply) {
    fail(core::make_error<ErrorId::kTorControlUnsolicitedReply>(Errc::kProtocol));
    return;
  }
  pending_->reply = std::move(reply);
  pending_->wake.cancel();
}

asio::awaitable<core::Result<tor::ControlReply>> TorController::exchange(std::span<const std::uint8_t> line,
                                                                         std::string_view command) {
  auto self = shared_from_this();
  if (failed_) co_return tl::unexpected(*failed_);
  if (!socket_.is_open()) co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
  if (pending_ != nullptr) core::misuse("TorController: one command at a time");
  Pending pending(io_);
  pending_ = &pending;
  // One deadline for the write and the reply: it fails the connection,
  // which ends both.
  asio::steady_timer watchdog(io_);
  watchdog.expires_after(options_.command_timeout);
  watchdog.async_wait([self, name = std::string(command)](const error_code& ec) {
    if (ec) return;
    self->fail(core::make_error<ErrorId::kTorControlTimedOut>(Errc::kProtocol, name));
  });
  error_code ec;
  co_await asio::async_write(socket_, asio::buffer(line.data(), line.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec && !failed_) fail(core::make_error<ErrorId::kTorControlClosed>(Errc::kProtocol));
  if (!pending.reply && !failed_) {
    co_await pending.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  watchdog.cancel();
  pending_ = nullptr;
  if (pending.reply) co_return std::move(*pending.reply);
  if (failed_) co_return tl::unexpected(*failed_);
  co_return core::fail<ErrorId::kTorControlClosed>(Errc::kProtocol);
}

asio::awaitable<core::Result<tor::ControlReply>> TorController::exchange(const std::string& line,
                                                                         std::string_view command) {
  co_return co_await exchange(bytes_of(line), command);
}

asio::awaitable<core::Result<void>> TorController::authenticate(crypto::RandomSource& random) {
  auto info_reply = co_await exchange(tor::protocolinfo_command(), "PROTOCOLINFO");
  if (!info_reply) co_return tl::unexpected(info_reply.error());
  auto info = tor::parse_protocolinfo(*info_reply);
  if (!info) co_return tl::unexpected(info.error());
  auto named = tor::safecookie_file(*info);
  if (!named) co_return tl::unexpected(named.error());
  auto cookie = read_control_cookie(options_.cookie_file.value_or(*named));
  if (!cookie) co_return tl::unexpected(cookie.error());

  tor::SafeCookieChallenge challenge(random);
  auto challenge_reply = co_await exchange(challenge.command(), "AUTHCHALLENGE");
  if (!challenge_reply) co_return tl::unexpected(challenge_reply.error());
  auto server = tor::parse_authchallenge(*challenge_reply);
  if (!server) co_return tl::unexpected(server.error());
  // Nothing is sent unless tor proved it knows the cookie.
  auto authenticate = challenge.authenticate_command(*cookie, *server);
  if (!authenticate) {
    fail(authenticate.error());
    co_return tl::unexpected(authenticate.error());
  }
  auto done = co_await exchange(*authenticate, "AUTHENTICATE");
  if (!done) co_return tl::unexpected(done.error());
  co_return tor::expect_success(*done, "AUTHENTICATE");
}

asio::awaitable<core::Result<void>> TorController::take_ownership() {
  auto reply = co_await exchange(tor::take_ownership_command(), "TAKEOWNERSHIP");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::expect_success(*reply, "TAKEOWNERSHIP");
}

asio::awaitable<core::Result<tor::BootstrapStatus>> TorController::watch_bootstrap() {
  auto events = co_await exchange(tor::setevents_status_client_command(), "SETEVENTS");
  if (!events) co_return tl::unexpected(events.error());
  if (auto ok = tor::expect_success(*events, "SETEVENTS"); !ok) co_return tl::unexpected(ok.error());
  auto phase = co_await exchange(tor::getinfo_bootstrap_phase_command(), "GETINFO");
  if (!phase) co_return tl::unexpected(phase.error());
  co_return tor::parse_bootstrap_phase(*phase);
}

asio::awaitable<core::Result<tor::AddOnionReply>> TorController::add_onion(const tor::OnionServiceKey* key,
                                                                         const tor::OnionPublication& publication) {
  auto line = key != nullptr ? tor::add_onion_command(*key, publication) : tor::add_onion_new_command(publication);
  if (!line) co_return tl::unexpected(line.error());
  auto reply = co_await exchange(line->span(), "ADD_ONION");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::parse_add_onion(std::move(*reply));
}

asio::awaitable<core::Result<void>> TorController::del_onion(std::string service_id) {
  auto line = tor::del_onion_command(service_id);
  if (!line) co_return tl::unexpected(line.error());
  auto reply = co_await exchange(*line, "DEL_ONION");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::expect_success(*reply, "DEL_ONION");
}

asio::awaitable<core::Result<void>> TorController::onion_client_auth_add(std::string service_id,
                                                                         const tor::ClientAuthPrivateKey& key) {
  auto line = tor::onion_client_auth_add_command(service_id, key);
  if (!line) co_return tl::unexpected(line.error());
  auto reply = co_await exchange(line->span(), "ONION_CLIENT_AUTH_ADD");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::expect_success(*reply, "ONION_CLIENT_AUTH_ADD");
}

asio::awaitable<core::Result<void>> TorController::onion_client_auth_remove(std::string service_id) {
  auto line = tor::onion_client_auth_remove_command(service_id);
  if (!line) co_return tl::unexpected(line.error());
  auto reply = co_await exchange(*line, "ONION_CLIENT_AUTH_REMOVE");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::expect_success(*reply, "ONION_CLIENT_AUTH_REMOVE");
}

asio::awaitable<core::Result<void>> TorController::signal_shutdown() {
  auto reply = co_await exchange(tor::signal_shutdown_command(), "SIGNAL");
  if (!reply) co_return tl::unexpected(reply.error());
  co_return tor::expect_success(*reply, "SIGNAL");
}

}  // namespace tumar::net
