// tumar msg send|list|delete: direct messages between two members
// (docs/PROTOCOL.md, "Direct messages: in the network"). The core does the cryptography and
// the store; here: MEMBER and NET as the user writes them, the text from
// the command line or stdin, and the listing.
//
// `msg list` first reads whatever has arrived for us, shows it, marks it
// read, and sends read receipts back; `msg send` and `msg list` also keep
// our published prekeys fresh (a new one-time prekey for whoever used one).

#include <unistd.h>

#include <cstdio>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/front_end_error.hpp"
#include "cli/input_limits.hpp"
#include "cli/json_writer.hpp"
#include "cli/member_lookup.hpp"
#include "cli/network_session.hpp"
#include "core/node/prekey_schedule.hpp"
#include "cli/text_format.hpp"
#include "core/direct/messenger.hpp"
#include "core/encoding/hex.hpp"
#include "core/network/object_limits.hpp"

namespace tumar::cli {
namespace {

// Reads the message from stdin: at most the limit (more is refused, not
// cut), trailing line breaks dropped.
core::Result<std::string> read_message_from_stdin() {
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "Type the message; finish with Ctrl-D on a line of its own.\n");
  constexpr std::size_t kMaxRead = network::kMaxDirectTextBytes + 1;
  std::string text;
  char buf[4096];
  while (text.size() < kMaxRead) {
    const std::size_t want = std::min(sizeof buf, kMaxRead - text.size());
    const std::size_t n = std::fread(buf, 1, want, stdin);
    text.append(buf, n);
    if (n < want) break;
  }
  if (std::ferror(stdin)) return cli::fail(core::Errc::kInvalidArgument, "Could not read the message from stdin.");
  if (text.size() == kMaxRead) {
    return tl::unexpected(too_long_unread("A direct message", text, network::kMaxDirectTextBytes));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

struct Resolved {
  network::NetworkRecord net;
  network::DirectoryEntry member;
};

core::Result<Resolved> resolve_member(NetworkSession& s, const std::optional<std::string>& net_flag,
                                      const std::string& who, const std::string& verb) {
  TUMAR_TRY_ASSIGN(net, s.network(net_flag));
  TUMAR_TRY_ASSIGN(entries, s.replica().directory().entries(net.id));
  const std::string flag = shell_word(net_flag ? *net_flag : net.name);
  TUMAR_TRY_ASSIGN(member, find_member(std::move(entries), who, network_label(net), flag, verb));
  return Resolved{std::move(net), std::move(member)};
}

std::string status_of(const direct::DirectMessage& m) {
  if (!m.outgoing) return "";
  if (m.read_ms) return "read";
  if (m.delivered_ms) return "delivered";
  return "sent";
}

void add_send(CLI::App& msg, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network, text;
    std::string member;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = msg.add_subcommand("send", "Send a direct message that only the recipient can read");
  cmd->add_option("member", args->member, "Their display name, as `tumar members` shows it, or 8+ digits of their key")
      ->type_name("MEMBER")
      ->required();
  cmd->add_option("text", args->text, "The message; read from stdin if left out")->type_name("TEXT");
  cmd->add_option("--network", args->network,
                  "The network you share (its name, or the start of its id); may be left out if you are in only one")
      ->type_name("NET");
  cmd->footer(
      "End-to-end encrypted and forward secret. Other members carry it to the recipient without\n"
      "learning who wrote it or what it says; it arrives even if they are offline now.\n"
      "Example:\n  tumar msg send Bota \"The shelter on Abay st. has 2 beds tonight\"\n"
      "  echo \"Call me\" | tumar msg send --network \"Shelters KZ\" Bota");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      std::string text;
      if (args->text) {
        text = *args->text;
      } else {
        TUMAR_TRY_ASSIGN(read, read_message_from_stdin());
        text = std::move(read);
      }
      TUMAR_TRY(check_length("A direct message", text, network::kMaxDirectTextBytes));
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      TUMAR_TRY_ASSIGN(to, resolve_member(s, args->network, args->member, "write to"));
      direct::Messenger m(s.replica(), s.profile().identity(), s.rng());
      TUMAR_TRY(m.send(to.net.id, to.member.member.identity.identity_key, text, wall_clock_ms()));
      // Only after a message went: refused input writes nothing at all.
      (void)node::refresh_prekeys(s.replica(), s.profile().identity(), s.rng(), wall_clock_ms());
      TUMAR_TRY_ASSIGN(name, s.member_name(to.net.id, to.member.member.identity.identity_key));
      print(concat({"Sent to ", one_line(name), " in \"", network_label(to.net), "\".\n",
                    "It reaches them through any member at the next sync, or within seconds while "
                    "`tumar serve` runs.\n"}));
      return {};
    };
  });
}

