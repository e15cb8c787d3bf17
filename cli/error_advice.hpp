#pragma once
// Every error a user meets must say what happened and what to do next
// (README, "Exit codes"). core/ says what happened in codes and fields,
// worded in cli/error_text.cpp; the next step for the errors that can come from anywhere in core/ (a wrong
// passphrase, a damaged or tampered profile, a failing disk, a wiped
// profile) is the same whichever command met them, so it is added here,
// once, instead of in each of core/'s many messages.

#include <string>

#include "core/error.hpp"

namespace tumar::cli {

// The message as the user reads it: the words for core's error
// (cli/error_text.hpp), then the next step for its kind of error unless the
// words already give one.
std::string user_message(const core::Error& error);

}  // namespace tumar::cli
