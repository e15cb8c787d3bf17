// PageCipher: known answers (computed with libsodium's
// crypto_aead_xchacha20poly1305_ietf_encrypt_detached directly, AD bytes
// written out by hand), round trips, and every way a page can be misplaced.

#include "core/store/page_cipher.hpp"

#include <array>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/encoding/hex.hpp"

namespace tumar::store {
namespace {

using Buf = std::array<std::uint8_t, kPageSize>;

crypto::Secret<32> key_0_to_31() {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
  return crypto::Secret<32>::copy_of(k);
}

DbId id_a0() {
  DbId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(0xa0 + i);
  return id;
}

std::array<std::uint8_t, kNonceBytes> nonce_40() {
  std::array<std::uint8_t, kNonceBytes> n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(0x40 + i);
  return n;
}

Buf pattern_page() {
  Buf p{};
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((i * 7) % 251);
  return p;
}

std::string hex(std::span<const std::uint8_t> b) { return encoding::to_hex(b); }

std::string blake2b(const Buf& p) {
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), p.data(), p.size(), nullptr, 0);
  return hex(h);
}

TEST(PageCipher, KnownAnswerMainDbPage7) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf page = pattern_page();
  seal_with_nonce_for_test(c, FileRole::kMainDb, 7, page, nonce_40());
  EXPECT_EQ(hex(std::span(page).first(32)), "d43e0b65ccc35327b7cbc1f3fbc707fbe2cdd3419fcac93bc29e4bf8cdcff149");
  EXPECT_EQ(hex(std::span(page).subspan(4040, 16)), "d03bb6213f9794515ff410842fa924a0");
  EXPECT_EQ(hex(std::span(page).subspan(kPayloadBytes, kNonceBytes)), hex(nonce_40()));
  EXPECT_EQ(hex(std::span(page).subspan(kPayloadBytes + kNonceBytes)), "09758dcff03bb9735459f924c0da31aa");
  EXPECT_EQ(blake2b(page), "9e0cf9aa9d7ae0eca4c2fce15b088b00b2338e3bc035d0494da43db26cf01c8a");
  ASSERT_TRUE(c.open(FileRole::kMainDb, 7, page));
  const Buf want = pattern_page();
  EXPECT_EQ(0, std::memcmp(page.data(), want.data(), kPayloadBytes));
  // The reserve reads back as zeros (SQLite's WAL checksum covers it).
  EXPECT_TRUE(std::all_of(page.begin() + kPayloadBytes, page.end(), [](std::uint8_t x) { return x == 0; }));
}

TEST(PageCipher, PageWithZeroReserveRoundTripsExactly) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf page = pattern_page();
  std::fill(page.begin() + kPayloadBytes, page.end(), std::uint8_t{0});
  const Buf before = page;
  c.seal(FileRole::kWal, 5, page);
  ASSERT_TRUE(c.open(FileRole::kWal, 5, page));
  EXPECT_EQ(page, before);
}

TEST(PageCipher, KnownAnswerZeroWalPage1) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf page{};
  seal_with_nonce_for_test(c, FileRole::kWal, 1, page, nonce_40());
  EXPECT_EQ(hex(std::span(page).subspan(kPayloadBytes + kNonceBytes)), "8c95dfffe62a2822953a733465ad1592");
  EXPECT_EQ(blake2b(page), "7c54bee62edf48c9e76214854c97c34edd9d701aae66684228bbd6e8f8e7dcb3");
}

TEST(PageCipher, KnownAnswerJournalHighestPgnoReserveOverwritten) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf page;
  page.fill(0xff);  // SQLite's reserve bytes (here 0xff) are overwritten by nonce and tag
  seal_with_nonce_for_test(c, FileRole::kJournal, 0xfffffffe, page, nonce_40());
  EXPECT_EQ(hex(std::span(page).subspan(kPayloadBytes + kNonceBytes)), "3e3ba8516ef0838d138d5c5199d6701f");
  EXPECT_EQ(blake2b(page), "40caf849ee1382a3167dbc62265469f3a7b0df2905be41b02e687eef8a07d8cb");
}

