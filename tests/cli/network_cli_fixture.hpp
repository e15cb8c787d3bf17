#pragma once
// A profile with a network, driven through the real tumar executable as a
// user would (passphrase from a file, temp home), plus "other members":
// identities made in this process whose objects are stored in the
// profile's replica exactly as a sync would deliver them (each signed by
// its author and validated by the replica). Until invite and join exist
// this is how a second lead's broadcast or a second member reaches the CLI.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/encoding/hex.hpp"
#include "core/identity/identity.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/profile/profile.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar::test {

inline constexpr const char* kPassphrase = "correct horse battery staple";
inline constexpr const char* kNetwork = "Shelters KZ";

class NetworkCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(pass_) << kPassphrase << "\n";
    auto init = tumar({"init", "--name", "Aigerim", "--kdf", "interactive"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  ProcessResult tumar(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::vector<std::string> argv{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, stdin_text);
  }

  // `tumar network create NAME`, asserting success; returns the network id.
  std::string create_network(const std::string& name = kNetwork) {
    auto r = tumar({"network", "create", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex("Network id: ([0-9a-f]{64})"))) return "";
    return m[1];
  }

  static std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  }

  // The profile opened in this process, for playing other members.
  struct Opened {
    network::NetworkReplica& replica;
    network::LocalAuthor& me;  // the profile's own identity, writing
    const identity::PublicIdentity& self;
    network::NetworkId net;  // the network with_replica was given
    crypto::RandomSource& rng;
  };

  // Opens the profile in this process (no tumar process may run meanwhile)
  // and hands `body` what it needs to write as us or as others in `name`.
  template <typename Body>
  void with_replica(const std::string& name, Body body) {
    crypto::SystemRandom rng;
    const std::string p = kPassphrase;
    auto pass = crypto::SecretBuffer::copy_of({reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
    auto prof = profile::Profile::unlock(home_, pass, rng);
    ASSERT_TRUE(prof) << prof.error().describe();
    network::NetworkReplica replica(prof->database(), prof->identity());
    network::LocalAuthor me(replica, prof->identity(), rng);
    auto net = replica.store().resolve(name);
    ASSERT_TRUE(net) << net.error().describe();
    Opened opened{replica, me, prof->identity().public_identity(), net->id, rng};
    body(opened);
  }

  static network::ProfileFields named(const std::string& display_name) {
    network::ProfileFields f;
    f.display_name = display_name;
    return f;
  }

  static std::string key_hex(const identity::LocalIdentity& id) {
    return encoding::to_hex(id.public_identity().identity_key);
  }

  // A member we (a lead of o.net) admit, with a directory profile of theirs.
  identity::LocalIdentity admit(Opened& o, const std::string& display_name, network::Role role) {
    auto id = identity::LocalIdentity::generate(o.rng);
    auto admitted = o.me.admit(o.net, id.public_identity(), role, now_ms());
    EXPECT_TRUE(admitted) << admitted.error().describe();
    network::LocalAuthor them(o.replica, id, o.rng);
    auto profiled = them.set_profile(o.net, named(display_name), now_ms());
    EXPECT_TRUE(profiled) << profiled.error().describe();
    return id;
  }

  // A network "Bota" founded and admitted us to as a plain member, as if we
  // had joined it. Returns Bota, its lead.
  identity::LocalIdentity found_network_with_us_as_member(Opened& o, const std::string& name) {
    auto bota = identity::LocalIdentity::generate(o.rng);
    network::LocalAuthor founder(o.replica, bota, o.rng);
    auto net = founder.create_network(name, false, now_ms());
    EXPECT_TRUE(net) << net.error().describe();
    if (!net) return bota;
    EXPECT_TRUE(founder.set_profile(*net, named("Bota"), now_ms()));
    EXPECT_TRUE(founder.admit(*net, o.self, network::Role::kMember, now_ms()));
    return bota;
  }

  TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::string home_ = (dir_ / "home").string();
};

}  // namespace tumar::test
