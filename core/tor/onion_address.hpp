#pragma once
// The shape of a v3 onion address, checked before anything is sent to tor.
//
// rend-spec-v3 section 6: onion_address = base32(PUBKEY | CHECKSUM | VERSION)
// + ".onion", 32 + 2 + 1 = 35 bytes, so exactly 56 base32 characters, and the
// version byte 0x03 makes the last character 'd'. The checksum is SHA3-256,
// which libsodium does not have, so tumar never checks or derives it: an
// address comes from tor (ADD_ONION's ServiceID), travels in a signed
// profile, and tor itself refuses a bad checksum (SOCKS reply 0xF6).

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tumar::tor {

inline constexpr std::size_t kServiceIdLen = 56;           // base32 of 35 bytes
inline constexpr std::string_view kOnionSuffix = ".onion";
inline constexpr std::size_t kOnionHostLen = kServiceIdLen + kOnionSuffix.size();
static_assert(kServiceIdLen == (35 * 8 + 4) / 5, "v3: 32-byte key, 2-byte checksum, version byte");

// A ServiceID: 56 lowercase base32 characters ending in 'd' (version 3),
// without ".onion". Tor answers ADD_ONION with it and DEL_ONION and
// ONION_CLIENT_AUTH_ADD take it.
[[nodiscard]] bool is_service_id(std::string_view text) noexcept;

// A host for the SOCKS CONNECT: a ServiceID + ".onion". Lowercase only:
// tumar's addresses come from tor, which writes them lowercase.
[[nodiscard]] bool is_onion_host(std::string_view text) noexcept;

// kTorOnionAddressShape unless `host` is an onion host.
[[nodiscard]] core::Result<void> check_onion_host(std::string_view host);

}  // namespace tumar::tor