TEST(PageCipher, NonceMayAliasThePagesOwnReserve) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf page = pattern_page();
  const auto n = nonce_40();
  std::memcpy(page.data() + kPayloadBytes, n.data(), n.size());
  seal_with_nonce_for_test(c, FileRole::kMainDb, 7, page,
                           Nonce(page.data() + kPayloadBytes, kNonceBytes));  // overlapping buffers
  EXPECT_EQ(blake2b(page), "9e0cf9aa9d7ae0eca4c2fce15b088b00b2338e3bc035d0494da43db26cf01c8a");
}

TEST(PageCipher, RoundTripWithFreshNonces) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf a = pattern_page(), b = pattern_page();
  c.seal(FileRole::kMainDb, 3, a);
  c.seal(FileRole::kMainDb, 3, b);
  EXPECT_NE(0, std::memcmp(a.data() + kPayloadBytes, b.data() + kPayloadBytes, kNonceBytes));
  EXPECT_NE(0, std::memcmp(a.data(), b.data(), kPayloadBytes));
  ASSERT_TRUE(c.open(FileRole::kMainDb, 3, a));
  ASSERT_TRUE(c.open(FileRole::kMainDb, 3, b));
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), kPayloadBytes));
}

void expect_refused_and_zeroed(const PageCipher& opener, FileRole role, std::uint32_t pgno, Buf page) {
  EXPECT_FALSE(opener.open(role, pgno, page));
  EXPECT_TRUE(std::all_of(page.begin(), page.end(), [](std::uint8_t x) { return x == 0; }));
}

TEST(PageCipher, WrongPlaceOrKeyFails) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf sealed = pattern_page();
  c.seal(FileRole::kMainDb, 9, sealed);

  expect_refused_and_zeroed(c, FileRole::kMainDb, 8, sealed);   // other page number
  expect_refused_and_zeroed(c, FileRole::kMainDb, 10, sealed);
  expect_refused_and_zeroed(c, FileRole::kJournal, 9, sealed);  // other file role
  expect_refused_and_zeroed(c, FileRole::kWal, 9, sealed);
  DbId other_id = id_a0();
  other_id[15] ^= 1;
  expect_refused_and_zeroed(PageCipher(key_0_to_31(), other_id), FileRole::kMainDb, 9, sealed);
  std::array<std::uint8_t, 32> k{};
  k[0] = 1;
  expect_refused_and_zeroed(PageCipher(crypto::Secret<32>::copy_of(k), id_a0()), FileRole::kMainDb, 9, sealed);

  Buf ok = sealed;
  EXPECT_TRUE(c.open(FileRole::kMainDb, 9, ok));
}

TEST(PageCipher, EveryByteIsCovered) {
  PageCipher c(key_0_to_31(), id_a0());
  Buf sealed = pattern_page();
  c.seal(FileRole::kMainDb, 2, sealed);
  // Ciphertext, nonce and tag: flipping any bit anywhere is refused.
  for (std::size_t i = 0; i < kPageSize; i += 13) {
    Buf t = sealed;
    t[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    expect_refused_and_zeroed(c, FileRole::kMainDb, 2, t);
  }
  for (std::size_t i = kPayloadBytes; i < kPageSize; ++i) {
    Buf t = sealed;
    t[i] ^= 0x80;
    expect_refused_and_zeroed(c, FileRole::kMainDb, 2, t);
  }
}

TEST(PageCipher, AllZeroAndAllOnesPagesAreRefused) {
  PageCipher c(key_0_to_31(), id_a0());
  expect_refused_and_zeroed(c, FileRole::kMainDb, 1, Buf{});
  Buf ones;
  ones.fill(0xff);
  expect_refused_and_zeroed(c, FileRole::kMainDb, 1, ones);
}

}  // namespace
}  // namespace tumar::store
