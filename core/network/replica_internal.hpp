#pragma once
// Helpers the two halves of NetworkReplica share (replica.cpp judges and
// applies objects; replica_purge.cpp takes invalidated ones out again).
// Not part of the network layer's interface.

#include <algorithm>
#include <array>
#include <string>

#include "core/encoding/hex.hpp"
#include "core/network/directory.hpp"
#include "core/network/envelope.hpp"
#include "tumar/network.pb.h"

namespace tumar::network::detail {

// The identity an admission or genesis names; ok is false if a field has the wrong size.
inline identity::PublicIdentity public_identity(const proto::IdentityProof& p, bool& ok) {
  identity::PublicIdentity id;
  ok = p.identity_key().size() == 32 && p.noise_static_key().size() == 32 && p.binding_signature().size() == 64;
  if (!ok) return id;
  std::copy(p.identity_key().begin(), p.identity_key().end(), id.identity_key.begin());
  std::copy(p.noise_static_key().begin(), p.noise_static_key().end(), id.noise_key.begin());
  std::copy(p.binding_signature().begin(), p.binding_signature().end(), id.binding_signature.begin());
  return id;
}

inline ProfileRecord profile_record(const VerifiedEnvelope& env, const proto::MemberProfile& p) {
  ProfileRecord rec;
  rec.lamport = p.lamport();
  rec.object_id = env.id();
  rec.display_name = p.display_name();
  rec.organisation = p.organisation();
  rec.region = p.region();
  rec.contact = p.contact();
  rec.languages.assign(p.languages().begin(), p.languages().end());
  rec.services.assign(p.services().begin(), p.services().end());
  rec.addresses.assign(p.addresses().begin(), p.addresses().end());
  // decode_profile let only empty or exactly 32 bytes through.
  if (p.onion_client_key().size() == 32) {
    std::array<std::uint8_t, 32> k{};
    std::copy(p.onion_client_key().begin(), p.onion_client_key().end(), k.begin());
    rec.onion_client_key = k;
  }
  rec.updated_at_ms = env.header().timestamp_ms;
  return rec;
}

}  // namespace tumar::network::detail
