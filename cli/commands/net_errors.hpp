#pragma once
// net::Error → the CLI's exit codes (README, "Exit codes").

#include "core/error.hpp"
#include "net/net_error.hpp"

namespace tumar::cli {

int exit_code_for(net::Errc code);

// For the one-error paths (serve's listen): an address problem is a usage
// error. Keeps main's single mapping.
core::Error to_core_error(const net::Error& error);

}  // namespace tumar::cli
