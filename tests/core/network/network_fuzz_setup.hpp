#pragma once
// A fixed network for the network_object fuzz target and the test that
// writes its seeds: the founder A (whose replica the target feeds), a lead
// L, a member M, and an outsider X; one note to revise. Everything is
// deterministic (DeterministicRandom, LocalAuthor draws its keys from it),
// so a recorded envelope is valid input for the target in another process.
//
// Input of the target: one mode byte, then
//   mode even: envelopes, each as u16be length || bytes, ingested in order;
//   mode odd:  author (byte: A, L, M, X), kind (byte), epoch (byte),
//              clock offset (u16be, minutes around the world's "now"),
//              then the payload: sealed under the real key of that epoch
//              (a grant: sealed to A), so the payload decoders and the
//              rules are reached, which random bytes never get past the
//              signature and the AEAD tag to do.

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/network/recipient_tag.hpp"
#include "network_test_support.hpp"

namespace tumar::network::fuzz {

inline constexpr std::uint64_t kNow = test::kT0 + test::kDay;

struct World {
  std::unique_ptr<test::Node> a;  // founder; the target feeds its replica
  identity::LocalIdentity l, m, x;
  NetworkId net{};
  ObjectId note{};  // A's note
  crypto::Secret<32> key;  // epoch 0

  const identity::LocalIdentity& author(std::uint8_t which) const {
    switch (which % 4) {
      case 0: return a->me();
      case 1: return l;
      case 2: return m;
      default: return x;
    }
  }
};

inline identity::LocalIdentity identity_of(std::uint64_t seed) {
  crypto::DeterministicRandom rng(seed);
  return identity::LocalIdentity::generate(rng);
}

inline const World& world() {
  static const World* w = [] {
    char dir[] = "/tmp/tumar-netfuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    auto* out = new World{std::make_unique<test::Node>(std::filesystem::path(dir) / "a.db", 1), identity_of(4),
                          identity_of(2), identity_of(9), {}, {}, {}};
    auto& author = out->a->author();
    auto net = author.create_network("Fuzz network", false, test::kT0);
    if (!net) std::abort();
    out->net = *net;
    if (!author.admit(*net, out->l.public_identity(), Role::kLead, test::kT0 + 1) ||
        !author.admit(*net, out->m.public_identity(), Role::kMember, test::kT0 + 2)) {
      std::abort();
    }
    auto note = author.add_note(*net, {"Shelter", "3 beds", {"shelter"}, "Almaty", "", 0, 0}, test::kT0 + 3);
    if (!note) std::abort();
    out->note = note->id;
    out->key = test::current_key(*out->a, *net).second;
    static std::string path = dir;  // removed at exit (SQLite refuses writes to an unlinked database)
    std::atexit([] { std::filesystem::remove_all(path); });
    return out;
  }();
  return *w;
}

// Builds the odd-mode envelope from its fields (the seeds test uses it too).
inline test::Bytes structured_envelope(std::uint8_t who, std::uint8_t kind_byte, std::uint8_t epoch,
                                       std::uint16_t clock, std::span<const std::uint8_t> payload,
                                       crypto::RandomSource& rng) {
  const World& w = world();
  const auto& author = w.author(who);
  const Kind kind = static_cast<Kind>(kind_byte % 10 + 1);  // every kind, PREKEYS, DIRECT and EPOCH_START included
  // The seq follows the clock field: two objects with one clock and author
  // share a seq, so inputs reach the equivocation paths too.
  const std::uint64_t seq = std::uint64_t{clock} + 1;
  const std::uint64_t ts = kNow - 30'000 * test::kMinute + std::uint64_t{clock} * test::kMinute;
  if (kind == Kind::kEpochGrant) {
    Header h;
    h.network_id = w.net;
    h.author = author.public_identity().identity_key;
    h.kind = kind;
    h.epoch = epoch;
    h.timestamp_ms = ts;
    h.recipient = w.a->key();
    h.seq = seq;
    h.key_id = epoch_key_id(w.key);
    auto env = seal_grant_envelope(h, payload, w.a->pub().noise_key, author, rng);
    if (!env) std::abort();
    return std::move(*env);
  }
  if (kind == Kind::kDirect) {
    // A direct message names only a tag; its author is whoever `who` is
    // (a one-time key in real use: the replica does not look it up).
    Header h;
    h.network_id = w.net;
    h.author = author.public_identity().identity_key;
    h.kind = kind;
    h.epoch = epoch;
    h.timestamp_ms = ts;
    h.recipient = recipient_tag(w.key, w.a->key());
    return seal_envelope(h, payload, w.key, author, rng);
  }
  std::optional<NetworkId> net;
  if (kind != Kind::kGenesis) net = w.net;
  return test::craft(author, net, kind, kind == Kind::kGenesis ? 0 : epoch, ts, payload, w.key, rng, seq);
}

}  // namespace tumar::network::fuzz
