#pragma once
// The fields of a resource note as `note add` and `note edit` take them:
// the same flags for both, checked here (dates strictly) before anything is
// opened or written, and the body read from stdin within the body limit.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/network/local_author.hpp"

namespace tumar::cli {

struct NoteFlags {
  std::optional<std::string> title, tags, region, contact, valid_until, verified_on, body;

  bool any() const { return title || tags || region || contact || valid_until || verified_on || body; }
};

// Registers --title, --tags, --region, --contact, --valid-until,
// --verified-on and --body on `cmd`. For `note edit`, every one is optional
// and --valid-until also takes "none".
void add_note_flags(CLI::App& cmd, NoteFlags& flags, bool editing);

// Applies the flags given onto `fields` (what a new note starts with, or
// the note being edited). Dates are checked strictly; --verified-on may not
// lie after `today`. The body is not read here (see read_body).
core::Result<void> apply_note_flags(const NoteFlags& flags, network::NoteFields& fields, std::uint32_t today);

// Whether the body comes from stdin: --body - for both commands, and no
// --body at all for `note add`.
bool body_from_stdin(const NoteFlags& flags, bool editing);

// Reads all of stdin as the note's body: at most the body limit (more is
// refused, not cut), Windows line ends made plain, trailing blank lines and
// spaces dropped.
core::Result<std::string> read_body_from_stdin();

}  // namespace tumar::cli
