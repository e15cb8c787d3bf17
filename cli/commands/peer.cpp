#include <cstdio>
#include <ctime>

#include "cli/app_context.hpp"
#include "cli/dates.hpp"
#include "cli/commands/profile_commands.hpp"
#include "cli/front_end_error.hpp"
#include "cli/json.hpp"
#include "cli/urgent_banner.hpp"
#include "core/encoding/hex.hpp"
#include "core/peers/peer_store.hpp"

namespace tumar::cli {
namespace {

core::Result<identity::IdentityKey> parse_key(const std::string& hex) {
  auto bytes = encoding::from_hex(hex);
  if (!bytes || bytes->size() != identity::kIdentityKeySize) {
    return cli::fail(core::Errc::kInvalidArgument,
                     "The key must be the 64 hexadecimal characters `tumar whoami` shows as \"Identity key\".");
  }
  identity::IdentityKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

std::string date(std::int64_t unix_seconds) {
  return unix_seconds < 0 ? "never" : format_time(static_cast<std::uint64_t>(unix_seconds) * 1000);
}

void add_peer_add(CLI::App& peer, AppContext& ctx) {
  struct Args {
    std::string address;
    std::string key;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = peer.add_subcommand("add", "Add a peer to your allow list");
  cmd->add_option("address", args->address, "Where the peer's node listens")->type_name("HOST:PORT")->required();
  cmd->add_option("--key", args->key, "The peer's identity key (from their `tumar whoami`)")->type_name("HEX");
  cmd->footer(
      "With --key, only a node that proves that identity is admitted or reached. Without it, the first\n"
      "`tumar sync` records whichever key answers (trust on first use) and shows its fingerprint:\n"
      "compare it with your contact's `tumar whoami` before you rely on it.\n"
      "Example:\n  tumar peer add 192.0.2.7:7420 --key 3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(address, peers::parse_peer_address(args->address));
      std::optional<identity::IdentityKey> key;
      if (!args->key.empty()) {
        TUMAR_TRY_ASSIGN(k, parse_key(args->key));
        key = k;
      }
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof);
      if (key && *key == prof.identity().public_identity().identity_key) {
        return cli::fail(core::Errc::kInvalidArgument, "That is your own identity key; add your contact's key instead.");
      }
      peers::PeerStore store(prof.database());
      TUMAR_TRY_ASSIGN(outcome, store.add(address, key, static_cast<std::int64_t>(std::time(nullptr))));
      const std::string where = address.to_string();
      switch (outcome) {
        case peers::AddOutcome::kAdded:
          std::printf("Added %s%s.\n", where.c_str(), key ? "" : " (no key yet: it is recorded at the first sync)");
          break;
        case peers::AddOutcome::kKeyRecorded: std::printf("Recorded the key for %s.\n", where.c_str()); break;
        case peers::AddOutcome::kUnchanged: std::printf("%s is already on your allow list.\n", where.c_str()); break;
      }
      if (key) std::printf("Fingerprint: %s\n", identity::fingerprint(*key).c_str());
      return {};
    };
  });
}

void add_peer_list(CLI::App& peer, AppContext& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = peer.add_subcommand("list", "Show your allow list");
  cmd->add_flag("--json", *json, "Print a JSON array instead of text");
  cmd->footer("Example:\n  tumar peer list --json");
  cmd->callback([&ctx, json] {
    ctx.action = [&ctx, json]() -> core::Result<void> {
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof, *json);
      peers::PeerStore store(prof.database());
      TUMAR_TRY_ASSIGN(all, store.list());
      if (*json) {
        std::string out = "[";
        for (std::size_t i = 0; i < all.size(); ++i) {
          const auto& p = all[i];
          out += i ? "," : "";
          out += "{\"address\":" + json_string(p.address.to_string());
          out += ",\"identity_key\":" + (p.identity_key ? json_string(encoding::to_hex(*p.identity_key)) : "null");
          out += ",\"fingerprint\":" + (p.identity_key ? json_string(identity::fingerprint(*p.identity_key)) : "null");
          out += ",\"added_at\":" + std::to_string(p.added_at);
          out += ",\"last_synced_at\":" + (p.last_synced_at ? std::to_string(*p.last_synced_at) : "null") + "}";
        }
        std::printf("%s]\n", out.c_str());
        return {};
      }
      if (all.empty()) {
        std::printf("Your allow list is empty. Add a peer with: tumar peer add HOST:PORT --key KEY\n");
        return {};
      }
      for (const auto& p : all) {
        std::printf("%s\n  fingerprint: %s\n  last sync:   %s\n", p.address.to_string().c_str(),
                    p.identity_key ? identity::fingerprint(*p.identity_key).c_str() : "(not known yet)",
                    p.last_synced_at ? date(*p.last_synced_at).c_str() : "never");
      }
      return {};
    };
  });
}

void add_peer_remove(CLI::App& peer, AppContext& ctx) {
  auto address_text = std::make_shared<std::string>();
  auto* cmd = peer.add_subcommand("remove", "Remove a peer from your allow list");
  cmd->add_option("address", *address_text, "The address as `tumar peer list` shows it")
      ->type_name("HOST:PORT")
      ->required();
  cmd->footer("The peer is no longer admitted or dialled.\nExample:\n  tumar peer remove 192.0.2.7:7420");
  cmd->callback([&ctx, address_text] {
    ctx.action = [&ctx, address_text]() -> core::Result<void> {
      TUMAR_TRY_ASSIGN(address, peers::parse_peer_address(*address_text));
      crypto::SystemRandom rng;
      TUMAR_TRY_ASSIGN(prof, open_profile(ctx, rng));
      print_urgent_banner(prof);
      peers::PeerStore store(prof.database());
      TUMAR_TRY_ASSIGN(removed, store.remove(address));
      if (!removed) {
        return cli::fail(core::Errc::kInvalidArgument,
                         address.to_string() + " is not on your allow list (see `tumar peer list`).");
      }
      std::printf("Removed %s.\n", address.to_string().c_str());
      return {};
    };
  });
}

}  // namespace

void add_peer_command(CLI::App& app, AppContext& ctx) {
  auto* peer = app.add_subcommand("peer", "Manage the peers your node admits and syncs with");
  peer->require_subcommand(1);
  peer->footer("Example:\n  tumar peer add 192.0.2.7:7420 --key KEY\n  tumar peer list");
  add_peer_add(*peer, ctx);
  add_peer_list(*peer, ctx);
  add_peer_remove(*peer, ctx);
}

}  // namespace tumar::cli
