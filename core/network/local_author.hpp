#pragma once
// What this node writes into its networks: it builds each object, seals it
// under the current epoch key, signs it with our identity and stores it
// through the replica — the same validation a peer's object gets, so we
// cannot create what others would refuse.
//
// Every method returns the envelopes it stored; a running node pushes them
// to connected peers at once.

#include <array>
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
  std::vector<std::string> addresses;  // HOST:PORT, canonical (peers::PeerAddress::to_string)
  // Our x25519 client-auth public key (docs/PROTOCOL.md, "Onion client
  // authorisation"); nullopt: the profile carries none. The initializer
  // keeps brace-initialised fields lists valid without it.
  std::optional<std::array<std::uint8_t, 32>> onion_client_key = std::nullopt;
};

// Our X3DH prekeys as a PREKEYS object carries them (docs/PROTOCOL.md): the
// current signed prekey and one dedicated one-time prekey per other member,
// ordered by member (the payload decoder requires it). Ids are never 0.
struct PrekeyFields {
  using PublicKey = std::array<std::uint8_t, 32>;  // X25519
  struct Dedicated {
    identity::IdentityKey sender{};  // the only member who may use it
    std::uint32_t id = 0;
    PublicKey key{};
  };
  std::uint32_t signed_prekey_id = 0;
  PublicKey signed_prekey{};
  identity::Signature signed_prekey_signature{};  // by us (core/ratchet/prekeys.hpp)
  std::vector<Dedicated> one_time_prekeys;
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
  // As a lead, keeps the current epoch's key where it belongs
  // (docs/NETWORKS.md, "Epochs"). If a grant of the current epoch reached
  // a member since removed (two leads each removed someone while the other
  // was offline, each granting the new key to the other's removed member),
  // starts the next epoch, granted only to current members. Otherwise, if
  // we hold the winning key of the current epoch, grants it to each current
  // member who has no grant of it (two leads started the epoch at once).
  // Nothing (empty `envelopes`) when not a lead or nothing is due.
  core::Result<Written> rekey_if_exposed(const NetworkId& net, std::uint64_t now_ms);
  core::Result<Written> set_profile(const NetworkId& net, const ProfileFields& fields, std::uint64_t now_ms);
  core::Result<Written> add_note(const NetworkId& net, const NoteFields& fields, std::uint64_t now_ms);
  core::Result<Written> revise_note(const ObjectId& root, const NoteFields& fields, std::uint64_t now_ms);
  core::Result<Written> broadcast(const NetworkId& net, const std::string& text, bool urgent,
                                  std::uint64_t expires_ms, std::uint64_t now_ms);
  // Our X3DH prekeys for direct messages (the lamport is set here).
  core::Result<Written> publish_prekeys(const NetworkId& net, const PrekeyFields& prekeys, std::uint64_t now_ms);
  // A direct message: `ratchet_message` sealed under the current epoch key
  // and signed by a one-time key, so carriers see neither who sent it nor
  // (beyond a tag only members can match) who it is for.
  core::Result<Written> send_direct(const NetworkId& net, const identity::IdentityKey& recipient,
                                    std::span<const std::uint8_t> ratchet_message, std::uint64_t now_ms);

 private:
  core::Result<Written> write_sealed(const NetworkId& net, Kind kind, const std::string& payload,
                                     std::uint64_t now_ms);
  core::Result<std::vector<std::uint8_t>> grant_envelope(const NetworkId& net, const identity::PublicIdentity& to,
                                                         std::uint64_t now_ms, std::uint64_t seq);
  // Our seq `ahead` places after the last we used (1: the next one);
  // kLimit past kMaxCounter.
  core::Result<std::uint64_t> next_seq(const NetworkId& net, std::uint64_t ahead = 1);
  // The current members who lack a grant of the winning key of the current
  // epoch, if we hold that key (two leads started the epoch at once);
  // read-only, so the periodic check opens no write transaction.
  core::Result<std::vector<identity::PublicIdentity>> catch_up_due(const NetworkId& net);
  // The refusal when we hold no key for the current epoch, worded for
  // whether a new key is on its way.
  core::Result<Written> no_current_key(const NetworkId& net);
  core::Result<Written> store(std::vector<std::vector<std::uint8_t>> envelopes, std::uint64_t now_ms);
  core::Result<void> require_lead(const NetworkId& net);
  // Starts the epoch after the current one with a fresh key (an epoch
  // start object, `reason` a tumar.proto.EpochReason, naming `removal` if
  // any) and grants it to every current member; inside the caller's
  // transaction.
  core::Result<Written> start_epoch(const NetworkId& net, int reason, const ObjectId* removal, std::uint64_t now_ms);

  NetworkReplica& replica_;
  const identity::LocalIdentity& me_;
  crypto::RandomSource& rng_;
};

}  // namespace tumar::network
