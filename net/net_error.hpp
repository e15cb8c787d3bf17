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

class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
  Errc code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  Errc code_;
  std::string message_;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}

}  // namespace tumar::net
