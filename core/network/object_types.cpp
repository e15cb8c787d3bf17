#include "core/network/object_types.hpp"

#include "tumar/network.pb.h"

namespace tumar::network {

// The header writes the wire's values out; they must be the generated ones.
static_assert(static_cast<int>(Kind::kGenesis) == proto::GENESIS);
static_assert(static_cast<int>(Kind::kAdmission) == proto::ADMISSION);
static_assert(static_cast<int>(Kind::kProfile) == proto::PROFILE);
static_assert(static_cast<int>(Kind::kRemoval) == proto::REMOVAL);
static_assert(static_cast<int>(Kind::kEpochGrant) == proto::EPOCH_GRANT);
static_assert(static_cast<int>(Kind::kNote) == proto::NOTE);
static_assert(static_cast<int>(Kind::kBroadcast) == proto::BROADCAST);
static_assert(static_cast<int>(Kind::kPrekeys) == proto::PREKEYS);
static_assert(static_cast<int>(Kind::kDirect) == proto::DIRECT);
static_assert(static_cast<int>(Kind::kEpochStart) == proto::EPOCH_START);
static_assert(proto::ObjectKind_MAX == proto::EPOCH_START, "a new object kind needs its Kind here");
static_assert(static_cast<int>(Role::kMember) == proto::MEMBER);
static_assert(static_cast<int>(Role::kLead) == proto::LEAD);
static_assert(proto::MemberRole_MAX == proto::LEAD, "a new role needs its Role here");

const char* kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kGenesis: return "genesis";
    case Kind::kAdmission: return "admission";
    case Kind::kProfile: return "profile";
    case Kind::kRemoval: return "removal";
    case Kind::kEpochGrant: return "epoch_grant";
    case Kind::kNote: return "note";
    case Kind::kBroadcast: return "broadcast";
    case Kind::kPrekeys: return "prekeys";
    case Kind::kDirect: return "direct";
    case Kind::kEpochStart: return "epoch_start";
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
