#pragma once
// net::Error → the CLI's exit codes (README, "Exit codes") and its words:
// net/ and the node engine report a failure as facts (what failed, the
// address, the system's error text) and the sentences are made here.

#include <string>

#include "core/error.hpp"
#include "core/node/node_io.hpp"
#include "net/net_error.hpp"

namespace tumar::cli {

int exit_code_for(net::Errc code);

// For the one-error paths (serve's listen): an address problem is a usage
// error. Keeps main's single mapping.
core::Error to_core_error(const net::Error& error);

// The words for a failure of net/.
std::string net_error_words(const net::Error& error);

// The words for a dial that failed (a job's outcome), to `address`.
std::string dial_words(const std::string& address, const node::DialError& error);

}  // namespace tumar::cli
