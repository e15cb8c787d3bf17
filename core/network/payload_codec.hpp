#pragma once
// Strict decoding and field checks for each object's payload
// (docs/NETWORKS.md, "Kinds and who may write them"). A payload must be the canonical
// encoding of its message, with no unknown fields, and every string within
// its limit and valid UTF-8, so what one replica indexes and shows is what
// every replica does.
//
// The decoded messages are the generated types, only declared here: a codec
// that calls these includes tumar/network.pb.h itself, and nothing above
// core/ can (cmake/TumarCoreModules.cmake).

#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace tumar::proto {
class Admission;
class Broadcast;
class DirectContent;
class DirectPayload;
class EpochGrant;
class EpochStart;
class Genesis;
class MemberProfile;
class PrekeyBundle;
class Removal;
class ResourceNote;
}  // namespace tumar::proto

namespace tumar::network {

[[nodiscard]] core::Result<proto::Genesis> decode_genesis(std::string_view payload);
[[nodiscard]] core::Result<proto::Admission> decode_admission(std::string_view payload);
[[nodiscard]] core::Result<proto::Removal> decode_removal(std::string_view payload);
// A reason (removal or re-key); a removal's id exactly when the reason is a removal.
[[nodiscard]] core::Result<proto::EpochStart> decode_epoch_start(std::string_view payload);
[[nodiscard]] core::Result<proto::MemberProfile> decode_profile(std::string_view payload);
[[nodiscard]] core::Result<proto::ResourceNote> decode_note(std::string_view payload);
// A note may not claim to be verified on a day after the one it was written
// in any time zone (allowing kMaxClockSkewMs): a future verified_on would keep it looking
// fresh for as long as it liked, after the number it lists stops working.
[[nodiscard]] core::Result<void> check_note_dates(const proto::ResourceNote& note, std::uint64_t written_ms);
// A note's revision clock may not exceed the millisecond it was written.
// The highest (lamport, id) wins, so a revision stamped 2^63-1 could never
// be superseded: a member could freeze a note (a wrong hotline number)
// against its author and every lead. Bounded by its own timestamp (itself
// at most kMaxClockSkewMs ahead), the highest clock anyone can claim is
// overtaken by an honest edit minutes later. Honest clocks count edits
// (1 + the highest seen), far below any timestamp.
[[nodiscard]] core::Result<void> check_note_clock(const proto::ResourceNote& note, std::uint64_t written_ms);
[[nodiscard]] core::Result<proto::Broadcast> decode_broadcast(std::string_view payload);
[[nodiscard]] core::Result<proto::PrekeyBundle> decode_prekeys(std::string_view payload);
// A carrier checks only the outer form: the ratchet message is opaque.
[[nodiscard]] core::Result<proto::DirectPayload> decode_direct(std::string_view payload);
// What a recipient decrypted (never seen by carriers).
[[nodiscard]] core::Result<proto::DirectContent> decode_direct_content(std::string_view plaintext);
// The sealed plaintext of a grant (key bytes stay in the message only as long
// as the caller keeps it; the caller copies them into Secrets and clears it).
[[nodiscard]] core::Result<proto::EpochGrant> decode_grant(std::string_view payload);

// Checks a text field: valid UTF-8, no control characters other than newline
// and tab (in multi-line fields), no bidirectional embeddings, overrides or
// isolates, at most max_bytes. Used for CLI input too,
// so a member cannot create what others would refuse. `what` is the part
// checked, as a key the front end words (the `part` field of the payload.*
// errors in core/error_ids.hpp: "title", "network_name", ...).
[[nodiscard]] core::Result<void> check_text(std::string_view what, std::string_view text, std::size_t max_bytes,
                                            bool multiline = false);

}  // namespace tumar::network
