#include "core/network/object_types.hpp"

namespace tumar::network {

const char* kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kGenesis: return "genesis";
    case Kind::kAdmission: return "admission";
    case Kind::kProfile: return "profile";
    case Kind::kRemoval: return "removal";
    case Kind::kEpochGrant: return "epoch grant";
    case Kind::kNote: return "note";
    case Kind::kBroadcast: return "broadcast";
    case Kind::kPrekeys: return "prekeys";
    case Kind::kDirect: return "direct message";
    case Kind::kEpochStart: return "epoch start";
  }
  return "unknown";
}

const char* role_name(Role role) noexcept { return role == Role::kLead ? "lead" : "member"; }

bool lead_only(Kind kind) noexcept {
  switch (kind) {
    case Kind::kGenesis:
    case Kind::kAdmission:
    case Kind::kRemoval:
    case Kind::kEpochGrant:
    case Kind::kBroadcast:
    case Kind::kEpochStart:
      return true;
    case Kind::kProfile:
    case Kind::kNote:
    case Kind::kPrekeys:
    case Kind::kDirect:
      return false;
  }
  return true;
}

}  // namespace tumar::network
