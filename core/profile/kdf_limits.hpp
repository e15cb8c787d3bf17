#pragma once
// How hard the passphrase is hardened: Argon2id's pass count (opslimit) and
// memory (memlimit, bytes). The presets are libsodium's own
// crypto_pwhash_*_ARGON2ID constants; the bounds below are what a key file may
// ask for. A key file is attacker-controlled input, so its limits are checked
// against these bounds BEFORE any derivation: a crafted file must not make us
// allocate a terabyte or spin for an hour.

#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace tumar::profile {

struct KdfLimits {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;  // bytes; a multiple of 1 KiB (Argon2 counts in KiB)
  friend bool operator==(const KdfLimits&, const KdfLimits&) = default;
};

enum class KdfStrength : std::uint8_t {
  kInteractive,  // 2 passes, 64 MiB: quick, for old laptops
  kModerate,     // 3 passes, 256 MiB: the default, about half a second
  kSensitive,    // 4 passes, 1 GiB: several seconds
};

inline constexpr KdfStrength kDefaultKdfStrength = KdfStrength::kModerate;

// Upper bounds on what a key file may ask for (lower bounds are libsodium's
// Argon2id minimums: 1 pass, 8 KiB). Sensitive (4, 1 GiB) is well inside.
inline constexpr std::uint64_t kMaxOpsLimit = 32;
inline constexpr std::uint64_t kMaxMemLimit = std::uint64_t{4} << 30;  // 4 GiB

[[nodiscard]] KdfLimits kdf_limits(KdfStrength strength) noexcept;

// TESTS AND FUZZING ONLY: libsodium's Argon2id minimum (1 pass, 8 KiB), which
// protects a passphrase against nothing. Nothing refuses it, so that tests
// exercise the same code paths as production; never offer it to users.
[[nodiscard]] KdfLimits kdf_limits_minimum_for_tests() noexcept;

// "interactive" | "moderate" | "sensitive" (the CLI's --kdf values).
[[nodiscard]] core::Result<KdfStrength> parse_kdf_strength(std::string_view name);
[[nodiscard]] const char* kdf_strength_name(KdfStrength strength) noexcept;

// True when the limits are within [libsodium minimum, kMax*] and memlimit is
// a whole number of KiB. Checked on every key file read and written.
[[nodiscard]] bool kdf_limits_in_bounds(const KdfLimits& limits) noexcept;

}  // namespace tumar::profile
