#pragma once
// Exit codes are part of tumar's interface (README, "Exit codes"); scripts
// depend on them, so they never change meaning.

#include "core/error.hpp"

namespace tumar::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,           // wrong invocation, or the command does not apply (no profile, one exists)
  kExitAuthentication = 2,  // wrong passphrase, or a peer failed authentication
  kExitUnreachable = 3,     // a peer could not be reached
  kExitRefused = 4,         // input refused: invalid, forged, not permitted, over a limit
  kExitStorage = 5,         // the profile's files are damaged, tampered with, wiped, or the disk failed
};

int exit_code_for(core::Errc code);

}  // namespace tumar::cli
