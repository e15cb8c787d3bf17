#pragma once
// Hex for public values only (keys, ids, test vectors). Secrets are never
// hex-encoded into std::string.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::encoding {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Rejects odd lengths and non-hex characters (no whitespace skipping).
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);

}  // namespace tumar::encoding
