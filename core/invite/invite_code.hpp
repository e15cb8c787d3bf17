#pragma once
// Invite codes (docs/PROTOCOL.md, "Invites"): what a network lead gives a
// newcomer so that `tumar join CODE` can dial the lead's node, make sure it
// is really the lead (the code pins the lead's identity key), and prove it
// holds the invite's one-time secret inside the Noise handshake.
//
//   text   = prefix || base32(binary || checksum)   (Crockford alphabet, lowercase)
//   prefix = "tumar-invite-" for a real network, "tumar-demo-invite-" for a demo one
//   binary = version (1) = 2 || kind (1: 00 real, 01 demo)
//            || network id (32) || inviter identity key (32)
//            || address length (2, big-endian) || address (HOST:PORT, ASCII)
//            || secret (32) || expires_at (8, big-endian unix seconds)
//   checksum = the first 4 bytes of BLAKE2b-256(binary)
//
// The kind is the network's (SECURITY.md, "The trainer's demo"): `tumar
// join` refuses a code of the other kind than its profile before it dials,
// and a person sees it in the prefix. The prefix and the kind byte must
// agree, so a code cannot be made to look like the other kind by editing
// its text. Version 1 codes said no kind; they are refused ("older
// version"), since neither side could then refuse before the invite is spent.
//
// The checksum catches a mistyped or truncated code before any connection
// is made; it is not an authenticator (the handshake is). Decoding is
// strict: one binary has exactly one text (apart from the whitespace, dashes
// and letter case a person may change when copying), and everything that is
// not that is refused with a sentence that says what is wrong.
//
// THE TEXT OF A CODE IS A SECRET until it is used or expires: whoever has it
// can join the network. Never log it, never put it in an error message.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/handshake_payload.hpp"
#include "core/peers/peer_address.hpp"

namespace tumar::invite {

inline constexpr std::uint8_t kInviteVersion = 2;
inline constexpr std::string_view kInvitePrefix = "tumar-invite-";
inline constexpr std::string_view kDemoInvitePrefix = "tumar-demo-invite-";
inline constexpr std::size_t kNetworkIdLen = 32;
inline constexpr std::size_t kInviteSecretLen = noise::kInviteSecretLen;
inline constexpr std::size_t kInviteIdLen = noise::kInviteIdLen;
inline constexpr std::size_t kInviteChecksumLen = 4;
// The longest spelling of a PeerAddress: "[" host "]" ":" 5-digit port.
inline constexpr std::size_t kMaxInviteAddressLen = peers::kMaxHostLen + 2 + 1 + 5;
// version, kind, network id, inviter, address length, secret, expiry: everything but the address.
inline constexpr std::size_t kInviteFixedLen = 1 + 1 + kNetworkIdLen + identity::kIdentityKeySize + 2 +
                                               kInviteSecretLen + 8;
// Version 1 had no kind byte: its shortest codes must still read as "older
// version", not as "damaged".
inline constexpr std::size_t kInviteV1FixedLen = kInviteFixedLen - 1;
inline constexpr std::size_t kMaxInviteBinaryLen = kInviteFixedLen + kMaxInviteAddressLen + kInviteChecksumLen;
// Base32 characters for the longest binary, and the longest text a person
// may paste (whitespace and dashes included), checked before anything else.
inline constexpr std::size_t kMaxInviteBodyLen = (kMaxInviteBinaryLen * 8 + 4) / 5;
inline constexpr std::size_t kMaxInviteTextLen = 4096;
static_assert(kMaxInviteAddressLen <= 0xFFFF, "the address length is a 16-bit field");
static_assert(kInviteFixedLen == 108);
static_assert(kDemoInvitePrefix.size() + kMaxInviteBodyLen < kMaxInviteTextLen);

using NetworkId = std::array<std::uint8_t, kNetworkIdLen>;
using InviteId = std::array<std::uint8_t, kInviteIdLen>;

// Move-only (the secret is). Every field is public except `secret`.
struct InviteCode {
  NetworkId network_id{};
  identity::IdentityKey inviter{};  // the lead's Ed25519 identity key; the joiner pins it
  peers::PeerAddress address;       // where the lead's node listens
  crypto::Secret<kInviteSecretLen> secret;  // one-time; never leaves the two profiles
  std::uint64_t expires_at = 0;     // unix seconds; checked by whoever has a clock
  // The network's kind, and so the only kind of profile that may use the code.
  noise::ProfileKind kind = noise::ProfileKind::kReal;
};

// The text form. IT CONTAINS THE SECRET: show it to the lead once, never log it.
// Aborts (a bug in the caller, not user input) if code.address has port 0 or
// does not spell back to itself through peers::parse_peer_address within
// kMaxInviteAddressLen characters, since no decoder would accept that code.
std::string encode_invite(const InviteCode& code);

// Parses a pasted code. Surrounding and inserted whitespace (also no-break
// and zero-width spaces), dashes and line breaks are ignored, letters may be
// in either case, and o/i/l are read as 0/1/1. kInvalidArgument, with one of
// these sentences (never containing any of the code):
//   not a tumar invite / damaged (bad character, length or checksum) /
//   made by a newer version of tumar / made by an older version of tumar /
//   malformed (also: the prefix and the kind byte disagree) / unusable address.
[[nodiscard]] core::Result<InviteCode> decode_invite(std::string_view text);

// The invite's public name: BLAKE2b-128 keyed with the secret over
// "tumar/invite-id/v1". The lead stores invites under it and the joiner
// sends it in the handshake, so the secret itself never crosses the wire.
InviteId invite_id(const crypto::Secret<kInviteSecretLen>& secret);

}  // namespace tumar::invite
