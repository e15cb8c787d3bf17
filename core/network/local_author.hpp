#pragma once
// What this node writes into its networks: it builds each object, seals it
// under the current epoch key, signs it with our identity and stores it
// through the replica — the same validation a peer's object gets, so we
// cannot create what others would refuse.
//
// Every method returns the envelopes it stored; a running node pushes them
// to connected peers at once.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"

namespace tumar::network {

struct NoteFields {
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  std::string region;
  std::string contact;
  std::uint32_t verified_on = 0;  // days since 1970-01-01
  std::uint32_t valid_until = 0;
};

struct ProfileFields {
  std::string display_name, organisation, region, contact;
  std::vector<std::string> languages, services;
};

struct Written {
  ObjectId id{};                                   // the main object written
  std::vector<std::vector<std::uint8_t>> envelopes;  // every envelope stored, to push
};

class LocalAuthor {
 public:
  LocalAuthor(NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng)
      : replica_(replica), me_(me), rng_(rng) {}

  // Founds a network with us as its first lead; returns its id.
  core::Result<NetworkId> create_network(const std::string& name, bool demo, std::uint64_t now_ms);
  // Admits a member (a lead only) and grants them every epoch key we hold.
  core::Result<Written> admit(const NetworkId& net, const identity::PublicIdentity& member, Role role,
                              std::uint64_t now_ms);
  // Removes a member (a lead only), starts a new epoch and grants its key to
  // every remaining member: the removed one can read nothing written after.
  core::Result<Written> remove(const NetworkId& net, const identity::IdentityKey& member, std::uint64_t now_ms);
  // Closes the gap two leads leave when each removes a member while the
  // other is offline: each grants the next epoch's key to the member the
  // other removed. Once this node holds both removals, a grant of the
  // current epoch addressed to a removed member shows it; as a lead we
  // then start a new epoch granted only to current members. Nothing
  // (empty `envelopes`) when not a lead or nothing is exposed. Leads that
  // do it at once make several keys for that epoch, all granted to the
  // same current members, so it does not repeat.
  core::Result<Written> rekey_if_exposed(const NetworkId& net, std::uint64_t now_ms);
  core::Result<Written> set_profile(const NetworkId& net, const ProfileFields& fields, std::uint64_t now_ms);
  core::Result<Written> add_note(const NetworkId& net, const NoteFields& fields, std::uint64_t now_ms);
  core::Result<Written> revise_note(const ObjectId& root, const NoteFields& fields, std::uint64_t now_ms);
  core::Result<Written> broadcast(const NetworkId& net, const std::string& text, bool urgent,
                                  std::uint64_t expires_ms, std::uint64_t now_ms);
  // Our X3DH prekeys for direct messages (the lamport is set here).
  core::Result<Written> publish_prekeys(const NetworkId& net, proto::PrekeyBundle bundle, std::uint64_t now_ms);
  // A direct message: `ratchet_message` sealed under the current epoch key
  // and signed by a one-time key, so carriers see neither who sent it nor
  // (beyond a tag only members can match) who it is for.
  core::Result<Written> send_direct(const NetworkId& net, const identity::IdentityKey& recipient,
                                    std::span<const std::uint8_t> ratchet_message, std::uint64_t now_ms);

 private:
  core::Result<Written> write_sealed(const NetworkId& net, Kind kind, const std::string& payload,
                                     std::uint64_t now_ms);
  core::Result<std::vector<std::uint8_t>> grant_envelope(const NetworkId& net, const identity::PublicIdentity& to,
                                                         std::uint64_t now_ms);
  core::Result<Written> store(std::vector<std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms);
  core::Result<void> require_lead(const NetworkId& net);
  // A fresh key for `epoch` + 1, granted to every current member; inside
  // the caller's transaction.
  core::Result<Written> start_epoch(const NetworkId& net, std::uint64_t epoch, std::uint64_t now_ms);

  NetworkReplica& replica_;
  const identity::LocalIdentity& me_;
  crypto::RandomSource& rng_;
};

}  // namespace tumar::network
