#pragma once
// PageCipher: seals and opens one 4096-byte database page with
// XChaCha20-Poly1305-IETF. Sans-I/O: no SQLite, no files; the only outside
// input is the nonce, drawn from the system CSPRNG by seal() (a 192-bit random
// nonce never repeats in practice, so no counter has to survive a crash).
//
// Page layout (docs/STORAGE.md):
//   [0, 4056)     ciphertext of SQLite's page bytes [0, 4056)
//   [4056, 4080)  24-byte nonce
//   [4080, 4096)  16-byte Poly1305 tag
// SQLite never looks at the last 40 bytes because the database is created
// with 40 "reserved bytes per page" (header byte 20), so they are ours.
//
// Associated data binds a page to its place: "tumar-page-v1" || role ||
// pgno (u32 big-endian) || db_id. A page moved to another page number,
// another file role or another profile's database fails to open.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/crypto/secret.hpp"

namespace tumar::store {

inline constexpr std::size_t kPageSize = 4096;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kReserveBytes = kNonceBytes + kTagBytes;
inline constexpr std::size_t kPayloadBytes = kPageSize - kReserveBytes;
inline constexpr std::size_t kPageKeyBytes = 32;
inline constexpr std::size_t kDbIdBytes = 16;

static_assert(kReserveBytes == 40, "nonce and tag must fill the reserve exactly");
static_assert(kPayloadBytes == 4056);
// SQLite keeps the reserve in one header byte and needs >= 480 usable bytes.
static_assert(kReserveBytes <= 255 && kPayloadBytes >= 480);
static_assert((kPageSize & (kPageSize - 1)) == 0, "SQLite page sizes are powers of two");

using DbId = std::array<std::uint8_t, kDbIdBytes>;
using Page = std::span<std::uint8_t, kPageSize>;
using Nonce = std::span<const std::uint8_t, kNonceBytes>;

// Which file a page image lives in. Part of the associated data, so a page
// image from the WAL or the rollback journal cannot be replayed as a page of
// the main database file (or the other way round).
enum class FileRole : std::uint8_t {
  kMainDb = 'D',
  kJournal = 'J',
  kWal = 'W',
};

class PageCipher {
 public:
  PageCipher(crypto::Secret<kPageKeyBytes> page_key, const DbId& db_id);

  // Encrypts bytes [0, kPayloadBytes) in place under a fresh random nonce and
  // writes nonce then tag into the last kReserveBytes. Whatever SQLite left
  // in the reserve is overwritten.
  void seal(FileRole role, std::uint32_t pgno, Page page) const;

  // Verifies and decrypts in place; on success the reserve (nonce and tag)
  // reads back as zeros, so a page sealed with a zero reserve opens to
  // exactly the bytes that were sealed. On failure the whole page is zeroed:
  // never partially decrypted data, never the attacker's bytes.
  [[nodiscard]] bool open(FileRole role, std::uint32_t pgno, Page page) const;

  const DbId& db_id() const noexcept { return db_id_; }

 private:
  friend void seal_with_nonce_for_test(const PageCipher&, FileRole, std::uint32_t, Page, Nonce);
  void seal_with(FileRole role, std::uint32_t pgno, Page page, Nonce nonce) const;

  crypto::Secret<kPageKeyBytes> key_;
  DbId db_id_;
};

// Known-answer tests only: a caller-chosen nonce. Reusing a nonce under one
// key gives away the XOR of two pages, so nothing outside tests calls this.
void seal_with_nonce_for_test(const PageCipher& cipher, FileRole role, std::uint32_t pgno, Page page,
                              Nonce nonce);

}  // namespace tumar::store
