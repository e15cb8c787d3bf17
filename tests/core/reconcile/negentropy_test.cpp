// Negentropy end to end: known messages, then full runs between a client
// and a server in memory checked against a plain set difference, for many
// set sizes and shapes, with and without frame size limits.
// Malformed input is in negentropy_malformed_test.cpp.

#include "core/reconcile/negentropy.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/encoding/hex.hpp"
#include "reconcile_test_support.hpp"

namespace tumar::reconcile {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

Id filled(std::uint8_t b) {
  Id id;
  id.fill(b);
  return id;
}

SortedItems one_item() {
  SortedItems s;
  EXPECT_TRUE(s.insert(12345, filled(0xee)));
  EXPECT_TRUE(s.seal());
  return s;
}

std::string ee_hex() { return encoding::to_hex(filled(0xee)); }

TEST(NegentropyTest, KnownMessages) {
  SortedItems empty;
  ASSERT_TRUE(empty.seal());
  auto client = Negentropy::make(empty, 0);
  ASSERT_TRUE(client);
  auto q = client->initiate();
  ASSERT_TRUE(q);
  // version, bound (infinity, no prefix), IdList, 0 ids
  EXPECT_EQ(encoding::to_hex(*q), "6100000200");

  // The reference's test/protoversion.pl: a server holding (12345, ee..ee)
  // answers that query with its one id over the whole range.
  SortedItems one = one_item();
  auto server = Negentropy::make(one, 0);
  ASSERT_TRUE(server);
  auto r = server->reconcile(*q);
  ASSERT_TRUE(r);
  EXPECT_EQ(encoding::to_hex(*r), "6100000201" + ee_hex());

  // ... and answers a version it does not speak with its own version byte.
  auto down = server->reconcile(hex("62aabbccddeeff"));
  ASSERT_TRUE(down);
  EXPECT_EQ(encoding::to_hex(*down), "61");

  // The client learns it needs ee..ee, and is done.
  std::vector<Id> have, need;
  auto next = client->reconcile(*r, have, need);
  ASSERT_TRUE(next);
  EXPECT_FALSE(*next);
  EXPECT_TRUE(have.empty());
  ASSERT_EQ(need.size(), 1u);
  EXPECT_EQ(need[0], filled(0xee));
}

TEST(NegentropyTest, ClientWithMoreThan31ItemsSendsSixteenFingerprints) {
  auto sets = test::random_sets(1, 40, 1, 0, 0);
  SortedItems s = test::seal(sets.client);
  auto client = Negentropy::make(s, 0);
  ASSERT_TRUE(client);
  auto q = client->initiate();
  ASSERT_TRUE(q);
  MessageReader in(*q);
  ASSERT_EQ(*in.byte(), kProtocolVersion);
  Bound prev;
  for (int i = 0; i < 16; ++i) {
    auto b = in.bound();
    ASSERT_TRUE(b);
    EXPECT_LT(prev, *b);
    prev = *b;
    ASSERT_EQ(*in.mode(), Mode::kFingerprint);
    ASSERT_TRUE(in.bytes(kFingerprintSize));
  }
  EXPECT_EQ(prev, Bound::infinity());
  EXPECT_TRUE(in.at_end());
}

struct Case {
  std::size_t n;
  unsigned only_client, only_server, both;
  std::uint64_t spread;  // 0: about one item per timestamp
};

void check_run(const Case& c, std::uint64_t seed, std::uint64_t client_limit, std::uint64_t server_limit) {
  auto sets = test::random_sets(seed, c.n, c.only_client, c.only_server, c.both, c.spread);
  const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
  const auto r = test::run(cs, ss, client_limit, server_limit);
  SCOPED_TRACE(::testing::Message() << "n=" << c.n << " weights=" << c.only_client << "/" << c.only_server << "/"
                                    << c.both << " spread=" << c.spread << " seed=" << seed
                                    << " limits=" << client_limit << "/" << server_limit);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(test::sorted_unique(r.have), test::difference(sets.client, sets.server));
  EXPECT_EQ(test::sorted_unique(r.need), test::difference(sets.server, sets.client));
  // Without frame limits no range is ever reconciled twice.
  if (client_limit == 0 && server_limit == 0) {
    EXPECT_EQ(r.have.size(), test::sorted_unique(r.have).size());
    EXPECT_EQ(r.need.size(), test::sorted_unique(r.need).size());
  }
}

TEST(NegentropyTest, MatchesSetDifferenceForManySizes) {
  const std::vector<Case> cases = {
      {0, 1, 1, 1, 0},      {1, 1, 0, 0, 0},     {1, 0, 1, 0, 0},      {2, 1, 1, 0, 0},
      {31, 1, 1, 1, 0},     {32, 0, 0, 1, 0},    {33, 1, 1, 10, 0},    {64, 1, 1, 5, 0},
      {100, 1, 1, 98, 0},   {500, 1, 1, 1, 0},   {1000, 1, 0, 0, 0},   {1000, 0, 1, 0, 0},
      {1000, 0, 0, 1, 0},   {2000, 1, 1, 20, 0}, {5000, 1, 1, 200, 0}, {20000, 1, 1, 2000, 0},
  };
  for (const Case& c : cases) {
    for (std::uint64_t seed : {1, 2}) check_run(c, seed, 0, 0);
  }
}

TEST(NegentropyTest, SameTimestampsNeedIdPrefixBounds) {
  // Everything at one or a handful of timestamps: every bound between
  // buckets carries an id prefix.
  for (std::uint64_t spread : {1, 3}) {
    check_run({3000, 1, 1, 30, spread}, 7, 0, 0);
    check_run({3000, 1, 1, 30, spread}, 8, 4096, 4096);
  }
}

// A newcomer fetches what it lacks in the server's storage order,
// (timestamp, id): a network's membership objects first, which everything
// else depends on. Here the ids fall as the timestamps rise, so an order
// by id would be exactly backwards. Checked without a frame limit and at
// the sync's (60,000 bytes, which cuts this server's answer once); under
// much smaller limits a cut range comes back in a later round, so the
// order holds within each round only.
TEST(NegentropyTest, NeededIdsComeInTheServersStorageOrder) {
  for (const std::uint64_t limit : {std::uint64_t{0}, std::uint64_t{60000}}) {
    std::vector<Item> server, client;
    for (std::uint32_t i = 0; i < 3000; ++i) {
      Item item;
      item.timestamp = 1000 + i;
      item.id.fill(0);
      const std::uint32_t falling = 0xffffffffu - i;
      for (int b = 0; b < 4; ++b) item.id[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(falling >> (24 - 8 * b));
      server.push_back(item);
      if (i % 3 == 0) client.push_back(item);  // the client holds a third of them already
    }
    const SortedItems cs = test::seal(client), ss = test::seal(server);
    const auto r = test::run(cs, ss, limit, limit);
    ASSERT_TRUE(r.ok);
    std::vector<Id> expected;
    for (std::size_t i = 0; i < server.size(); ++i) {
      if (i % 3 != 0) expected.push_back(server[i].id);
    }
    // Under a frame limit a cut range is asked about again, and its ids
    // can come twice; the first time each comes is what counts.
    std::vector<Id> first_seen;
    for (const Id& id : r.need) {
      if (std::find(first_seen.begin(), first_seen.end(), id) == first_seen.end()) first_seen.push_back(id);
    }
    EXPECT_EQ(first_seen, expected) << "frame limit " << limit << ", " << r.need.size() << " ids learnt";
  }
}

// A server recognises a client that holds nothing (a member joining):
// that client's first message and nothing else.
TEST(NegentropyTest, AnEmptyClientsFirstMessageDescribesTheEmptySet) {
  const SortedItems empty = test::seal({});
  auto client = Negentropy::make(empty, 0);
  ASSERT_TRUE(client);
  auto first = client->initiate();
  ASSERT_TRUE(first);
  EXPECT_TRUE(describes_empty_set(*first));

  for (std::size_t n : {1, 5, 40}) {
    auto sets = test::random_sets(9, n, 0, 0, 1);
    const SortedItems some = test::seal(sets.client);
    auto c = Negentropy::make(some, 0);
    ASSERT_TRUE(c);
    auto q = c->initiate();
    ASSERT_TRUE(q);
    EXPECT_FALSE(describes_empty_set(*q)) << n << " items";
  }
  Bytes m = *first;
  EXPECT_FALSE(describes_empty_set(Bytes(m.begin(), m.end() - 1)));  // truncated
  Bytes longer = m;
  longer.push_back(0);
  EXPECT_FALSE(describes_empty_set(longer));  // something after the range
  EXPECT_FALSE(describes_empty_set(Bytes{}));
  EXPECT_FALSE(describes_empty_set(Bytes{kProtocolVersion}));
  Bytes other_version = m;
  other_version[0] = 0x62;
  EXPECT_FALSE(describes_empty_set(other_version));
  // An empty IdList that ends before infinity says nothing about the rest.
  EXPECT_FALSE(describes_empty_set(hex("61" "05" "00" "02" "00")));
}

TEST(NegentropyTest, IdenticalSetsTakeOneRoundTrip) {
  auto sets = test::random_sets(3, 10000, 0, 0, 1);
  const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
  const auto r = test::run(cs, ss, 0, 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.round_trips, 1u);
  EXPECT_TRUE(r.have.empty());
  EXPECT_TRUE(r.need.empty());
  EXPECT_EQ(r.messages.back(), Bytes{kProtocolVersion});  // every range agreed: nothing to say
}

TEST(NegentropyTest, WorksUnderFrameSizeLimits) {
  const std::vector<Case> cases = {
      {0, 1, 1, 1, 0},        {40, 1, 1, 1, 0},      {5000, 1, 0, 0, 0},   {5000, 0, 1, 0, 0},
      {5000, 1, 1, 0, 0},     {20000, 1, 1, 5, 0},   {20000, 1, 1, 100, 0}, {30000, 1, 1, 1, 100},
  };
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> limits = {
      {4096, 4096}, {60000, 60000}, {4096, 0}, {0, 4096}, {60000, 500000}};
  for (const Case& c : cases) {
    for (const auto& [cl, sl] : limits) check_run(c, 11, cl, sl);
  }
}

TEST(NegentropyTest, LargeDisjointSetsUnderASmallLimitTakeManyRounds) {
  auto sets = test::random_sets(5, 20000, 1, 1, 0);
  const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
  const auto r = test::run(cs, ss, 4096, 4096);
  ASSERT_TRUE(r.ok);
  EXPECT_GT(r.round_trips, 50u);  // ~320 KB each way in 4 KB frames
  for (const auto& m : r.messages) EXPECT_LE(m.size(), 4096u);
  EXPECT_EQ(test::sorted_unique(r.have), test::difference(sets.client, sets.server));
  EXPECT_EQ(test::sorted_unique(r.need), test::difference(sets.server, sets.client));
}

TEST(NegentropyTest, FewScatteredDifferencesTakeAtMostThreeRoundTrips) {
  // The design goal: 10 scattered differences among 10^5 items settle in
  // three round trips (10^6 is in tumar_reconcile_bench).
  auto sets = test::random_sets(9, 100000, 5, 5, 99990);
  const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
  const auto r = test::run(cs, ss, 0, 0);
  ASSERT_TRUE(r.ok);
  EXPECT_LE(r.round_trips, 3u);
  EXPECT_EQ(test::sorted_unique(r.have), test::difference(sets.client, sets.server));
  EXPECT_EQ(test::sorted_unique(r.need), test::difference(sets.server, sets.client));
}

// Fingerprints in a message of ours each describe exactly the sender's
// items between the range's two bounds, including the one that closes a
// message cut at the frame limit. (The reference fingerprints only the
// items after the range it stopped at there; see "The remaining range" in
// negentropy.cpp for why that can lose items.)
void expect_honest_fingerprints(const Bytes& message, const SortedItems& sender) {
  MessageReader in(message);
  ASSERT_EQ(*in.byte(), kProtocolVersion);
  Bound lower;
  while (!in.at_end()) {
    auto upper = in.bound();
    ASSERT_TRUE(upper);
    auto mode = in.mode();
    ASSERT_TRUE(mode);
    if (*mode == Mode::kFingerprint) {
      auto fp = in.bytes(kFingerprintSize);
      ASSERT_TRUE(fp);
      const std::size_t a = sender.lower_bound(0, sender.size(), lower);
      const std::size_t b = sender.lower_bound(a, sender.size(), *upper);
      const Fingerprint expected = sender.fingerprint(a, b);
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(), fp->begin()));
    } else if (*mode == Mode::kIdList) {
      auto n = in.varint();
      ASSERT_TRUE(n && in.bytes(*n * kIdSize));
    }
    lower = *upper;
  }
}

