#include "cli/commands/net_errors.hpp"

#include "cli/exit_codes.hpp"
#include "cli/front_end_error.hpp"

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
  return cli::sentence_error(core::Errc::kInvalidArgument, error.message());
}

}  // namespace tumar::cli
