#pragma once
// The member directory of each network: who was admitted (and by whom, in
// which epoch, with which role), who was removed, and each member's own
// profile. A projection of the stored objects; every replica that holds
// the same objects shows the same directory.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/network/object_types.hpp"
#include "core/store/database.hpp"

namespace tumar::network {

struct MemberRecord {
  identity::PublicIdentity identity;
  Role role = Role::kMember;
  std::uint64_t admitted_epoch = 0;
  ObjectId admission_id{};
  std::uint64_t admitted_at_ms = 0;
  std::optional<std::uint64_t> removed_epoch;
  std::optional<std::uint64_t> removed_at_ms;
  std::optional<ObjectId> removal_id;
  // The last of the member's own seqs that counts (the smallest any removal
  // names); set exactly when removed.
  std::optional<std::uint64_t> removed_seq;

  bool removed() const noexcept { return removed_epoch.has_value(); }
};

struct ProfileRecord {
  std::uint64_t lamport = 0;
  ObjectId object_id{};
  std::string display_name, organisation, region, contact;
  std::vector<std::string> languages, services;
  std::vector<std::string> addresses;  // where the member's node can be reached (canonical HOST:PORT)
  // The member's x25519 key for onion client authorisation, if her profile has one.
  std::optional<std::array<std::uint8_t, 32>> onion_client_key;
  std::uint64_t updated_at_ms = 0;
};

struct DirectoryEntry {
  MemberRecord member;
  std::optional<ProfileRecord> profile;
};

class Directory {
 public:
  explicit Directory(store::Database& db) : db_(db) {}

  core::Result<std::optional<MemberRecord>> member(const NetworkId& net, const identity::IdentityKey& key);
  // Admitted members, removed ones included (flagged), with profiles.
  core::Result<std::vector<DirectoryEntry>> entries(const NetworkId& net);
  // Networks in which `key` is a current member (admitted, not removed).
  core::Result<std::vector<NetworkId>> networks_of(const identity::IdentityKey& key);

  // Projections, each independent of arrival order: admissions of one
  // person combine (lead if any says lead, the earliest epoch and time);
  // removals combine towards the stricter (the earliest epoch and time, the
  // smallest last seq);
  // a profile is the highest (lamport, id).
  core::Result<void> apply_admission(const NetworkId& net, const MemberRecord& record, std::uint64_t timestamp_ms);
  core::Result<void> apply_removal(const NetworkId& net, const identity::IdentityKey& key, std::uint64_t epoch,
                                   std::uint64_t timestamp_ms, const ObjectId& removal_id, std::uint64_t last_seq);
  core::Result<void> apply_profile(const NetworkId& net, const identity::IdentityKey& key, const ProfileRecord& p);
  core::Result<void> drop_profile(const NetworkId& net, const identity::IdentityKey& key);
  // Deletes the member's row, so it can be rebuilt from the objects that
  // remain (a removal invalidated the admission it came from).
  core::Result<void> forget_member(const NetworkId& net, const identity::IdentityKey& key);

 private:
  store::Database& db_;
};

// Joins a list field for storage and display ("Russian, Kazakh").
std::string join_list(const std::vector<std::string>& items);
std::vector<std::string> split_list(const std::string& joined);

}  // namespace tumar::network
