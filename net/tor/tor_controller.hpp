#pragma once
// tor's control connection over its Unix control socket (docs/PROTOCOL.md,
// "The control connection" and "The tor driver"): bytes in and out, every
// decision in core/tor's parsers and builders.
//
//   PROTOCOLINFO 1                       -> SAFECOOKIE offered, cookie file named
//   AUTHCHALLENGE SAFECOOKIE <nonce>     -> server hash checked (constant time)
//   AUTHENTICATE <client hash>
//   TAKEOWNERSHIP                        tor exits when this connection closes
//   SETEVENTS STATUS_CLIENT              bootstrap progress as 650 events
//   GETINFO status/bootstrap-phase       where tor is now
//
// One reader runs for the connection's life: a 650 event goes to the
// bootstrap handler, any other reply to the one command in flight (tor
// answers in order; tumar sends the next command only after the answer).
// Every command has a deadline; a reply no command asked for, a malformed
// or oversized reply, a timeout or the socket closing fails the connection
// for good: the closed handler runs once and every later call returns that
// error. The read buffer is locked memory wiped after each read, since
// ADD_ONION's reply carries the onion key.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/local/stream_protocol.hpp>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/tor/bootstrap.hpp"
#include "core/tor/control_commands.hpp"
#include "core/tor/control_replies.hpp"
#include "core/tor/control_reply.hpp"
#include "net/asio.hpp"

namespace tumar::net {

struct TorControllerOptions {
  std::chrono::milliseconds command_timeout{30'000};  // connect, and each command to its reply
  tor::ControlLimits limits{};
  // The cookie file tumar told tor to write (CookieAuthFile). When set it is
  // read instead of the one PROTOCOLINFO names, so whatever answers on the
  // socket cannot point tumar at another file.
  std::optional<std::string> cookie_file;
};

class TorController : public std::enable_shared_from_this<TorController> {
 public:
  using BootstrapHandler = std::function<void(const tor::BootstrapStatus&)>;
  using ClosedHandler = std::function<void(const core::Error&)>;

  static std::shared_ptr<TorController> make(asio::io_context& io, TorControllerOptions options = {});
  ~TorController();
  TorController(const TorController&) = delete;
  TorController& operator=(const TorController&) = delete;

  // Handlers run on the io_context; set them before connect(). detach()
  // drops them (the owner is going away) and closes the connection.
  void set_handlers(BootstrapHandler on_bootstrap, ClosedHandler on_closed);
  void detach() noexcept;

  // kTorControlConnectFailed{path, reason}, or kTorControlTimedOut.
  asio::awaitable<core::Result<void>> connect(std::string path);
  // PROTOCOLINFO, then SAFECOOKIE (the cookie read without following a symlink).
  asio::awaitable<core::Result<void>> authenticate(crypto::RandomSource& random);
  asio::awaitable<core::Result<void>> take_ownership();
  // SETEVENTS STATUS_CLIENT, then GETINFO status/bootstrap-phase: where tor
  // is now; later progress comes to the bootstrap handler.
  asio::awaitable<core::Result<tor::BootstrapStatus>> watch_bootstrap();

  // ADD_ONION with `key`, or NEW:ED25519-V3 when it is null (the reply then
  // carries the new key).
  asio::awaitable<core::Result<tor::AddOnionReply>> add_onion(const tor::OnionServiceKey* key,
                                                              const tor::OnionPublication& publication);
  asio::awaitable<core::Result<void>> del_onion(std::string service_id);
  asio::awaitable<core::Result<void>> onion_client_auth_add(std::string service_id,
                                                            const tor::ClientAuthPrivateKey& key);
  asio::awaitable<core::Result<void>> onion_client_auth_remove(std::string service_id);
  asio::awaitable<core::Result<void>> signal_shutdown();

  bool is_open() const noexcept { return socket_.is_open() && !failed_; }
  void close() noexcept;

 private:
  struct Pending;

  TorController(asio::io_context& io, TorControllerOptions options);
  // Sends `line` and waits for its reply, within the command timeout.
  asio::awaitable<core::Result<tor::ControlReply>> exchange(std::span<const std::uint8_t> line,
                                                            std::string_view command);
  asio::awaitable<core::Result<tor::ControlReply>> exchange(const std::string& line, std::string_view command);
  asio::awaitable<void> read_loop();
  void dispatch(tor::ControlReply reply);
  void fail(core::Error error) noexcept;

  asio::io_context& io_;
  TorControllerOptions options_;
  asio::local::stream_protocol::socket socket_;
  tor::ControlReplyParser parser_;
  Pending* pending_ = nullptr;
  std::optional<core::Error> failed_;
  BootstrapHandler on_bootstrap_;
  ClosedHandler on_closed_;
};

// The cookie file at `path`, read with O_NOFOLLOW: a regular file of
// exactly 32 bytes. kTorCookieUnreadable{path, reason} or kTorControlCookieSize.
[[nodiscard]] core::Result<tor::ControlCookie> read_control_cookie(const std::string& path);

}  // namespace tumar::net
