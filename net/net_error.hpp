#pragma once
// The one error type of net/: what can go wrong moving bytes. Protocol and
// admission failures inside a session are core's (session::Closure); they
// reach here already decided.

#include <memory>
#include <string>
#include <utility>

#include <tl/expected.hpp>

#include "core/error.hpp"

namespace tumar::net {

enum class Errc {
  kAddress,      // the address does not resolve, or cannot be listened on
  kUnreachable,  // connection refused, timed out, or the route is gone
  kRefused,      // the peer closed before or during the handshake, or proved another identity
  kTimeout,      // the peer stopped answering
  kProtocol,     // the peer broke the protocol
};

// What failed, as facts. net/ makes no sentences: the front end words a
// failure with its address and the system's error text
// (cli/commands/net_errors.cpp).
enum class Failure {
  kListenNoResolve,  // listen: the host name in `address` does not resolve
  kListenFailed,     // listen: no endpoint of `address` could be listened on; `system` says why
  kListenerClosed,   // accept: the listener is closed
  kDialNoResolve,    // dial: the host name in `address` does not resolve
  kDialTimedOut,     // dial: `address` did not answer in time
  kDialFailed,       // dial: `address` could not be reached; `system` says why
  // The Unix-socket listener of Tor mode (net/tor/unix_listener.hpp):
  kListenPathTooLong,  // listen: the socket path `address` is longer than a sockaddr_un holds
  kListenUnsafeDir,    // listen: the directory of `address` is a symlink, not ours, or open to others
  kListenPathTaken,    // listen: `address` exists and is not a socket of ours (a file, a symlink)
  kListenInUse,        // listen: a live socket is at `address` (another node of this profile)
  // Dialling through tor (net/tor/tor_transport.hpp); each carries the
  // core::Error the front end words (cause()):
  kDialNotOnion,        // dial: `address` is not an onion address; nothing was sent
  kDialProxyFailed,     // dial: tor's SOCKS port (`system`) could not be reached
  kDialSocksFailed,     // dial: tor refused or failed the CONNECT, or spoke no SOCKS
  // net/routed_transport.hpp: no route the person allowed (direct TCP off,
  // or an onion without tor); nothing was sent. cause() says which.
  kDialRefusedRoute,
};

class Error {
 public:
  Error(Errc code, Failure what, std::string address = {}, std::string system = {})
      : code_(code), what_(what), address_(std::move(address)), system_(std::move(system)) {}
  Error(Errc code, Failure what, std::string address, core::Error cause)
      : code_(code),
        what_(what),
        address_(std::move(address)),
        cause_(std::make_shared<const core::Error>(std::move(cause))) {}
  Errc code() const noexcept { return code_; }
  Failure what() const noexcept { return what_; }
  // The address tried, as HOST:PORT; empty for kListenerClosed.
  const std::string& address() const noexcept { return address_; }
  // The operating system's error text, if it gave one (public).
  const std::string& system() const noexcept { return system_; }
  // core's account of the failure (a SOCKS reply code, a malformed reply, an
  // address that is not an onion), for the front end to word; or null.
  const core::Error* cause() const noexcept { return cause_.get(); }
  // For debug logs and tests: the facts, not a sentence.
  std::string describe() const {
    std::string out = "net failure " + std::to_string(static_cast<int>(what_));
    if (!address_.empty()) out += " at " + address_;
    if (!system_.empty()) out += ": " + system_;
    if (cause_) out += " (" + cause_->describe() + ")";
    return out;
  }

 private:
  Errc code_;
  Failure what_;
  std::string address_;
  std::string system_;
  std::shared_ptr<const core::Error> cause_;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, Failure what, std::string address = {}, std::string system = {}) {
  return tl::unexpected<Error>(Error(code, what, std::move(address), std::move(system)));
}

inline tl::unexpected<Error> fail(Errc code, Failure what, std::string address, core::Error cause) {
  return tl::unexpected<Error>(Error(code, what, std::move(address), std::move(cause)));
}

}  // namespace tumar::net
