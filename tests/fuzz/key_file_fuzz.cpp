// Fuzz target: arbitrary bytes as a key file. The parser must refuse
// anything that is not exactly 384 bytes with a valid header and in-bounds
// KDF limits, never crash, and round-trip what it accepts. When the limits
// are the Argon2id minimum (cheap), it also unlocks with the passphrase
// "fuzz" and checks what comes back. Larger limits are parsed only: the
// point is the parser, not Argon2id's speed.
// Seeds: tests/fuzz/corpus/key_file/ (written by the KeyFileFuzzSeeds test).

#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/crypto/secret.hpp"
#include "core/profile/kdf_limits.hpp"
#include "core/profile/key_file_format.hpp"
#include "core/profile/key_slots.hpp"

using namespace tumar;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto parsed = profile::parse_key_file(bytes);
  if (!parsed) {
    if (parsed.error().code() != core::Errc::kCorrupt) std::abort();
    return 0;
  }
  if (size != profile::kKeyFileSize) std::abort();
  if (!profile::kdf_limits_in_bounds(parsed->header.limits)) std::abort();
  if (parsed->header.encode() != parsed->header_bytes) std::abort();  // exactly one encoding per header

  if (!(parsed->header.limits == profile::kdf_limits_minimum_for_tests())) return 0;
  static const crypto::SecretBuffer passphrase = crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("fuzz"), 4));
  auto unlocked = profile::unlock_key_file_bytes(bytes, passphrase);
  if (!unlocked) {
    const auto code = unlocked.error().code();
    if (code != core::Errc::kWrongPassphrase && code != core::Errc::kCorrupt) std::abort();
    return 0;
  }
  if (unlocked->kind == profile::SlotKind::kReal && !unlocked->decoy_name.empty()) std::abort();
  if (unlocked->decoy_name.size() > profile::kMaxDecoyNameBytes) std::abort();
  if (!(unlocked->header == parsed->header)) std::abort();
  return 0;
}
