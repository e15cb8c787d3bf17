#include "core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace tumar::core {

const char* errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::kInvalidArgument: return "invalid_argument";
    case Errc::kWrongPassphrase: return "wrong_passphrase";
    case Errc::kNoProfile: return "no_profile";
    case Errc::kProfileExists: return "profile_exists";
    case Errc::kProfileWiped: return "profile_wiped";
    case Errc::kTampered: return "tampered";
    case Errc::kCorrupt: return "corrupt";
    case Errc::kStorage: return "storage";
    case Errc::kRefused: return "refused";
    case Errc::kProtocol: return "protocol";
    case Errc::kLimit: return "limit";
  }
  return "unknown";
}

void misuse(const char* what) noexcept {
  std::fprintf(stderr, "tumar: misuse (a bug in tumar): %s\n", what);
  std::abort();
}

}  // namespace tumar::core