void add_list(CLI::App& msg, AppContext& ctx) {
  struct Args {
    std::optional<std::string> network, with;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = msg.add_subcommand("list", "Show your direct messages, oldest first (and mark them read)");
  cmd->add_option("--with", args->with, "Only the conversation with this member")->type_name("MEMBER");
  cmd->add_option("--network", args->network, "Only this network (its name, or the start of its id)")
      ->type_name("NET");
  cmd->add_flag("--json", args->json, "Print a JSON array instead of text");
  cmd->footer(
      "Your own messages show \"sent\", \"delivered\" or \"read\" once the recipient's receipt arrives.\n"
      "Example:\n  tumar msg list --with Bota\n  tumar msg list --json");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, args->json));
      auto& s = *session;
      direct::Messenger m(s.replica(), s.profile().identity(), s.rng());
      TUMAR_TRY(m.receive(wall_clock_ms()));
      (void)node::refresh_prekeys(s.replica(), s.profile().identity(), s.rng(), wall_clock_ms());
      std::optional<network::NetworkId> net;
      std::optional<identity::IdentityKey> peer;
      if (args->with) {
        TUMAR_TRY_ASSIGN(who, resolve_member(s, args->network, *args->with, "show"));
        net = who.net.id;
        peer = who.member.member.identity.identity_key;
      } else if (args->network) {
        TUMAR_TRY_ASSIGN(n, s.network(args->network));
        net = n.id;
      }
      TUMAR_TRY_ASSIGN(list, m.messages().list(net, peer));

      std::vector<std::string> json;
      std::string text;
      for (const auto& dm : list) {
        TUMAR_TRY_ASSIGN(name, s.member_name(dm.network, dm.peer));
        TUMAR_TRY_ASSIGN(label, s.label(dm.network));
        const auto at = static_cast<std::uint64_t>(dm.outgoing ? dm.sent_ms : dm.received_ms.value_or(dm.sent_ms));
        if (args->json) {
          JsonObject o;
          o.add("id", static_cast<std::uint64_t>(dm.row))
              .add("network", encoding::to_hex(dm.network))
              .add("network_name", label)
              .add("peer_key", encoding::to_hex(dm.peer))
              .add("peer_name", name)
              .add("direction", dm.outgoing ? "out" : "in")
              .add("sent_at_ms", static_cast<std::uint64_t>(dm.sent_ms));
          if (dm.received_ms) o.add("received_at_ms", static_cast<std::uint64_t>(*dm.received_ms));
          else o.add_null("received_at_ms");
          o.add("text", dm.text).add("delivered", dm.delivered_ms.has_value()).add("read", dm.read_ms.has_value());
          if (!dm.outgoing) o.add("new", !dm.read_ms.has_value());
          json.push_back(o.str());
        } else {
          const std::string who =
              dm.outgoing ? concat({"you → ", one_line(name)}) : concat({one_line(name), " → you"});
          const std::string status = status_of(dm);
          text.append(concat({"#", std::to_string(dm.row), "  ", format_time(at), "  ", who, " · ", one_line(label),
                              status.empty() ? "" : concat({" · ", status}),
                              !dm.outgoing && !dm.read_ms ? " · NEW" : "", "\n", wrap(dm.text, 2)}));
        }
        if (!dm.outgoing && !dm.read_ms) {
          TUMAR_TRY(m.messages().mark_read(dm.row, static_cast<std::int64_t>(wall_clock_ms())));
        }
      }
      if (args->json) {
        std::printf("%s\n", json_array(json).c_str());
      } else if (list.empty()) {
        print("No direct messages yet. Send one with: tumar msg send MEMBER TEXT\n");
      } else {
        print(text);
      }
      // Read receipts for what was just shown; a failure costs only the receipt.
      (void)m.send_receipts(wall_clock_ms());
      return {};
    };
  });
}

// A message number as `msg list` shows it: "#12", or "12". Checked here,
// before the profile is opened, so a mistyped number costs no passphrase.
core::Result<std::int64_t> parse_message_number(const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with('#')) digits.remove_prefix(1);
  // 18 digits always fit a SQLite rowid (int64); no list holds more.
  const bool digits_only = digits.find_first_not_of("0123456789") == std::string_view::npos;
  std::int64_t n = 0;
  if (!digits.empty() && digits.size() <= 18 && digits_only) {
    for (char c : digits) n = n * 10 + (c - '0');
  }
  if (n <= 0) {
    return cli::fail(core::Errc::kInvalidArgument,
                     concat({"\"", one_line(text), "\" is not a message number; `tumar msg list` shows them as "
                             "#1, #2 … (give it as #2 or 2)."}));
  }
  return n;
}

void add_delete(CLI::App& msg, AppContext& ctx) {
  auto id_text = std::make_shared<std::string>();
  auto* cmd = msg.add_subcommand("delete", "Delete one message from this device");
  cmd->add_option("id", *id_text, "The message's number, as `tumar msg list` shows it: #12 or 12")
      ->type_name("ID")
      ->required();
  cmd->footer(
      "The keys that decrypted it were deleted when it was read, so nothing on this device can\n"
      "read it again. The other person's copy is theirs to delete.\n"
      "Example:\n  tumar msg delete \"#12\"");
  cmd->callback([&ctx, id_text] {
    ctx.action = [&ctx, id_text]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(id, parse_message_number(*id_text));
      TUMAR_TRY_ASSIGN(session, NetworkSession::open(ctx, false));
      auto& s = *session;
      direct::MessageStore store(s.replica().store().database());
      TUMAR_TRY_ASSIGN(removed, store.remove(id));
      if (!removed) {
        return cli::fail(core::Errc::kInvalidArgument,
                         concat({"There is no message #", std::to_string(id), "; `tumar msg list` shows the numbers."}));
      }
      print(concat({"Deleted message #", std::to_string(id), ".\n"}));
      return {};
    };
  });
}

}  // namespace

void add_msg_command(CLI::App& app, AppContext& ctx) {
  auto* msg = app.add_subcommand("msg", "Direct messages: end-to-end encrypted, carried by any member");
  msg->require_subcommand(1);
  msg->footer("Example:\n  tumar msg send Bota \"Are you safe?\"\n  tumar msg list --with Bota");
  add_send(*msg, ctx);
  add_list(*msg, ctx);
  add_delete(*msg, ctx);
}

}  // namespace tumar::cli
