#pragma once
// A founder's library for the initial-sync benches (initial_sync_bench,
// tor_serve_bench): people with an encrypted database, as in a real profile,
// and N resource notes of a realistic size, sealed, signed and stored in
// batches of one transaction each. Header-only; bench code.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/envelope.hpp"
#include "core/network/replica.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"
#include "tumar/network.pb.h"  // the bench builds notes by hand, as a codec would

namespace tumar::bench {

[[noreturn]] inline void die(const char* what, const core::Error& e) {
  std::fprintf(stderr, "%s: %s\n", what, e.describe().c_str());
  std::exit(1);
}

// Someone with an encrypted database at `path` and an identity drawn from
// `seed` (the same seed, the same person: runs are comparable).
struct Person {
  Person(const std::filesystem::path& path, std::uint64_t seed)
      : rng(seed), me(identity::LocalIdentity::generate(rng)) {
    store::DbId id{};
    id[0] = static_cast<std::uint8_t>(seed);
    auto opened = store::Database::open(path, crypto::Secret<32>::random(), id);
    if (!opened) die("open", opened.error());
    db.emplace(std::move(*opened));
    if (auto m = profile::migrate(*db); !m) die("migrate", m.error());
    replica.emplace(*db, me);
  }
  crypto::DeterministicRandom rng;
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
};

// Writes `count` notes by `founder` into `net`, timestamped from t0_ms + 10,
// and stores them as received at `stored_ms`. False, having said why, if the
// founder refused one: a library it refused would make a sync measure nothing.
inline bool write_notes(Person& founder, const network::NetworkId& net, std::size_t count, std::uint64_t t0_ms,
                        std::uint64_t stored_ms) {
  auto key = founder.replica->store().current_epoch_key(net);
  if (!key || !*key) std::abort();
  const std::string body(300, 'x');
  auto first_seq = founder.replica->store().max_seq(net, founder.me.public_identity().identity_key);
  if (!first_seq) die("seq", first_seq.error());
  std::vector<std::vector<std::uint8_t>> batch;
  for (std::size_t i = 0; i < count; ++i) {
    proto::ResourceNote n;
    n.set_title("Shelter " + std::to_string(i) + " hotline and opening hours");
    n.set_body(body);
    n.add_tags("shelter");
    n.set_region("Almaty");
    n.set_verified_on(19'000);
    const std::string payload = n.SerializeAsString();
    network::Header h;
    h.network_id = net;
    h.author = founder.me.public_identity().identity_key;
    h.kind = network::Kind::kNote;
    h.epoch = (*key)->first;
    h.timestamp_ms = t0_ms + 10 + i;
    h.seq = *first_seq + 1 + i;
    batch.push_back(network::seal_envelope(
        h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
        (*key)->second, founder.me, founder.rng));
    if (batch.size() == 2000 || i + 1 == count) {
      auto r = founder.replica->ingest_batch(batch, stored_ms);
      if (!r) die("store", r.error());
      for (const auto& one : *r) {
        if (one.outcome != sync::IngestOutcome::kAccepted) {
          const std::string why = one.reason ? one.reason->describe() : std::string();
          std::fprintf(stderr, "the founder refused a prepared note: %s\n", why.c_str());
          return false;
        }
      }
      batch.clear();
    }
  }
  return true;
}

}  // namespace tumar::bench
