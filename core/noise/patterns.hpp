#pragma once
// Handshake patterns (Noise rev 34, §7): the one-way patterns (§7.4), the
// fundamental interactive patterns (§7.5) and the deferred patterns (§7.6).
// Messages alternate, the first going initiator → responder (§7.1).

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace tumar::noise {

enum class Token : std::uint8_t { kE, kS, kEE, kES, kSE, kSS };

struct Pattern {
  std::string_view name;                   // "XX", "X1K1", "N" ...
  std::vector<Token> initiator_premessage; // "-> s" before "..."
  std::vector<Token> responder_premessage; // "<- s" before "..."
  std::vector<std::vector<Token>> messages;
  bool one_way() const noexcept { return messages.size() == 1; }
};

// The pattern named `name` (e.g. "XX"), or nullptr.
const Pattern* find_pattern(std::string_view name) noexcept;

// All patterns this implementation knows, in table order.
std::span<const Pattern> all_patterns() noexcept;

// The cipher suite every tumar Noise protocol uses (§8: DH_CIPHER_HASH).
inline constexpr std::string_view kSuite = "25519_ChaChaPoly_BLAKE2b";

// "Noise_<pattern>_25519_ChaChaPoly_BLAKE2b" → the pattern; nullptr for any
// other suite, pattern modifiers (psk, fallback) or unknown pattern.
const Pattern* pattern_for_protocol(std::string_view protocol_name) noexcept;

}  // namespace tumar::noise
