// tumar note add | edit | verify: writing resource notes. Edits and
// verifications are revisions of the same note (same id): the newest one is
// what everyone sees. Listing, showing and searching are in note_list.cpp.

#include <chrono>
#include <cstdio>
#include <string>

#include "cli/app_context.hpp"
#include "cli/commands/note_input.hpp"
#include "cli/commands/note_output.hpp"
#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"

namespace tumar::cli {
namespace {

network::NoteFields fields_of(const network::NoteRecord& n) {
  network::NoteFields f;
  f.title = n.title;
  f.body = n.body;
  f.tags = n.tags;
  f.region = n.region;
  f.contact = n.contact;
  f.verified_on = n.verified_on;
  f.valid_until = n.valid_until;
  return f;
}

// The replica allows a revision from the note's author or a lead; saying so
// here names the people to ask.
core::Result<void> may_revise(NetworkSession& s, const network::NoteRecord& n) {
  TUMAR_TRY_ASSIGN(role, s.my_role(n.network));
  TUMAR_TRY_ASSIGN(net, s.label(n.network));
  if (!role) {
    return cli::fail(core::Errc::kRefused,
                     concat({"You are no longer a member of \"", net, "\", so you cannot change its notes."}));
  }
  if (n.author == s.my_key() || *role == network::Role::kLead) return {};
  TUMAR_TRY_ASSIGN(author, s.member_name(n.network, n.author));
  return cli::fail(core::Errc::kRefused, concat({"Only the note's author (", author, ") or a lead of \"", net,
                                                  "\" can change this note; ask one of them to update it."}));
}

void warn_if_stale(const network::NoteFields& f, std::uint32_t today) {
  if (f.valid_until != 0 && f.valid_until < today) {
    std::fprintf(stderr, "Note: its valid-until date (%s) has passed, so it is listed as STALE.\n",
                 format_date(f.valid_until).c_str());
  }
}

void add_note_add(CLI::App& note, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    NoteFlags flags;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = note.add_subcommand("add", "Add a resource note to a network's library");
  cmd->add_option("--network", args->network,
                  "The network (its name, or the start of its id); may be left out if you are in only one")
      ->type_name("NET");
  add_note_flags(*cmd, args->flags, false);
  // The example's end date is the end of next year, so it is never already
  // past (which would make the example note STALE the day it is added).
  const std::chrono::year_month_day this_day{std::chrono::sys_days{std::chrono::days{local_today()}}};
  const std::string next_year_end = std::to_string(static_cast<int>(this_day.year()) + 1) + "-12-31";
  cmd->footer(concat(
      {"DATE is written YYYY-MM-DD. Limits: title 200 bytes, text 32 KiB, 16 tags.\n"
       "Every member of the network can read the note after their next sync.\n"
       "Examples:\n"
       "  tumar note add --title \"Safe house, Almaty\" --region Almaty --tags shelter,24h \\\n"
       "      --contact \"+7 727 000 00 00\" --valid-until ",
       next_year_end,
       " --body \"Beds for 12; call first.\"\n"
       "  tumar note add --title \"Legal aid hours\" < legal-aid.txt"}));
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      const std::uint32_t today = local_today();
      network::NoteFields fields;
      fields.verified_on = today;
      if (auto r = apply_note_flags(args->flags, fields, today); !r) return r;
      if (!args->flags.title) {
        return cli::fail(core::Errc::kInvalidArgument, "A note needs a title: give one with --title.");
      }
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(net, s.network(args->network));
      if (body_from_stdin(args->flags, false)) {
        TUMAR_TRY_ASSIGN(body, read_body_from_stdin());
        fields.body = std::move(body);
      }
      TUMAR_TRY_ASSIGN(written, s.author().add_note(net.id, fields, wall_clock_ms()));
      print(concat({"Added the note ", id_prefix(written.id), " \"", one_line(fields.title), "\" to \"",
                    network_label(net), "\".\n", "Members receive it within seconds while your `tumar serve` runs and is connected, else at their next `tumar sync`.\n"}));
      warn_if_stale(fields, today);
      return {};
    };
  });
}

