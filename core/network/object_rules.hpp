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
#include <utility>

#include "core/error.hpp"
#include "core/error_ids.hpp"

#include "core/network/directory.hpp"
#include "core/network/envelope.hpp"

namespace tumar::network {

enum class Verdict {
  kAccept,   // store it
  kPending,  // cannot be judged yet: something it depends on has not arrived
  kReject,   // invalid for good
};

// Why an object is held or rejected is an error id (core/error_ids.hpp,
// "why an object was rejected or held"), or the error of the check that
// refused it (a payload that does not decode), never a sentence: the edge
// words it for the debug log and for network.refused{reason}.
struct Decision {
  Verdict verdict = Verdict::kAccept;
  std::optional<core::Error> reason;  // set unless accepted; public facts only

  static Decision accept() { return {Verdict::kAccept, std::nullopt}; }
  static Decision pending(core::Error why) { return {Verdict::kPending, std::move(why)}; }
  static Decision reject(core::Error why) { return {Verdict::kReject, std::move(why)}; }
  template <core::ErrorId Id, typename... Values>
  static Decision pending(Values&&... values) {
    return pending(core::make_error<Id>(core::Errc::kRefused, std::forward<Values>(values)...));
  }
  template <core::ErrorId Id, typename... Values>
  static Decision reject(Values&&... values) {
    return reject(core::make_error<Id>(core::Errc::kRefused, std::forward<Values>(values)...));
  }
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
