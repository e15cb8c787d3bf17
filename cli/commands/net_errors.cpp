#include "cli/commands/net_errors.hpp"

#include "cli/error_text.hpp"
#include "cli/exit_codes.hpp"
#include "cli/front_end_error.hpp"
#include "core/error_ids.hpp"

namespace tumar::cli {

int exit_code_for(net::Errc code) {
  switch (code) {
    case net::Errc::kAddress: return kExitUsage;
    case net::Errc::kUnreachable:
    case net::Errc::kTimeout: return kExitUnreachable;
    case net::Errc::kRefused: return kExitRefused;
    case net::Errc::kProtocol: return kExitAuthentication;
  }
  return kExitUnreachable;
}

core::Error to_core_error(const net::Error& error) {
  return cli::sentence_error(core::Errc::kInvalidArgument, net_error_words(error));
}

std::string net_error_words(const net::Error& error) {
  const std::string& at = error.address();
  switch (error.what()) {
    case net::Failure::kListenNoResolve: return "Cannot listen on " + at + ": the host name does not resolve.";
    case net::Failure::kListenFailed:
      return "Cannot listen on " + at + ": " + error.system() + ". Is another node already using that port?";
    case net::Failure::kListenerClosed: return "The listener is closed.";
    case net::Failure::kDialNoResolve: return dial_words(at, {node::DialFailure::kAddress, error.system(), std::nullopt});
    case net::Failure::kDialTimedOut: return dial_words(at, {node::DialFailure::kTimedOut, error.system(), std::nullopt});
    case net::Failure::kDialFailed: return dial_words(at, {node::DialFailure::kUnreachable, error.system(), std::nullopt});
    case net::Failure::kListenPathTooLong:
      return "Cannot listen for tor on " + at +
             ": the path is too long for a socket (at most 107 bytes). Use a profile directory with a shorter path.";
    case net::Failure::kListenUnsafeDir:
      return "Cannot listen for tor in " + at +
             ": the folder must belong to you and be closed to everyone else (mode 0700), and must not be a link.";
    case net::Failure::kListenPathTaken:
      return "Cannot listen for tor on " + at +
             ": something that is not tumar's socket is already there. tumar did not remove it; move it away and try again.";
    case net::Failure::kListenInUse:
      return "Cannot listen for tor on " + at + ": another tumar is already serving this profile.";
    case net::Failure::kDialProxyFailed:
      return "Cannot reach " + at + ": tor's SOCKS port (" + error.system() + ") does not answer. Is tor running?";
    case net::Failure::kDialRefusedRoute:
      if (error.cause() != nullptr) return error_text(*error.cause());
      return "Cannot reach " + at + ".";
    case net::Failure::kDialNotOnion:
    case net::Failure::kDialSocksFailed:
      if (error.cause() != nullptr) return "Cannot reach " + at + " through tor. " + error_text(*error.cause());
      return "Cannot reach " + at + " through tor.";
  }
  return error.describe();
}

std::string dial_words(const std::string& address, const node::DialError& error) {
  switch (error.why) {
    case node::DialFailure::kAddress: return "The host name in " + address + " does not resolve.";
    case node::DialFailure::kTimedOut: return address + " did not answer in time.";
    case node::DialFailure::kUnreachable:
      // No route allowed (direct TCP off): the cause is the whole story.
      if (error.cause && (error.cause->id() == core::ErrorId::kTransportDirectTcpOff ||
                          error.cause->id() == core::ErrorId::kTransportOnionNeedsTor)) {
        return error_text(*error.cause);
      }
      if (error.cause) return "Cannot reach " + address + " through tor. " + error_text(*error.cause);
      return "Cannot reach " + address + ": " + error.system + ".";
    case node::DialFailure::kStopping: return "The node is stopping.";
    // The connection's own account of how it ended (net/connection.cpp),
    // as the engine passed it on before.
    case node::DialFailure::kClosed: return error.system;
  }
  return "Cannot reach " + address + ".";
}

}  // namespace tumar::cli
