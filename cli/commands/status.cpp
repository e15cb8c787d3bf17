// `tumar status`: is this profile's node running, where can it be reached,
// how far did its tor get, and when was each member last reached (issue 18).
// It reads what the running `serve` recorded (core/node/node_status.hpp);
// it starts nothing and dials no one.

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/json.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"
#include "core/network/directory.hpp"
#include "core/network/serve_address.hpp"
#include "core/node/node_status.hpp"
#include "core/peers/peer_address.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::cli {
namespace {

// Whether `pid` is a tumar that runs `serve` (a recorded pid may have been
// reused by another program after a crash).
bool serving(std::int64_t pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find("tumar") != std::string::npos && cmdline.find(std::string("serve") + '\0') != std::string::npos;
}

std::string ago(std::uint64_t then_s, std::uint64_t now_s) {
  if (then_s > now_s) return "just now";
  const std::uint64_t d = now_s - then_s;
  if (d < 60) return std::to_string(d) + " s ago";
  if (d < 3600) return std::to_string(d / 60) + " min ago";
  if (d < 86400) return std::to_string(d / 3600) + " h ago";
  return std::to_string(d / 86400) + " days ago";
}

std::string tor_words(const node::TorState& t) {
  if (t.state == "ready") return "connected to the Tor network";
  if (t.state == "connecting") return "connecting to the Tor network: " + std::to_string(t.progress) + "% (" + t.summary + ")";
  if (t.state == "restarting") return "restarting (it stopped or stalled)";
  if (t.state == "stopped") return "stopped";
  return t.state;
}

}  // namespace

void add_status_command(CLI::App& app, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("status", "Show whether your node runs, its onion address, Tor, and who was reached");
  cmd->add_flag("--json", *json, "Print one JSON object instead of text");
  cmd->footer(
      "Reads what your running node (`tumar serve`) recorded in the profile: it starts nothing and\n"
      "connects to no one. \"Last reached\" is the last time a connection with that member got past\n"
      "the handshake, from `serve` or `sync`.\nExample:\n  tumar status --json");
  cmd->callback([&ctx, json] {
    ctx.action = [&ctx, json]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(s, NetworkSession::open(ctx, *json));
      auto& db = s->profile().database();
      const std::uint64_t now_s = wall_clock_ms() / 1000;
      TUMAR_TRY_ASSIGN(pid, node::serve_pid(db));
      const bool running = pid && serving(*pid);
      TUMAR_TRY_ASSIGN(address, network::serve_address(db));
      std::optional<std::string> onion;
      if (address) {
        auto parsed = peers::parse_peer_address(*address);
        if (parsed && tor::is_onion_host(parsed->host)) onion = parsed->to_string();
      }
      TUMAR_TRY_ASSIGN(tor_state, node::tor_state(db));
      TUMAR_TRY_ASSIGN(reached, node::reached_times(db));
      TUMAR_TRY_ASSIGN(nets, s->networks(std::nullopt));

      if (*json) {
        std::string out = "{\"node\":{\"running\":" + std::string(running ? "true" : "false");
        out += ",\"pid\":" + (running ? std::to_string(*pid) : std::string("null"));
        out += ",\"address\":" + (address ? json_string(*address) : std::string("null"));
        out += ",\"onion_address\":" + (onion ? json_string(*onion) : std::string("null")) + "}";
        out += ",\"tor\":";
        if (tor_state && onion) {
          out += "{\"state\":" + json_string(running ? tor_state->state : std::string("stopped"));
          out += ",\"progress\":" + std::to_string(tor_state->progress);
          out += ",\"summary\":" + json_string(tor_state->summary);
          out += ",\"since\":" + std::to_string(tor_state->since_s) + "}";
        } else {
          out += "null";
        }
        out += ",\"networks\":[";
        bool first_net = true;
        for (const auto& net : nets) {
          out += first_net ? "" : ",";
          first_net = false;
          out += "{\"id\":" + json_string(encoding::to_hex(net.id)) + ",\"name\":" + json_string(network_label(net));
          out += ",\"members\":[";
          network::Directory directory(db);
          TUMAR_TRY_ASSIGN(entries, directory.entries(net.id));
          bool first = true;
          for (const auto& e : entries) {
            const auto& key = e.member.identity.identity_key;
            if (e.member.removed() || key == s->my_key()) continue;
            TUMAR_TRY_ASSIGN(name, s->member_name(net.id, key));
            out += first ? "" : ",";
            first = false;
            auto it = reached.find(key);
            out += "{\"name\":" + json_string(name) + ",\"identity_key\":" + json_string(encoding::to_hex(key));
            out += ",\"last_reached\":" + (it != reached.end() ? std::to_string(it->second) : std::string("null")) + "}";
          }
          out += "]}";
        }
        out += "]}";
        std::printf("%s\n", out.c_str());
        return {};
      }

      if (running) {
        if (onion) {
          std::printf("Node: running (pid %lld) as the onion service %s.\n", static_cast<long long>(*pid),
                      onion->c_str());
        } else {
          std::printf("Node: running (pid %lld), listening on %s (direct TCP, no Tor).\n",
                      static_cast<long long>(*pid), address ? address->c_str() : "?");
        }
        if (tor_state && onion) {
          std::printf("Tor:  %s, since %s.\n", tor_words(*tor_state).c_str(),
                      format_time(tor_state->since_s * 1000).c_str());
        }
      } else {
        std::printf("Node: not running (start it with `tumar serve`).%s\n",
                    onion ? (" Its onion address stays " + *onion + ".").c_str() : "");
      }
      for (const auto& net : nets) {
        std::printf("\n%s\n", network_label(net).c_str());
        network::Directory directory(db);
        TUMAR_TRY_ASSIGN(entries, directory.entries(net.id));
        std::size_t shown = 0;
        for (const auto& e : entries) {
          const auto& key = e.member.identity.identity_key;
          if (e.member.removed() || key == s->my_key()) continue;
          TUMAR_TRY_ASSIGN(name, s->member_name(net.id, key));
          auto it = reached.find(key);
          const std::string when = it != reached.end()
                                       ? "last reached " + format_time(it->second * 1000) + " (" + ago(it->second, now_s) + ")"
                                       : std::string("never reached from this profile");
          std::printf("  %s — %s\n", one_line(name).c_str(), when.c_str());
          ++shown;
        }
        if (shown == 0) std::printf("  (no other members yet)\n");
      }
      return {};
    };
  });
}

}  // namespace tumar::cli
