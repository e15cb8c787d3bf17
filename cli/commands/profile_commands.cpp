#include "cli/commands/profile_commands.hpp"

#include <cstdio>

#include "cli/front_end_error.hpp"
#include "cli/passphrase_input.hpp"
#include "core/store/memory_lock.hpp"

namespace tumar::cli {

core::Result<std::filesystem::path> existing_profile_home(const AppContext& ctx) {
  auto home = profile::resolve_home(ctx.home);
  if (!home) return home;
  if (!profile::Profile::exists(*home)) {
    return cli::fail(core::Errc::kNoProfile,
                     "There is no tumar profile at " + home->string() + ". Create one with: tumar init");
  }
  return home;
}

core::Result<profile::Profile> open_profile(const AppContext& ctx, crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(home, existing_profile_home(ctx));
  TUMAR_TRY_ASSIGN(pass, existing_passphrase(ctx.passphrase_file, "--passphrase-file"));
  auto prof = profile::Profile::unlock(home, pass, rng);
  if (prof && prof->discarded_wal_frames() > 0) {
    std::fprintf(stderr,
                 "tumar: warning: %llu changes written just before tumar last stopped were incomplete or damaged "
                 "and were discarded. If tumar did not crash or lose power, someone may have altered the profile.\n",
                 static_cast<unsigned long long>(prof->discarded_wal_frames()));
  }
  if (prof && store::memory_lock().scope == store::LockScope::kNone) {
    std::fputs("tumar: warning: this system did not let tumar lock memory, so decrypted keys and messages may be "
               "written to swap. Raise the limit for locked memory (ulimit -l, or LimitMEMLOCK= for a service).\n",
               stderr);
  }
  return prof;
}

}  // namespace tumar::cli
