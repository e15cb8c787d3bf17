#pragma once
// How notes are shown: one summary per note in listings and search results,
// the whole note for `note show`, and the JSON object for --json. Stale
// notes are marked in every form, so an outdated number is never shown as
// if it were current.

#include <cstdint>
#include <string>

#include "cli/app_context.hpp"
#include "cli/network_session.hpp"
#include "core/network/library.hpp"

namespace tumar::cli {

// Two lines (three when stale): id, title; network, region, tags, dates.
core::Result<std::string> note_summary(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today);
// Every field, then the text.
core::Result<std::string> note_detail(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today);
core::Result<std::string> note_json(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today);

// `note list`, `note show`, `note search` (note_list.cpp).
void add_note_read_commands(CLI::App& note, AppContext& ctx);

}  // namespace tumar::cli
