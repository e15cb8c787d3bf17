#pragma once
// The names every part of the network layer shares.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/encoding/hex.hpp"
#include "core/identity/identity.hpp"

namespace tumar::network {

using NetworkId = std::array<std::uint8_t, 32>;  // the id of the network's genesis object
using ObjectId = std::array<std::uint8_t, 32>;   // BLAKE2b-256 of an envelope's bytes
using EpochKeyBytes = std::array<std::uint8_t, 32>;

// The values are the wire's (tumar.proto.ObjectKind and MemberRole in
// proto/tumar/network.proto; object_types.cpp checks they agree), written
// out so that this header needs no generated code.
enum class Kind : int {
  kGenesis = 1,
  kAdmission = 2,
  kProfile = 3,
  kRemoval = 4,
  kEpochGrant = 5,
  kNote = 6,
  kBroadcast = 7,
  kPrekeys = 8,
  kDirect = 9,
  kEpochStart = 10,
};

enum class Role : int { kMember = 1, kLead = 2 };

// A stable key for the kind ("epoch_grant"), for logs and for an error's
// `kind` field; a front end words it (cli/error_text.cpp, kKinds).
const char* kind_name(Kind kind) noexcept;

// An id as logs and listings abbreviate it: its first 12 hex digits.
inline std::string short_id(const ObjectId& id) { return encoding::to_hex(id).substr(0, 12); }

// A fixed-size field of a decoded message (keys, ids) as an array. Callers
// check the size first (the payload decoders do); a wrong size gives a
// zero-padded or cut copy, never a read past the end.
template <std::size_t N>
std::array<std::uint8_t, N> to_array(const std::string& s) {
  std::array<std::uint8_t, N> a{};
  std::copy_n(s.begin(), std::min(N, s.size()), a.begin());
  return a;
}
const char* role_name(Role role) noexcept;

// Who may author what (docs/NETWORKS.md, "Kinds and who may write them").
bool lead_only(Kind kind) noexcept;

}  // namespace tumar::network
