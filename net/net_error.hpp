#pragma once
// The one error type of net/: what can go wrong moving bytes. Protocol and
// admission failures inside a session are core's (session::Closure); they
// reach here already decided.

#include <string>
#include <utility>

#include <tl/expected.hpp>

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
};

class Error {
 public:
  Error(Errc code, Failure what, std::string address = {}, std::string system = {})
      : code_(code), what_(what), address_(std::move(address)), system_(std::move(system)) {}
  Errc code() const noexcept { return code_; }
  Failure what() const noexcept { return what_; }
  // The address tried, as HOST:PORT; empty for kListenerClosed.
  const std::string& address() const noexcept { return address_; }
  // The operating system's error text, if it gave one (public).
  const std::string& system() const noexcept { return system_; }
  // For debug logs and tests: the facts, not a sentence.
  std::string describe() const {
    std::string out = "net failure " + std::to_string(static_cast<int>(what_));
    if (!address_.empty()) out += " at " + address_;
    if (!system_.empty()) out += ": " + system_;
    return out;
  }

 private:
  Errc code_;
  Failure what_;
  std::string address_;
  std::string system_;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, Failure what, std::string address = {}, std::string system = {}) {
  return tl::unexpected<Error>(Error(code, what, std::move(address), std::move(system)));
}

}  // namespace tumar::net
