#include "core/profile/key_file.hpp"

#include <utility>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"

namespace tumar::profile {
namespace fs = std::filesystem;
namespace {

struct Location {
  fs::path dir;
  std::string name;
};

Location locate(const fs::path& path) {
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  return {dir, path.filename().string()};
}

crypto::RandomSource& rng_of(const KeyFileSeams& seams) {
  static crypto::SystemRandom system;  // stateless: safe to share
  return seams.rng != nullptr ? *seams.rng : system;
}

core::Result<void> require_passphrase(const crypto::SecretBuffer& p) {
  if (p.empty()) return core::fail<core::ErrorId::kProfileEmptyPassphrase>(core::Errc::kInvalidArgument);
  return {};
}

core::Result<void> write_new(const fs::path& path, const KeyFileBytes& bytes, const KeyFileSeams& seams) {
  const Location at = locate(path);
  TUMAR_TRY_ASSIGN(dir, LockedDir::lock(at.dir, LockedDir::Mode::kExclusive));
  return create_file(dir, at.name, bytes, seams.fault);
}

core::Result<void> refuse_if_exists(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) {
    return core::fail<core::ErrorId::kProfileFileExists>(core::Errc::kProfileExists, path.string());
  }
  return {};
}

// The real slot's plaintext, or kWrongPassphrase. Only slot 0 is tried: the
// callers below act on the real profile only.
core::Result<crypto::SecretBuffer> open_real_slot(const ParsedKeyFile& file, const WrappingKey& key) {
  auto plaintext = open_slot(key, file.header_bytes, kRealSlotIndex, file.slots[kRealSlotIndex]);
  if (!plaintext) return core::fail<core::ErrorId::kProfileWrongPassphrase>(core::Errc::kWrongPassphrase);
  TUMAR_TRY(decode_slot_plaintext(plaintext->span(), kRealSlotIndex));
  return std::move(*plaintext);
}

// Read, rewrite one slot, replace: under the exclusive lock throughout, so a
// concurrent set_duress and change_passphrase cannot lose each other's slot.
template <typename Rewrite>
core::Result<void> rewrite_slot(const fs::path& path, std::uint8_t index, const KeyFileSeams& seams,
                                Rewrite&& rewrite) {
  const Location at = locate(path);
  TUMAR_TRY_ASSIGN(dir, LockedDir::lock(at.dir, LockedDir::Mode::kExclusive));
  TUMAR_TRY_ASSIGN(old, ReplaceableFile::open(dir, at.name, kKeyFileSize));
  TUMAR_TRY_ASSIGN(parsed, parse_key_file(old.contents()));
  TUMAR_TRY_ASSIGN(slot, rewrite(parsed));  // SlotBytes
  parsed.slots[index] = slot;
  const KeyFileBytes bytes = assemble_key_file(parsed.header_bytes, parsed.slots[0], parsed.slots[1]);
  return replace_file(dir, std::move(old), bytes, seams.fault);
}

}  // namespace

core::Result<void> KeyFile::create(const fs::path& path, const crypto::SecretBuffer& passphrase,
                                   const KdfLimits& limits, const MasterKey& master, const DatabaseId& db_id,
                                   const KeyFileSeams& seams) {
  crypto::ensure_sodium();
  if (auto ok = require_passphrase(passphrase); !ok) return ok;
  if (!kdf_limits_in_bounds(limits)) {
    return core::fail<core::ErrorId::kProfileHardeningOutOfRange>(core::Errc::kInvalidArgument);
  }
  // Cheap refusal before a slow derivation; create_file() refuses atomically too.
  if (auto ok = refuse_if_exists(path); !ok) return ok;
  crypto::RandomSource& rng = rng_of(seams);
  const KeyFileHeader header = new_header(limits, rng);
  TUMAR_TRY_ASSIGN(key, derive_wrapping_key(passphrase, header));
  return write_new(path, build_key_file(header, key, master, db_id, rng), seams);
}

core::Result<void> KeyFile::create_with_wrapping_key(const fs::path& path, const KeyFileHeader& header,
                                                     const WrappingKey& wrapping_key, const MasterKey& master,
                                                     const DatabaseId& db_id, const KeyFileSeams& seams) {
  crypto::ensure_sodium();
  if (!kdf_limits_in_bounds(header.limits)) {
    return core::fail<core::ErrorId::kProfileHardeningOutOfRange>(core::Errc::kInvalidArgument);
  }
  if (auto ok = refuse_if_exists(path); !ok) return ok;
  return write_new(path, build_key_file(header, wrapping_key, master, db_id, rng_of(seams)), seams);
}

