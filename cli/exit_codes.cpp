#include "cli/exit_codes.hpp"

namespace tumar::cli {

int exit_code_for(core::Errc code) {
  switch (code) {
    case core::Errc::kInvalidArgument:
    case core::Errc::kNoProfile:
    case core::Errc::kProfileExists:
      return kExitUsage;
    case core::Errc::kWrongPassphrase:
    case core::Errc::kProtocol:
      return kExitAuthentication;
    case core::Errc::kRefused:
    case core::Errc::kLimit:
      return kExitRefused;
    case core::Errc::kProfileWiped:
    case core::Errc::kTampered:
    case core::Errc::kCorrupt:
    case core::Errc::kStorage:
      return kExitStorage;
  }
  return kExitStorage;
}

}  // namespace tumar::cli
