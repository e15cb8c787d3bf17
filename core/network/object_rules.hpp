#pragma once
// Who may write what, and when (docs/PROTOCOL.md, "Validation"). Pure
// functions of an object's header and the directory's view of its author,
// so the rules are tested without a database.
//
//   * the author was admitted in an epoch <= the object's epoch;
//   * a removed author's objects count only if they belong to an epoch no
//     later than the removal's and are stamped no later than it: a removed
//     member still holds the old key and could backdate, but nothing they
//     sign after the removal (by epoch or by clock) is accepted, and a
//     replica that stored such an object before it learnt of the removal
//     deletes it then, so every replica ends with the same set;
//   * genesis, admission, removal, epoch grant and broadcast need a lead;
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

// `author` is the directory's record of header.author in this network, if any.
Decision check_author(const std::optional<MemberRecord>& author, const Header& header);

// Whether a member with this record may still sync the network with us.
bool may_sync(const MemberRecord& member);

}  // namespace tumar::network