core::Result<Unlocked> KeyFile::unlock(const fs::path& path, const crypto::SecretBuffer& passphrase) {
  crypto::ensure_sodium();
  TUMAR_TRY(require_passphrase(passphrase));
  std::vector<std::uint8_t> bytes;
  {
    // Shared lock only while reading: a writer never scrubs what we read.
    const Location at = locate(path);
    TUMAR_TRY_ASSIGN(dir, LockedDir::lock(at.dir, LockedDir::Mode::kShared));
    TUMAR_TRY_ASSIGN(read, read_small_file(dir, at.name, kKeyFileSize));
    bytes = std::move(read);
  }
  return unlock_key_file_bytes(bytes, passphrase);
}

core::Result<void> KeyFile::change_passphrase(const fs::path& path, const crypto::SecretBuffer& old_pass,
                                              const crypto::SecretBuffer& new_pass, const KeyFileSeams& seams) {
  crypto::ensure_sodium();
  if (auto ok = require_passphrase(old_pass); !ok) return ok;
  if (auto ok = require_passphrase(new_pass); !ok) return ok;
  return rewrite_slot(path, kRealSlotIndex, seams, [&](const ParsedKeyFile& file) -> core::Result<SlotBytes> {
    TUMAR_TRY_ASSIGN(old_key, derive_wrapping_key(old_pass, file.header));
    TUMAR_TRY_ASSIGN(plaintext, open_real_slot(file, old_key));
    TUMAR_TRY_ASSIGN(new_key, derive_wrapping_key(new_pass, file.header));
    Nonce nonce{};
    rng_of(seams).fill(nonce);  // fresh: the key changed, but never reuse a nonce on principle
    return seal_slot(new_key, file.header_bytes, kRealSlotIndex, plaintext, nonce);
  });
}

core::Result<void> KeyFile::set_duress(const fs::path& path, const crypto::SecretBuffer& passphrase,
                                       const crypto::SecretBuffer& duress_pass, std::string_view decoy_name,
                                       const KeyFileSeams& seams) {
  crypto::ensure_sodium();
  if (auto ok = require_passphrase(passphrase); !ok) return ok;
  if (auto ok = require_passphrase(duress_pass); !ok) return ok;
  if (auto ok = validate_decoy_name(decoy_name); !ok) return ok;
  const core::Error same =
      core::make_error<core::ErrorId::kProfileDuressSameAsPassphrase>(core::Errc::kInvalidArgument);
  if (crypto::constant_time_equal(passphrase.span(), duress_pass.span())) return tl::unexpected(same);
  return rewrite_slot(path, kDuressSlotIndex, seams, [&](const ParsedKeyFile& file) -> core::Result<SlotBytes> {
    TUMAR_TRY_ASSIGN(real_key, derive_wrapping_key(passphrase, file.header));
    TUMAR_TRY(open_real_slot(file, real_key));
    TUMAR_TRY_ASSIGN(duress_key, derive_wrapping_key(duress_pass, file.header));
    // Same salt, so this only fires for equal passphrases; checked on the
    // derived key anyway, which is what unlock() will actually compare.
    if (open_slot(duress_key, file.header_bytes, kRealSlotIndex, file.slots[kRealSlotIndex])) {
      return tl::unexpected(same);
    }
    crypto::RandomSource& rng = rng_of(seams);
    MasterKey unused_master;
    rng.fill(unused_master.span());
    DatabaseId unused_db_id{};
    rng.fill(unused_db_id);
    const crypto::SecretBuffer plaintext = encode_slot_plaintext(SlotKind::kDuress, unused_master, unused_db_id,
                                                                 decoy_name);
    Nonce nonce{};
    rng.fill(nonce);
    return seal_slot(duress_key, file.header_bytes, kDuressSlotIndex, plaintext, nonce);
  });
}

core::Result<void> KeyFile::remove_duress(const fs::path& path, const crypto::SecretBuffer& passphrase,
                                          const KeyFileSeams& seams) {
  crypto::ensure_sodium();
  if (auto ok = require_passphrase(passphrase); !ok) return ok;
  return rewrite_slot(path, kDuressSlotIndex, seams, [&](const ParsedKeyFile& file) -> core::Result<SlotBytes> {
    TUMAR_TRY_ASSIGN(real_key, derive_wrapping_key(passphrase, file.header));
    TUMAR_TRY(open_real_slot(file, real_key));
    return random_slot(rng_of(seams));
  });
}

}  // namespace tumar::profile
