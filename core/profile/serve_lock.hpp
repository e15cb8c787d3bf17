#pragma once
// One node per profile (issue 19, item 9): `tumar serve` holds an exclusive
// lock on HOME/tumar.lock for as long as it runs, so a second `serve` on
// the same profile is refused at once, whichever transport each would use
// (two nodes would answer for one identity, fight over tor's data
// directory and each flood the other's writes). flock(2): the kernel drops
// the lock when the process ends, however it ends, so a crash leaves no
// stale lock behind.

#include <filesystem>

#include "core/error.hpp"
#include "core/profile/posix_file.hpp"

namespace tumar::profile {

// The lock, held until the returned descriptor closes.
// kProfileAlreadyServing when another process holds it.
[[nodiscard]] core::Result<UniqueFd> lock_serving(const std::filesystem::path& home);

}  // namespace tumar::profile
