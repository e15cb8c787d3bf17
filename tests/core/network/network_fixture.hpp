#pragma once
// The GoogleTest fixture the network tests share: fresh people (each with
// their own database under one temporary directory), and a founded network
// with some content in it.

#include <gtest/gtest.h>

#include "network_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tumar::network::test {

class NetworkFixture : public ::testing::Test {
 protected:
  // A person. The same seed gives the same identity (a fresh database each call).
  std::unique_ptr<Node> node(std::uint64_t seed) {
    return std::make_unique<Node>(dir_ / ("n" + std::to_string(++count_) + ".db"), seed);
  }

  // Every envelope a node stores, in the order it stored them.
  static Log everything(Node& n) {
    auto all = n.store().envelopes_after(0, 100000);
    if (!all) std::abort();
    Log out;
    for (auto& [rowid, env] : *all) out.push_back(std::move(env));
    return out;
  }

  // What `to` lacks of what `from` stores.
  static Log missing(Node& from, Node& to) {
    Log out;
    for (auto& e : everything(from)) {
      if (!*to.store().has_object(object_id(e))) out.push_back(std::move(e));
    }
    return out;
  }

  // The orders tests try: as written, reversed, and ten shuffles.
  static std::vector<Log> orders(const Log& log) {
    std::vector<Log> out{log, Log(log.rbegin(), log.rend())};
    for (std::uint64_t seed = 1; seed <= 10; ++seed) out.push_back(shuffled(log, seed));
    return out;
  }

  // A founds "Almaty crisis line" at kT0, writes a profile, two notes (one
  // revised) and an urgent broadcast, then admits `member` in `role` at
  // kT0 + 6 min.
  NetworkId found(Node& a, const identity::PublicIdentity& member, Role role) {
    auto net = a.author().create_network("Almaty crisis line", false, kT0);
    EXPECT_TRUE(net) << net.error().describe();
    EXPECT_TRUE(a.author().set_profile(*net, {"Aigerim", "Crisis line", "Almaty", "+7 700 000", {"kk", "ru"}, {"legal"}, {}},
                                       kT0 + kMinute));
    auto n1 = a.author().add_note(*net, {"Shelter beds", "3 beds tonight", {"shelter"}, "Almaty", "", 19000, 0},
                                  kT0 + 2 * kMinute);
    EXPECT_TRUE(n1);
    EXPECT_TRUE(a.author().add_note(*net, {"Legal aid", "Tuesdays 10-14", {"legal"}, "", "", 0, 0}, kT0 + 3 * kMinute));
    EXPECT_TRUE(a.author().revise_note(n1->id, {"Shelter beds", "1 bed tonight", {"shelter"}, "Almaty", "", 19001, 0},
                                       kT0 + 4 * kMinute));
    EXPECT_TRUE(a.author().broadcast(*net, "Police raid rumour on Abay st.: avoid tonight", true, 0, kT0 + 5 * kMinute));
    auto admitted = a.author().admit(*net, member, role, kT0 + 6 * kMinute);
    EXPECT_TRUE(admitted) << admitted.error().describe();
    return *net;
  }

  // Admits `who` (a node) and brings it up to date with `lead`.
  void admit_and_sync(Node& lead, Node& who, const NetworkId& net, Role role, std::uint64_t at) {
    auto r = lead.author().admit(net, who.pub(), role, at);
    ASSERT_TRUE(r) << r.error().describe();
    who.join(net);
    feed(who, everything(lead), at + 1);
  }

  ::tumar::test::TempDir dir_;
  int count_ = 0;
};

}  // namespace tumar::network::test
