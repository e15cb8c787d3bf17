#pragma once
// Helpers shared by commands that open the profile.

#include <filesystem>

#include "cli/app_context.hpp"
#include "core/crypto/random.hpp"
#include "core/profile/profile.hpp"

namespace tumar::cli {

// The resolved home, or kNoProfile with a sentence saying how to create one.
core::Result<std::filesystem::path> existing_profile_home(const AppContext& ctx);

// Resolves the home and unlocks with the passphrase from --passphrase-file or
// the terminal.
core::Result<profile::Profile> open_profile(const AppContext& ctx, crypto::RandomSource& rng);

}  // namespace tumar::cli
