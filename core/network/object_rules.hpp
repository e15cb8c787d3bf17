#pragma once
// Who may write what, and when (docs/NETWORKS.md, "Validation"). Pure
// functions of an object's header and the directory's view of its author,
// so the rules are tested without a database.
//
//   * the author was admitted in an epoch <= the object's epoch;
//   * a removed author's objects count only up to the seq the removal
//     names (the last of theirs the removing lead held) and in an epoch no
//     later than the removal's. The seq is the author's own count of its
//     objects, so whether an object counts never depends on a timestamp
//     the author chose: a removed lead could date an admission before its
//     removal, but it cannot give it a seq it already used without being
//     caught (replica.cpp, equivocation). A replica that stored such an
//     object before it learnt of the removal deletes it then, so every
//     replica ends with the same set;
//   * a removal is judged without the removals its target wrote, so two
//     leads removing each other at once are both removed on every replica,
//     whichever removal each saw first (removal_cutoff);
//   * genesis, admission, removal, epoch start, epoch grant and broadcast
//     need a lead;
//   * nothing may be stamped more than kMaxClockSkewMs in our future.

#include <cstdint>
#include <optional>
#include <string>

#include "core/network/directory.hpp"
#include "core/network/envelope.hpp"

namespace tumar::network {

enum class Verdict {
  kAccept,   // store it
  kPending,  // cannot be judged yet: something it depends on has not arrived
  kReject,   // invalid for good
};

struct Decision {
  Verdict verdict = Verdict::kAccept;
  std::string reason;  // for the debug log; public facts only

  static Decision accept() { return {Verdict::kAccept, {}}; }
  static Decision pending(std::string why) { return {Verdict::kPending, std::move(why)}; }
  static Decision reject(std::string why) { return {Verdict::kReject, std::move(why)}; }
  bool accepted() const noexcept { return verdict == Verdict::kAccept; }
};

Decision check_timestamp(const Header& header, std::uint64_t now_ms);

// `author` is the directory's record of header.author in this network, if
// any. A removal's seq is not checked here: replica.cpp checks it against
// removal_cutoff once it knows the removal's target.
Decision check_author(const std::optional<MemberRecord>& author, const Header& header);

// Whether a removal by a removed author still counts: `cutoff` is the
// smallest last seq among the author's removals that its target did not
// write (nullopt: none).
Decision check_removal_seq(std::optional<std::uint64_t> cutoff, const Header& header);

// Whether a member with this record may still sync the network with us.
bool may_sync(const MemberRecord& member);

}  // namespace tumar::network
