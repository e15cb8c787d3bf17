#include "core/profile/kdf_limits.hpp"

#include <sodium.h>

#include "core/error_ids.hpp"

namespace tumar::profile {

// The key file stores alg = crypto_pwhash_ALG_ARGON2ID13 and these presets
// are that algorithm's; if libsodium ever changed them, old files would still
// open (the file records its own limits), only new ones would differ.
static_assert(crypto_pwhash_argon2id_OPSLIMIT_MIN >= 1);
static_assert(crypto_pwhash_argon2id_MEMLIMIT_MIN >= 1024);
static_assert(crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE <= kMaxOpsLimit);
static_assert(crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE <= kMaxMemLimit);

KdfLimits kdf_limits(KdfStrength strength) noexcept {
  switch (strength) {
    case KdfStrength::kInteractive:
      return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
    case KdfStrength::kModerate:
      return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
    case KdfStrength::kSensitive:
      return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
  }
  return kdf_limits(kDefaultKdfStrength);
}

KdfLimits kdf_limits_minimum_for_tests() noexcept {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

core::Result<KdfStrength> parse_kdf_strength(std::string_view name) {
  for (KdfStrength s : {KdfStrength::kInteractive, KdfStrength::kModerate, KdfStrength::kSensitive}) {
    if (name == kdf_strength_name(s)) return s;
  }
  return core::fail<core::ErrorId::kProfileUnknownHardening>(core::Errc::kInvalidArgument);
}

const char* kdf_strength_name(KdfStrength strength) noexcept {
  switch (strength) {
    case KdfStrength::kInteractive: return "interactive";
    case KdfStrength::kModerate: return "moderate";
    case KdfStrength::kSensitive: return "sensitive";
  }
  return "moderate";
}

bool kdf_limits_in_bounds(const KdfLimits& limits) noexcept {
  return limits.opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN && limits.opslimit <= kMaxOpsLimit &&
         limits.memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN && limits.memlimit <= kMaxMemLimit &&
         limits.memlimit % 1024 == 0;
}

}  // namespace tumar::profile
