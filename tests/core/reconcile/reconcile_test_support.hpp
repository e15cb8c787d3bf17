#pragma once
// Shared by the reconciliation tests, seeds and fuzz target: random item
// sets with controlled overlap, and a full client/server run in memory that
// records every message and checks the frame limits on the way.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "core/reconcile/negentropy.hpp"

namespace tumar::reconcile::test {

struct SetPair {
  std::vector<Item> client;
  std::vector<Item> server;
};

// n items; each goes to the client only, the server only, or both, with
// weights only_client : only_server : both. Timestamps are drawn from
// [base, base + spread), so a small spread gives many equal timestamps.
inline SetPair random_sets(std::uint64_t seed, std::size_t n, unsigned only_client, unsigned only_server,
                           unsigned both, std::uint64_t spread = 0, std::uint64_t base = 1'677'970'534) {
  std::mt19937_64 rng(seed);
  if (spread == 0) spread = std::max<std::uint64_t>(n, 1);
  SetPair p;
  const unsigned total = only_client + only_server + both;
  for (std::size_t i = 0; i < n; ++i) {
    Item item;
    item.timestamp = base + rng() % spread;
    for (std::size_t j = 0; j < kIdSize; j += 8) {
      const std::uint64_t r = rng();
      for (std::size_t k = 0; k < 8; ++k) item.id[j + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    const unsigned pick = static_cast<unsigned>(rng() % total);
    if (pick < only_client) {
      p.client.push_back(item);
    } else if (pick < only_client + only_server) {
      p.server.push_back(item);
    } else {
      p.client.push_back(item);
      p.server.push_back(item);
    }
  }
  return p;
}

inline SortedItems seal(const std::vector<Item>& items) {
  SortedItems s;
  for (const Item& item : items) {
    if (!s.insert(item.timestamp, item.id)) std::abort();
  }
  if (!s.seal()) std::abort();
  return s;
}

// Ids in a but not in b, sorted: the naive reference answer.
inline std::vector<Id> difference(std::vector<Item> a, std::vector<Item> b) {
  std::vector<Id> ia, ib, out;
  for (const Item& i : a) ia.push_back(i.id);
  for (const Item& i : b) ib.push_back(i.id);
  std::sort(ia.begin(), ia.end());
  std::sort(ib.begin(), ib.end());
  std::set_difference(ia.begin(), ia.end(), ib.begin(), ib.end(), std::back_inserter(out));
  return out;
}

struct RunResult {
  std::vector<Id> have, need;                            // as reported, in order
  std::vector<std::vector<std::uint8_t>> messages;       // client, server, client, ...
  std::size_t round_trips = 0;                           // client message + server reply
  std::size_t bytes_up = 0, bytes_down = 0;
  bool ok = false;                                       // ran to completion within limits
};

// Runs client against server until the client is done. Fails (ok = false)
// if a call errors, a message breaks its sender's frame limit, or it takes
// more than max_rounds.
inline RunResult run(const SortedItems& client_items, const SortedItems& server_items, std::uint64_t client_limit,
                     std::uint64_t server_limit, std::size_t max_rounds = 100'000) {
  RunResult r;
  auto client = Negentropy::make(client_items, client_limit);
  auto server = Negentropy::make(server_items, server_limit);
  if (!client || !server) return r;
  auto q = client->initiate();
  if (!q) return r;
  std::vector<std::uint8_t> query = std::move(*q);
  while (r.round_trips < max_rounds) {
    if (client_limit != 0 && query.size() > client_limit) return r;
    r.bytes_up += query.size();
    r.messages.push_back(query);
    auto reply = server->reconcile(query);
    if (!reply) return r;
    if (server_limit != 0 && reply->size() > server_limit) return r;
    r.bytes_down += reply->size();
    r.messages.push_back(*reply);
    ++r.round_trips;
    auto next = client->reconcile(*reply, r.have, r.need);
    if (!next) return r;
    if (!*next) {
      r.ok = true;
      return r;
    }
    query = std::move(**next);
  }
  return r;
}

inline std::vector<Id> sorted_unique(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace tumar::reconcile::test
