#include "cli/commands/profile_commands.hpp"

#include "cli/passphrase_input.hpp"

namespace tumar::cli {

core::Result<profile::Profile> open_profile(const AppContext& ctx, crypto::RandomSource& rng) {
  auto home = profile::resolve_home(ctx.home);
  if (!home) return tl::unexpected(home.error());
  if (!profile::Profile::exists(*home)) {
    return core::fail(core::Errc::kNoProfile,
                      "There is no tumar profile at " + home->string() + ". Create one with: tumar init");
  }
  auto pass = existing_passphrase(ctx.passphrase_file, "--passphrase-file");
  if (!pass) return tl::unexpected(pass.error());
  return profile::Profile::unlock(*home, *pass, rng);
}

}  // namespace tumar::cli
