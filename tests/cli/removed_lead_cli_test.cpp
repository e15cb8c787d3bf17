// Issue 16's two critical flaws, through real nodes on 127.0.0.1: a lead's
// laptop is seized. Before its removal reaches everyone, the thief uses the
// lead's keys to (1) grant a member epoch 2^63-1 under a key the thief chose,
// and (2) admit a puppet lead and send an urgent broadcast pointing people
// to a trap address, both dated before the removal. The objects reach two
// members in opposite orders — one before the removal, one after — and
// every node must end the same: no puppet, no trap, everyone writing under
// the key the removal started, which the seized identity does not hold.
//
// The thief's objects are made with the seized profile's own keys, in the
// test's process while that node is offline (as anyone holding the laptop
// and its passphrase could), and stored in its database without the checks
// an honest node applies; the seized node's real `tumar serve` then offers
// them to whoever syncs with it.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <fstream>
#include <optional>
#include <regex>

#include "core/encoding/hex.hpp"
#include "core/network/counter.hpp"
#include "core/network/epoch_key_id.hpp"
#include "core/network/local_author.hpp"
#include "core/network/payload_codec.hpp"
#include "support/profile_probe.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "tumar/network.pb.h"

namespace tumar {
namespace {
using test::run_process;
using namespace std::chrono_literals;

constexpr const char* kPassphrase = "correct horse battery staple";
constexpr const char* kNetwork = "Steppe shelters";
enum Who : std::size_t { kAigerim, kRuslan, kBota, kSaule };
constexpr std::array<const char*, 4> kNames = {"Aigerim", "Ruslan", "Bota", "Saule"};

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

class RemovedLeadCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << kPassphrase << "\n";
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      homes_[i] = (dir_ / kNames[i]).string();
      ASSERT_EQ(tumar(i, {"init", "--name", kNames[i], "--kdf", "interactive"}).exit_code, 0);
    }
  }

  test::ProcessResult tumar(std::size_t who, const std::vector<std::string>& args) {
    std::vector<std::string> argv{TUMAR_EXE, "--home", homes_[who], "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  std::string serve(std::size_t who) {
    nodes_[who].emplace(std::vector<std::string>{TUMAR_EXE, "--home", homes_[who], "--passphrase-file", pass_, "serve",
                                                 "--listen", "127.0.0.1:0"},
                        (dir_ / (std::string("serve-") + kNames[who] + std::to_string(++serves_))).string());
    if (!nodes_[who]->wait_output("listening on", 30s)) return "";
    std::smatch m;
    const std::string out = nodes_[who]->out();
    if (!std::regex_search(out, m, std::regex(R"(listening on (127\.0\.0\.1:[0-9]+))"))) return "";
    return m[1];
  }
  void stop(std::size_t who) { nodes_[who].reset(); }

  std::string invite(std::size_t who, const std::string& role) {
    auto r = tumar(who, {"invite", "create", "--network", kNetwork, "--role", role, "--json"});
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex(R"re("code":"([^"]+)")re"))) {
      ADD_FAILURE() << r.out << r.err;
      return "";
    }
    return m[1];
  }

  // Syncs `who` with `target`'s node at `address` (put on the allow list
  // first: each start of a node takes a new port).
  void sync_with(std::size_t who, std::size_t target, const std::string& address) {
    auto me = tumar(target, {"whoami", "--json"});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(me.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) << me.out;
    const std::string key = m[1];
    auto added = tumar(who, {"peer", "add", address, "--key", key});
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    auto r = tumar(who, {"sync", address, "-v"});
    if (std::getenv("TUMAR_TEST_VERBOSE")) std::fprintf(stderr, "%s sync %s:\n%s%s\n", kNames[who], address.c_str(), r.out.c_str(), r.err.c_str());
    ASSERT_EQ(r.exit_code, 0) << kNames[who] << " with " << address << ": " << r.out << r.err;
  }

  // What a person sees, without the "you" marker that differs per node.
  std::string view(std::size_t who) {
    std::string out;
    for (const auto& args : std::vector<std::vector<std::string>>{{"members", "--network", kNetwork, "--json"},
                                                                  {"broadcast", "list", "--json"},
                                                                  {"note", "list", "--json"}}) {
      out += std::regex_replace(tumar(who, args).out, std::regex(R"("you":(true|false),?)"), "") + "\n";
    }
    return out;
  }

  // The key a node writes under now: (epoch, the key's id as hex).
  std::pair<std::uint64_t, std::string> writing_key(std::size_t who) {
    std::pair<std::uint64_t, std::string> out{UINT64_MAX, ""};
    test::with_profile(homes_[who], kPassphrase, kNetwork,
                       [&](profile::Profile&, network::NetworkReplica& replica, const network::NetworkId& net,
                           crypto::RandomSource&) {
                         auto k = replica.store().current_epoch_key(net);
                         if (k && *k) {
                           const auto id = network::epoch_key_id((*k)->second);
                           out = {(*k)->first, encoding::to_hex(id)};
                         }
                       });
    return out;
  }

  ::tumar::test::TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::array<std::string, 4> homes_;
  std::array<std::optional<test::BackgroundProcess>, 4> nodes_;
  int serves_ = 0;
};

TEST_F(RemovedLeadCli, ASeizedLeadsKeysCannotCaptureTheNetworkKeyOrComeBackThroughABackdatedPuppet) {
  // Aigerim founds the network; Ruslan joins as a lead, Bota and Saule as
  // members; everyone is in sync.
  ASSERT_EQ(tumar(kAigerim, {"network", "create", kNetwork}).exit_code, 0);
  std::string a = serve(kAigerim);
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(tumar(kRuslan, {"join", invite(kAigerim, "lead")}).exit_code, 0);
  ASSERT_EQ(tumar(kRuslan, {"note", "add", "--network", kNetwork, "--title", "Night shelter", "--body", "12 beds"})
                .exit_code,
            0);
  sync_with(kRuslan, kAigerim, a);
  for (Who m : {kBota, kSaule}) ASSERT_EQ(tumar(m, {"join", invite(kAigerim, "member")}).exit_code, 0);
  for (Who m : {kRuslan, kBota, kSaule}) sync_with(m, kAigerim, a);
  stop(kAigerim);

  // Ruslan's laptop is seized. Aigerim, offline, removes Ruslan.
  const std::uint64_t removed_at = wall_ms();
  auto removed = tumar(kAigerim, {"member", "remove", "--network", kNetwork, "Ruslan"});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;

  identity::PublicIdentity bota;
  ASSERT_TRUE(test::with_profile(homes_[kBota], kPassphrase, kNetwork,
                                 [&](profile::Profile& prof, network::NetworkReplica&, const network::NetworkId&,
                                     crypto::RandomSource&) { bota = prof.identity().public_identity(); }));

  // The thief, with Ruslan's keys and no word of the removal, writes:
  crypto::SystemRandom rng;
  const auto puppet = identity::LocalIdentity::generate(rng);
  std::vector<network::ObjectId> hostile;
  ASSERT_TRUE(test::with_profile(
      homes_[kRuslan], kPassphrase, kNetwork,
      [&](profile::Profile& prof, network::NetworkReplica& replica, const network::NetworkId& net,
          crypto::RandomSource& r) {
        network::LocalAuthor author(replica, prof.identity(), r);
        // a puppet lead and a trap broadcast, dated before the removal;
        auto p = author.admit(net, puppet.public_identity(), network::Role::kLead, removed_at - 60'000);
        ASSERT_TRUE(p) << p.error().describe();
        hostile.push_back(p->id);
        auto b = author.broadcast(net, "Shelter moved: go to 12 Trap street tonight", true, 0, removed_at - 30'000);
        ASSERT_TRUE(b) << b.error().describe();
        hostile.push_back(b->id);
        // and a grant to Bota of epoch 2^63-1 under a key it chose, stored
        // without the checks an honest node makes.
        const identity::PublicIdentity* to = &bota;
        auto keys = replica.store().all_epoch_keys(net);
        ASSERT_TRUE(keys && !keys->empty());
        const auto chosen = crypto::Secret<32>::random();
        proto::EpochGrant g;
        g.set_network_id(net.data(), net.size());
        g.set_recipient(to->identity_key.data(), to->identity_key.size());
        for (const auto& [epoch, key] : *keys) {
          auto* k = g.add_keys();
          k->set_epoch(epoch);
          k->set_key(key.data(), 32);
        }
        auto* top = g.add_keys();
        top->set_epoch(network::kMaxCounter);
        top->set_key(chosen.data(), 32);
        network::Header h;
        h.network_id = net;
        h.author = prof.identity().public_identity().identity_key;
        h.kind = network::Kind::kEpochGrant;
        h.epoch = network::kMaxCounter;
        h.timestamp_ms = removed_at - 10'000;
        h.recipient = to->identity_key;
        auto seq = replica.store().max_seq(net, h.author);
        ASSERT_TRUE(seq);
        h.seq = *seq + 1;
        h.key_id = network::epoch_key_id(chosen);
        const std::string plain = g.SerializeAsString();
        crypto::SystemRandom sealing;
        const auto sealed = network::seal_grant_envelope(
            h, {reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()}, to->noise_key, prof.identity(), sealing);
        ASSERT_TRUE(sealed);
        const auto& env = *sealed;
        auto v = network::verify_envelope_bytes(env);
        ASSERT_TRUE(v);
        ASSERT_TRUE(replica.store().insert_object(network::describe(*v, to->identity_key, 0), env, 0));
        hostile.push_back(v->id());
      }));
  ASSERT_EQ(hostile.size(), 3u);

  // Bota hears from the seized node first...
  const std::string r = serve(kRuslan);
  ASSERT_FALSE(r.empty());
  sync_with(kBota, kRuslan, r);
  stop(kRuslan);
  // ...and still writes under the network's real key, never the thief's.
  EXPECT_EQ(writing_key(kBota).first, 0u);
  ASSERT_EQ(tumar(kBota, {"note", "add", "--network", kNetwork, "--title", "Legal aid", "--body", "Tuesdays"}).exit_code,
            0);

  // Saule hears of the removal first, then gets the thief's objects from Bota.
  a = serve(kAigerim);
  ASSERT_FALSE(a.empty());
  sync_with(kSaule, kAigerim, a);
  const std::string b = serve(kBota);
  ASSERT_FALSE(b.empty());
  sync_with(kSaule, kBota, b);
  stop(kBota);
  // Bota then hears of the removal; the three sync once more.
  sync_with(kBota, kAigerim, a);
  sync_with(kSaule, kAigerim, a);
  sync_with(kBota, kAigerim, a);
  stop(kAigerim);

  for (Who who : {kAigerim, kBota, kSaule}) {
    const std::string v = view(who);
    EXPECT_EQ(v.find("Trap street"), std::string::npos) << kNames[who] << v;
    EXPECT_NE(v.find("Legal aid"), std::string::npos) << kNames[who] << v;
    EXPECT_NE(v.find("Night shelter"), std::string::npos) << kNames[who] << v;
    EXPECT_EQ(view(who), view(kAigerim)) << kNames[who];
    test::with_profile(homes_[who], kPassphrase, kNetwork,
                       [&](profile::Profile&, network::NetworkReplica& replica, const network::NetworkId& net,
                           crypto::RandomSource&) {
                         EXPECT_FALSE(*replica.directory().member(net, puppet.public_identity().identity_key))
                             << kNames[who] << ": the puppet is a member";
                         for (const auto& id : hostile) EXPECT_FALSE(*replica.store().has_object(id)) << kNames[who];
                       });
  }
  // Everyone left writes under the key Aigerim's removal started, which
  // the seized identity was never given.
  const auto key = writing_key(kAigerim);
  EXPECT_EQ(key.first, 1u);
  EXPECT_EQ(writing_key(kBota), key);
  EXPECT_EQ(writing_key(kSaule), key);
  test::with_profile(homes_[kRuslan], kPassphrase, kNetwork,
                     [&](profile::Profile&, network::NetworkReplica& replica, const network::NetworkId& net,
                         crypto::RandomSource&) { EXPECT_TRUE(replica.store().epoch_keys(net, 1)->empty()); });
}

}  // namespace
}  // namespace tumar
