#pragma once
// Urgent broadcasts are shown first, on every command's output, until read
// (`tumar broadcast list` marks them read). Every command that opens a
// profile calls this right after opening it:
//
//   print_urgent_banner(*prof, json);   // json: the command's --json flag
//
// It prints to stderr, so scripts reading stdout are not disturbed, and
// nothing at all with --json. It never fails the command: if the banner
// cannot be read, the command still runs.

#include "core/profile/profile.hpp"

namespace tumar::cli {

void print_urgent_banner(profile::Profile& profile, bool json_output = false);

}  // namespace tumar::cli
