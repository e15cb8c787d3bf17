// tumar broadcast send | list: a lead's announcements to a whole network.
// Urgent ones are shown on every command (cli/urgent_banner.hpp) until
// `broadcast list` has shown them, which marks them read.

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/input_limits.hpp"
#include "cli/json_writer.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/network/object_limits.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out.append(w);
  }
  return out;
}

void add_broadcast_send(CLI::App& parent, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    bool urgent = false;
    std::optional<std::string> expires;
    std::vector<std::string> words;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand("send", "Send an announcement to every member of a network (leads only)");
  cmd->add_option("text", args->words, "What to announce (at most 4096 bytes); quote it, or give it as several words")
      ->type_name("TEXT")
      ->required();
  cmd->add_option("--network", args->network,
                  "The network (its name, or the start of its id); may be left out if you are in only one")
      ->type_name("NET");
  cmd->add_flag("--urgent", args->urgent,
                "Urgent: shown first, and on every tumar command members run, until they have read it");
  cmd->add_option("--expires", args->expires,
                  "Stop showing it after a while (30m, 72h, 7d) or after a day (YYYY-MM-DD); default: never")
      ->type_name("WHEN");
  cmd->footer(
      "Members receive it at their next sync. Only a network's leads can send broadcasts.\n"
      "Example:\n  tumar broadcast send --network \"Shelters KZ\" --urgent --expires 72h \"Meeting moved to Friday\"");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      const std::string text = joined(args->words);
      if (text.find_first_not_of(" \n\t") == std::string::npos) {
        return cli::fail(core::Errc::kInvalidArgument, "The broadcast is empty: give the text to send.");
      }
      TUMAR_TRY(check_length("A broadcast", text, network::kMaxBroadcastBytes));
      const std::uint64_t now = wall_clock_ms();
      std::uint64_t expires = 0;
      if (args->expires) {
        TUMAR_TRY_ASSIGN(e, parse_expiry(*args->expires, now, local_utc_offset_ms(now)));
        expires = e;
      }
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(net, s.network(args->network));
      const std::string label = network_label(net);
      TUMAR_TRY_ASSIGN(role, s.my_role(net.id));
      if (!role) {
        return cli::fail(core::Errc::kRefused, concat({"You are not a member of \"", label, "\" (any more)."}));
      }
      if (*role != network::Role::kLead) {
        const std::string flag = shell_word(args->network ? *args->network : net.name);
        return cli::fail(core::Errc::kRefused,
                         concat({"Only leads of \"", label,
                                  "\" can send broadcasts. Ask a lead to send it (`tumar members --network ", flag,
                                  "` shows who they are), or share it as a note with `tumar note add`."}));
      }
      TUMAR_TRY_ASSIGN(written, s.author().broadcast(net.id, text, args->urgent, expires, now));
      // We wrote it, so we have read it: our own banner does not repeat it.
      if (auto r = s.replica().library().mark_read({written.id}, static_cast<std::int64_t>(now / 1000)); !r) {
        return r;
      }
      std::string out = concat({"Sent ", args->urgent ? "an urgent broadcast" : "a broadcast", " to \"", label, "\""});
      out.append(expires ? concat({" (expires ", format_time(expires), ").\n"}) : std::string(".\n"));
      out.append(args->urgent ? "Members receive it within seconds while your `tumar serve` runs and is connected, else at their next `tumar sync`;\nit stays on every command they run until they have read it.\n"
                              : "Members receive it within seconds while your `tumar serve` runs and is connected, else at their next `tumar sync`.\n");
      print(out);
      return {};
    };
  });
}

void add_broadcast_list(CLI::App& parent, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand("list", "Show broadcasts, urgent ones first, and mark them read");
  cmd->add_option("--network", args->network, "Only this network's broadcasts (default: every network)")
      ->type_name("NET");
  cmd->add_flag("--json", args->json, "Print a JSON array instead of text");
  cmd->footer(
      "Broadcasts not read before are marked NEW. Once listed, urgent broadcasts are no longer\n"
      "shown on every command.\nExample:\n  tumar broadcast list --network \"Shelters KZ\"");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json, /*banner=*/false));
      auto& s = *session;
      std::optional<network::NetworkId> filter;
      if (args->network) {
        TUMAR_TRY_ASSIGN(net, s.replica().store().resolve(*args->network));
        filter = net.id;
      }
      TUMAR_TRY_ASSIGN(all, s.replica().library().broadcasts(filter));
      const std::uint64_t now = wall_clock_ms();
      std::vector<network::ObjectId> unread;
      std::vector<std::string> json;
      std::string text;
      for (const auto& b : all) {
        TUMAR_TRY_ASSIGN(author, s.member_name(b.network, b.author));
        TUMAR_TRY_ASSIGN(net, s.label(b.network));
        const bool is_new = !b.read_at.has_value();
        const bool expired = b.expires_at_ms != 0 && b.expires_at_ms <= now;
        if (is_new) unread.push_back(b.id);
        if (args->json) {
          JsonObject o;
          o.add("id", encoding::to_hex(b.id)).add("network", encoding::to_hex(b.network)).add("network_name", net);
          o.add("author", encoding::to_hex(b.author)).add("author_name", author);
          o.add("urgent", b.urgent).add("text", b.text).add("created_at_ms", b.created_at_ms);
          if (b.expires_at_ms) {
            o.add("expires_at_ms", b.expires_at_ms);
          } else {
            o.add_null("expires_at_ms");
          }
          o.add("expired", expired).add("new", is_new);
          json.push_back(o.str());
          continue;
        }
        if (!text.empty()) text.push_back('\n');
        // The heading is one line, never wrapped mid-name (author and network
        // are already made safe by member_name and label).
        text.append(concat({b.urgent ? "URGENT · " : "", format_time(b.created_at_ms), " · from ", author, " · ",
                            net, is_new ? " · NEW\n" : "\n"}));
        text.append(wrap(b.text, 2));
        if (b.expires_at_ms) {
          text.append(concat({"  (", expired ? "expired " : "expires ", format_time(b.expires_at_ms), ")\n"}));
        }
      }
      if (args->json) {
        print(concat({json_array(json), "\n"}));
      } else if (all.empty()) {
        print("No broadcasts yet.\n");
      } else {
        print(text);
      }
      if (!unread.empty()) {
        if (auto r = s.replica().library().mark_read(unread, static_cast<std::int64_t>(now / 1000)); !r) return r;
      }
      return {};
    };
  });
}

}  // namespace

void add_broadcast_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("broadcast", "Announcements from a network's leads");
  cmd->require_subcommand(1);
  cmd->footer("Example:\n  tumar broadcast send --urgent \"Office closed today\"\n  tumar broadcast list");
  add_broadcast_send(*cmd, ctx);
  add_broadcast_list(*cmd, ctx);
}

}  // namespace tumar::cli
