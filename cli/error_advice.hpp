#pragma once
// Every error a user meets must say what happened and what to do next
// (README, "Exit codes"). core/ says what happened in its own terms; the
// next step for the errors that can come from anywhere in core/ (a wrong
// passphrase, a damaged or tampered profile, a failing disk, a wiped
// profile) is the same whichever command met them, so it is added here,
// once, instead of in each of core/'s many messages.

#include <string>

#include "core/error.hpp"

namespace tumar::cli {

// The message as the user reads it: core's sentence, then the next step
// for its kind of error unless the sentence already gives one.
std::string user_message(const core::Error& error);

}  // namespace tumar::cli