TEST(NegentropyTest, EveryFingerprintDescribesItsRange) {
  for (std::uint64_t limit : {4096, 8000}) {
    auto sets = test::random_sets(31, 30000, 1, 1, 3, 3);
    const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
    const auto r = test::run(cs, ss, limit, limit);
    ASSERT_TRUE(r.ok);
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
      SCOPED_TRACE(i);
      expect_honest_fingerprints(r.messages[i], i % 2 == 0 ? cs : ss);
    }
  }
}

// Regression for the closing fingerprint of a cut message (negentropy.cpp,
// "The remaining range"). The server holds 20 items in each of the ranges
// [100i, 100i + 100), i = 1..6, and 10 more at 10000..10009; the client holds
// one item of its own in each of the six ranges and nothing from 700 on. Its
// query carries its true fingerprints of the six ranges and of [700, inf)
// (the empty set's). The server answers the six with IdLists, reaches its
// 4096-byte limit on the seventh, and closes with a fingerprint of
// [700, inf). The reference puts the fingerprint of its items after the
// seventh range there, i.e. of nothing: the client finds it equal to its
// own, is done, and never learns of the server's last 10 items.
TEST(NegentropyTest, ACutAnswerLeavesTheUnansweredRangeOpen) {
  SortedItems server_items, client_items;
  std::vector<Item> server_all, client_all;
  auto id_of = [](int a, int b) {
    Id id{};
    id[0] = static_cast<std::uint8_t>(a);
    id[1] = static_cast<std::uint8_t>(b);
    return id;
  };
  for (int i = 1; i <= 6; ++i) {
    for (int j = 0; j < 20; ++j) server_all.push_back(Item{static_cast<std::uint64_t>(100 * i + j), id_of(i, j)});
    client_all.push_back(Item{static_cast<std::uint64_t>(100 * i + 50), id_of(100 + i, 0)});
  }
  for (int j = 0; j < 10; ++j) server_all.push_back(Item{static_cast<std::uint64_t>(10000 + j), id_of(200, j)});
  for (const Item& item : server_all) ASSERT_TRUE(server_items.insert(item.timestamp, item.id));
  for (const Item& item : client_all) ASSERT_TRUE(client_items.insert(item.timestamp, item.id));
  ASSERT_TRUE(server_items.seal());
  ASSERT_TRUE(client_items.seal());

  Bytes query{kProtocolVersion};
  BoundWriter writer;
  std::size_t lower = 0;
  for (std::uint64_t i = 1; i <= 7; ++i) {
    const Bound upper = i == 7 ? Bound::infinity() : Bound::at_timestamp(100 * (i + 1));
    const std::size_t upper_index = client_items.lower_bound(lower, client_items.size(), upper);
    writer.write(upper, query);
    append_mode(Mode::kFingerprint, query);
    const Fingerprint fp = client_items.fingerprint(lower, upper_index);
    query.insert(query.end(), fp.begin(), fp.end());
    lower = upper_index;
  }

  auto server = Negentropy::make(server_items, 4096);
  auto client = Negentropy::make(client_items, 4096);
  ASSERT_TRUE(server && client && client->initiate());  // the client's own first message is not used
  std::vector<Id> have, need;
  for (int round = 0; round < 10; ++round) {
    auto reply = server->reconcile(query);
    ASSERT_TRUE(reply);
    if (round == 0) {
      // The cut happened: the answer closes with (infinity, Fingerprint).
      ASSERT_GE(reply->size(), 20u);
      EXPECT_EQ(Bytes(reply->end() - 19, reply->end() - 16), (Bytes{0x00, 0x00, 0x01}));
    }
    auto next = client->reconcile(*reply, have, need);
    ASSERT_TRUE(next);
    if (!*next) break;
    query = std::move(**next);
  }
  const auto missing = test::difference(server_all, client_all);
  EXPECT_TRUE(test::sorted_unique(need) == missing) << "learnt " << need.size() << " of " << missing.size();
  EXPECT_TRUE(test::sorted_unique(have) == test::difference(client_all, server_all));
}

TEST(NegentropyTest, ServersAreIndependentOfEachOther) {
  // A server keeps no state between queries: the same query gets the same
  // answer, from this server or a fresh one.
  auto sets = test::random_sets(4, 3000, 1, 1, 10);
  const SortedItems cs = test::seal(sets.client), ss = test::seal(sets.server);
  auto client = Negentropy::make(cs, 0);
  auto server = Negentropy::make(ss, 0);
  auto fresh = Negentropy::make(ss, 0);
  ASSERT_TRUE(client && server && fresh);
  auto q = client->initiate();
  ASSERT_TRUE(q);
  auto a = server->reconcile(*q);
  auto b = server->reconcile(*q);
  auto c = fresh->reconcile(*q);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
}

}  // namespace
}  // namespace tumar::reconcile
