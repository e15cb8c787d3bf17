#include "core/store/page_cipher.hpp"

#include <cstring>
#include <utility>

#include <sodium.h>

#include "core/crypto/sodium.hpp"

namespace tumar::store {
namespace {

constexpr char kAdLabel[] = "tumar-page-v1";
constexpr std::size_t kAdLabelBytes = sizeof(kAdLabel) - 1;
constexpr std::size_t kAdBytes = kAdLabelBytes + 1 + 4 + kDbIdBytes;
static_assert(kAdBytes == 34);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kPageKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

using Ad = std::array<std::uint8_t, kAdBytes>;

Ad associated_data(FileRole role, std::uint32_t pgno, const DbId& db_id) {
  Ad ad{};
  std::memcpy(ad.data(), kAdLabel, kAdLabelBytes);
  std::size_t at = kAdLabelBytes;
  ad[at++] = static_cast<std::uint8_t>(role);
  ad[at++] = static_cast<std::uint8_t>(pgno >> 24);
  ad[at++] = static_cast<std::uint8_t>(pgno >> 16);
  ad[at++] = static_cast<std::uint8_t>(pgno >> 8);
  ad[at++] = static_cast<std::uint8_t>(pgno);
  std::memcpy(ad.data() + at, db_id.data(), kDbIdBytes);
  return ad;
}

}  // namespace

PageCipher::PageCipher(crypto::Secret<kPageKeyBytes> page_key, const DbId& db_id)
    : key_(std::move(page_key)), db_id_(db_id) {
  crypto::ensure_sodium();
}

void PageCipher::seal(FileRole role, std::uint32_t pgno, Page page) const {
  std::array<std::uint8_t, kNonceBytes> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  seal_with(role, pgno, page, nonce);
}

void PageCipher::seal_with(FileRole role, std::uint32_t pgno, Page page, Nonce nonce) const {
  const Ad ad = associated_data(role, pgno, db_id_);
  std::uint8_t* nonce_out = page.data() + kPayloadBytes;
  std::uint8_t* tag_out = nonce_out + kNonceBytes;
  // Copy the nonce in first: the caller's nonce span may point into this
  // page's reserve (SQLite's reserve bytes are otherwise ours to overwrite).
  std::memmove(nonce_out, nonce.data(), kNonceBytes);
  // In-place encryption (c == m) is supported by libsodium.
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(page.data(), tag_out, nullptr, page.data(), kPayloadBytes,
                                                      ad.data(), ad.size(), nullptr, nonce_out, key_.data());
}

bool PageCipher::open(FileRole role, std::uint32_t pgno, Page page) const {
  const Ad ad = associated_data(role, pgno, db_id_);
  const std::uint8_t* nonce = page.data() + kPayloadBytes;
  const std::uint8_t* tag = nonce + kNonceBytes;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
      page.data(), nullptr, page.data(), kPayloadBytes, tag, ad.data(), ad.size(), nonce, key_.data());
  if (rc != 0) {
    // libsodium verifies before decrypting, but zero the whole page anyway
    // (reserve included) so a caller that ignores the result sees nothing.
    sodium_memzero(page.data(), page.size());
    return false;
  }
  // Hand back a reserve of zeros, not our nonce and tag: SQLite's WAL frame
  // checksum covers the whole page, reserve included, and SQLite computed it
  // over its own buffer, whose reserve is zero (new pages are zeroed; read
  // pages come from here). Leaving the nonce in place would make every
  // frame fail its checksum when the WAL is recovered after a crash.
  sodium_memzero(page.data() + kPayloadBytes, kReserveBytes);
  return true;
}

void seal_with_nonce_for_test(const PageCipher& cipher, FileRole role, std::uint32_t pgno, Page page,
                              Nonce nonce) {
  cipher.seal_with(role, pgno, page, nonce);
}

}  // namespace tumar::store
