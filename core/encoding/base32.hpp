#pragma once
// Base32 (RFC 4648 section 6), as tor writes it: the lowercase alphabet
// a-z 2-7 and no padding. Onion addresses (56 characters for 35 bytes) and
// v3 client-authorisation x25519 keys (52 characters for 32 bytes) use it.
// It is an encoding, not cryptography: public values only.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::encoding {

// Lowercase, unpadded.
std::string to_base32(std::span<const std::uint8_t> bytes);

// Strict inverse of to_base32: lowercase a-z 2-7 only, no padding, no
// whitespace; a length no byte count encodes to (1, 3 or 6 modulo 8) and
// non-zero bits after the last whole byte are refused, so every byte string
// has exactly one accepted spelling.
std::optional<std::vector<std::uint8_t>> from_base32(std::string_view text);

// The number of characters to_base32 makes from `bytes` bytes.
constexpr std::size_t base32_length(std::size_t bytes) noexcept { return (bytes * 8 + 4) / 5; }

}  // namespace tumar::encoding
