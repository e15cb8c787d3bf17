#include "core/network/object_rules.hpp"

#include "core/network/counter.hpp"
#include "core/network/object_limits.hpp"

namespace tumar::network {

Decision check_timestamp(const Header& header, std::uint64_t now_ms) {
  if (header.timestamp_ms > saturating_add(now_ms, kMaxClockSkewMs)) {
    return Decision::reject<core::ErrorId::kObjectStampedInFuture>();
  }
  return Decision::accept();
}

Decision check_author(const std::optional<MemberRecord>& author, const Header& header) {
  if (!author) return Decision::pending<core::ErrorId::kObjectAuthorAdmissionMissing>();
  if (header.epoch < author->admitted_epoch) return Decision::reject<core::ErrorId::kObjectAuthorNotYetAdmitted>();
  if (author->removed()) {
    if (header.epoch > *author->removed_epoch) {
      return Decision::reject<core::ErrorId::kObjectAuthorRemovedBeforeEpoch>();
    }
    if (header.kind != Kind::kRemoval && header.seq > author->removed_seq.value_or(0)) {
      return Decision::reject<core::ErrorId::kObjectAuthorRemovedPastSeq>();
    }
  }
  if (lead_only(header.kind) && author->role != Role::kLead) {
    return Decision::reject<core::ErrorId::kObjectLeadOnlyKind>(kind_name(header.kind));
  }
  return Decision::accept();
}

Decision check_removal_seq(std::optional<std::uint64_t> cutoff, const Header& header) {
  if (cutoff && header.seq > *cutoff) return Decision::reject<core::ErrorId::kObjectAuthorRemovedBeforeWriting>();
  return Decision::accept();
}

bool may_sync(const MemberRecord& member) { return !member.removed(); }

}  // namespace tumar::network