void add_note_edit(CLI::App& note, AppContext& ctx) {
  struct Args {
    std::string id;
    NoteFlags flags;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = note.add_subcommand("edit", "Change a note (its author or a lead)");
  cmd->add_option("id", args->id, "The note's id, or its first digits (at least 4) as `tumar note list` shows")
      ->type_name("ID")
      ->required();
  add_note_flags(*cmd, args->flags, true);
  cmd->footer(
      "Fields you leave out keep their value; an empty value (--contact \"\") clears one.\n"
      "The note keeps its id; members see the new version after their next sync.\n"
      "Examples:\n  tumar note edit 3f2a9c01 --title \"Safe house, Almaty (new number)\" --contact \"+7 727 111 11 "
      "11\"\n"
      "  tumar note edit 3f2a9c01 --body - < new-text.txt");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      if (!args->flags.any()) {
        return cli::fail(core::Errc::kInvalidArgument,
                         "Nothing to change: give at least one of --title, --body, --tags, --region, --contact, "
                         "--valid-until or --verified-on.");
      }
      const std::uint32_t today = local_today();
      network::NoteFields check;  // dates and the title, checked before the passphrase is asked for
      if (auto r = apply_note_flags(args->flags, check, today); !r) return r;
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(n, s.replica().library().resolve_note(args->id));
      if (auto r = may_revise(s, n); !r) return r;
      auto fields = fields_of(n);
      if (auto r = apply_note_flags(args->flags, fields, today); !r) return r;
      if (body_from_stdin(args->flags, true)) {
        TUMAR_TRY_ASSIGN(body, read_body_from_stdin());
        fields.body = std::move(body);
      }
      TUMAR_TRY(s.author().revise_note(n.root, fields, wall_clock_ms()));
      print(concat({"Updated the note ", id_prefix(n.root), " \"", one_line(fields.title), "\".\n",
                    "Members see the new version within seconds while your `tumar serve` runs and is connected, else at their next `tumar sync`.\n"}));
      warn_if_stale(fields, today);
      return {};
    };
  });
}

void add_note_verify(CLI::App& note, AppContext& ctx) {
  auto id = std::make_shared<std::string>();
  auto* cmd = note.add_subcommand("verify", "Record that you checked a note today and it still holds");
  cmd->add_option("id", *id, "The note's id, or its first digits (at least 4) as `tumar note list` shows")
      ->type_name("ID")
      ->required();
  cmd->footer(
      "Check the information first (call the number, visit the address). A note not verified\n"
      "for 90 days is listed as stale. Only the note's author or a lead can verify it.\n"
      "Example:\n  tumar note verify 3f2a9c01");
  cmd->callback([&ctx, id] {
    ctx.action = [&ctx, id]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(n, s.replica().library().resolve_note(*id));
      if (auto r = may_revise(s, n); !r) return r;
      const std::uint32_t today = local_today();
      auto fields = fields_of(n);
      fields.verified_on = today;
      TUMAR_TRY(s.author().revise_note(n.root, fields, wall_clock_ms()));
      print(concat({"Marked the note ", id_prefix(n.root), " \"", one_line(fields.title), "\" as verified on ",
                    format_date(today), ".\n"}));
      if (fields.valid_until != 0 && fields.valid_until < today) {
        print(concat({"It is still past its valid-until date (", format_date(fields.valid_until),
                      "); set a new one with: tumar note edit ", id_prefix(n.root), " --valid-until DATE\n"}));
      }
      return {};
    };
  });
}

}  // namespace

void add_note_command(CLI::App& app, AppContext& ctx) {
  auto* note = app.add_subcommand("note", "Resource notes: shelters, hotlines, legal aid, shared in a network");
  note->require_subcommand(1);
  note->footer(
      "Example:\n  tumar note add --title \"Safe house, Almaty\" --body \"Beds for 12; call first.\"\n"
      "  tumar note search shelter Almaty\n  tumar note verify 3f2a9c01");
  add_note_add(*note, ctx);
  add_note_read_commands(*note, ctx);
  add_note_edit(*note, ctx);
  add_note_verify(*note, ctx);
}

}  // namespace tumar::cli
