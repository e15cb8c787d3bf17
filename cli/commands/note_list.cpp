// tumar note list | show | search: reading the networks' resource notes.

#include <cstdio>

#include "cli/commands/note_output.hpp"
#include "cli/dates.hpp"
#include "cli/json_writer.hpp"
#include "cli/text_format.hpp"

namespace tumar::cli {
namespace {

// Prints notes as a JSON array or as summaries separated by blank lines.
core::Result<void> print_notes(NetworkSession& s, const std::vector<network::NoteRecord>& notes, bool json,
                               std::uint32_t today) {
  if (json) {
    std::vector<std::string> out;
    for (const auto& n : notes) {
      TUMAR_TRY_ASSIGN(o, note_json(s, n, today));
      out.push_back(std::move(o));
    }
    print(concat({json_array(out), "\n"}));
    return {};
  }
  std::string out;
  for (const auto& n : notes) {
    TUMAR_TRY_ASSIGN(text, note_summary(s, n, today));
    if (!out.empty()) out.push_back('\n');
    out.append(text);
  }
  print(out);
  return {};
}

core::Result<std::optional<network::NetworkId>> network_filter(NetworkSession& s,
                                                               const std::optional<std::string>& flag) {
  if (!flag) return std::optional<network::NetworkId>{};
  TUMAR_TRY_ASSIGN(net, s.replica().store().resolve(*flag));
  return std::optional<network::NetworkId>(net.id);
}

void add_note_list(CLI::App& note, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    bool stale = false, fresh = false, json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = note.add_subcommand("list", "List resource notes, newest first");
  cmd->add_option("--network", args->network, "Only this network's notes (default: every network)")->type_name("NET");
  auto* stale = cmd->add_flag("--stale", args->stale,
                              "Only stale notes: past their valid-until date, or not "
                              "verified for 90 days");
  auto* fresh = cmd->add_flag("--fresh", args->fresh, "Only notes that are not stale");
  stale->excludes(fresh);
  cmd->add_flag("--json", args->json, "Print a JSON array instead of text");
  cmd->footer(
      "Stale notes are marked STALE: check the information, then `tumar note verify ID`.\n"
      "Example:\n  tumar note list --network \"Shelters KZ\" --stale");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(filter, network_filter(s, args->network));
      TUMAR_TRY_ASSIGN(notes, s.replica().library().notes(filter));
      const std::uint32_t today = local_today();
      if (args->stale || args->fresh) {
        std::erase_if(notes, [&](const network::NoteRecord& n) {
          return network::stale_reason(n, today).has_value() != args->stale;
        });
      }
      if (notes.empty() && !args->json) {
        print(args->stale   ? "No stale notes.\n"
              : args->fresh ? "No fresh notes.\n"
                            : "No notes yet. Add one with: tumar note add --title TITLE --body TEXT\n");
        return {};
      }
      return print_notes(s, notes, args->json, today);
    };
  });
}

void add_note_show(CLI::App& note, AppContext& ctx) {
  struct Args {
    std::string id;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = note.add_subcommand("show", "Show one note in full");
  cmd->add_option("id", args->id, "The note's id, or its first digits (at least 4) as `tumar note list` shows")
      ->type_name("ID")
      ->required();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->footer("Example:\n  tumar note show 3f2a9c01");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(n, s.replica().library().resolve_note(args->id));
      const std::uint32_t today = local_today();
      TUMAR_TRY_ASSIGN(text, args->json ? note_json(s, n, today) : note_detail(s, n, today));
      print(args->json ? concat({text, "\n"}) : text);
      return {};
    };
  });
}

void add_note_search(CLI::App& note, AppContext& ctx) {
  struct Args {
    std::vector<std::string> words;
    std::optional<std::string> network;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = note.add_subcommand("search", "Find notes by words in their title, text, tags or region");
  cmd->add_option("query", args->words, "The words to look for; notes with all of them are found")
      ->type_name("WORDS")
      ->required();
  cmd->add_option("--network", args->network, "Only this network's notes (default: every network)")->type_name("NET");
  cmd->add_flag("--json", args->json, "Print a JSON array instead of text");
  cmd->footer("The best matches come first.\nExample:\n  tumar note search legal aid Almaty");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      std::string query;
      for (const auto& w : args->words) {
        if (!query.empty()) query.push_back(' ');
        query.append(w);
      }
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(filter, network_filter(s, args->network));
      TUMAR_TRY_ASSIGN(notes, s.replica().library().search(query, filter));
      if (notes.empty() && !args->json) {
        print(concat({"No note matches \"", one_line(query), "\".\n"}));
        return {};
      }
      return print_notes(s, notes, args->json, local_today());
    };
  });
}

}  // namespace

void add_note_read_commands(CLI::App& note, AppContext& ctx) {
  add_note_list(note, ctx);
  add_note_show(note, ctx);
  add_note_search(note, ctx);
}

}  // namespace tumar::cli
