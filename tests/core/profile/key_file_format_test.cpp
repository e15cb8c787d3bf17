// The key file's layout and cryptography against known answers computed
// independently (key_file_vectors.py: pyca/cryptography's Argon2id and a
// hand-written HChaCha20, from docs/KEYFILE.md alone), and the parser's
// strictness: every malformed header is refused before anything is derived.

#include <gtest/gtest.h>

#include <sodium.h>

#include <cstring>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/profile/key_file_format.hpp"
#include "core/profile/key_slots.hpp"
#include "key_file_test_support.hpp"

namespace tumar::profile {
namespace {

using test::Bytes;
using test::pass;
using test::ScriptedRandom;

constexpr const char* kHeaderHex =
    "54554d41524b4631010200000000000001000000000000000020000000000000000102030405060708090a0b0c0d0e0f";
constexpr const char* kWrappingKeyHex = "d17ea6341ca93da6079ea2f64dc4aa31dd1aaf9caa67fb42ac4afd0714706f26";
constexpr const char* kSlot0Hex =
    "101112131415161718191a1b1c1d1e1f2021222324252627828a0a4bdbe14ed026ceda36bd50dc4f29a1cff3115f35b2e647f14feb86ec0b"
    "c73ccdff360c8bef4775a0141d8292f0c90eae6f39f75a2632f431971e2e4b6184c2aeae16f2df645f64c54c4769c495a29e6e54d69255"
    "6c6389698914656b4233e4b16f60fb90ee53734e9f92ae3355cc4ca7a88c79337da0dea6493775475462826e720fd1bbedd7a08dc220a4"
    "7f3f";
constexpr const char* kFileSha256 = "7d43fa1e7a8b3f7f13377250fb784cb9d9b9ce6a51a943785f0cd9dff0c3ed08";

std::string sha256_hex(std::span<const std::uint8_t> b) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h{};
  crypto_hash_sha256(h.data(), b.data(), b.size());
  return encoding::to_hex(h);
}

KeyFileHeader kat_header() {
  ScriptedRandom rng(0x00);
  return new_header(test::fast(), rng);
}

Bytes valid_file() {
  ScriptedRandom rng(0x00);
  const KeyFileHeader h = new_header(test::fast(), rng);
  auto key = derive_wrapping_key(pass("correct horse battery staple"), h);
  EXPECT_TRUE(key.has_value());
  const KeyFileBytes f = build_key_file(h, *key, test::pattern_key(0xa0), test::pattern_db_id(0xc0), rng);
  return Bytes(f.begin(), f.end());
}

TEST(KeyFileFormat, HeaderIsLaidOutByteByByte) {
  EXPECT_EQ(encoding::to_hex(kat_header().encode()), kHeaderHex);
  auto parsed = parse_header(std::span<const std::uint8_t, kHeaderSize>(kat_header().encode()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, kat_header());
}

TEST(KeyFileFormat, WrappingKeyIsArgon2id13) {
  auto key = derive_wrapping_key(pass("correct horse battery staple"), kat_header());
  ASSERT_TRUE(key);
  EXPECT_EQ(encoding::to_hex(key->span()), kWrappingKeyHex);
}

TEST(KeyFileFormat, NewFileKnownAnswer) {
  const Bytes f = valid_file();
  ASSERT_EQ(f.size(), kKeyFileSize);
  EXPECT_EQ(encoding::to_hex(std::span(f).first(kHeaderSize)), kHeaderHex);
  EXPECT_EQ(encoding::to_hex(std::span(f).subspan(kHeaderSize, kSlotSize)), kSlot0Hex);
  // Slot 1 unset: the scripted source's next 168 bytes, verbatim.
  for (std::size_t i = 0; i < kSlotSize; ++i) EXPECT_EQ(f[kHeaderSize + kSlotSize + i], 0x28 + i);
  EXPECT_EQ(sha256_hex(f), kFileSha256);
}

TEST(KeyFileFormat, UnlocksTheKnownAnswerFile) {
  auto u = unlock_key_file_bytes(valid_file(), pass("correct horse battery staple"));
  ASSERT_TRUE(u) << u.error().describe();
  EXPECT_EQ(u->kind, SlotKind::kReal);
  EXPECT_TRUE(crypto::constant_time_equal(u->master.span(), test::pattern_key(0xa0).span()));
  EXPECT_EQ(u->db_id, test::pattern_db_id(0xc0));
  EXPECT_EQ(u->decoy_name, "");
  EXPECT_EQ(encoding::to_hex(u->wrapping_key.span()), kWrappingKeyHex);
  EXPECT_EQ(u->header, kat_header());
}

TEST(KeyFileFormat, RefusesEveryWrongSize) {
  const Bytes f = valid_file();
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, kHeaderSize, kKeyFileSize - 1}) {
    auto r = parse_key_file(std::span(f).first(n));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), core::Errc::kCorrupt);
    EXPECT_EQ(r.error().id(), core::ErrorId::kProfileKeyFileSize);
    EXPECT_EQ(r.error().field("size"), std::to_string(n));
  }
  Bytes longer = f;
  longer.push_back(0);
  EXPECT_EQ(parse_key_file(longer).error().code(), core::Errc::kCorrupt);
}

core::Errc parse_error_after(std::size_t offset, std::uint8_t value) {
  Bytes f = valid_file();
  f[offset] = value;
  auto r = parse_key_file(f);
  return r ? core::Errc::kInvalidArgument /* "parsed": not what the callers expect */ : r.error().code();
}

TEST(KeyFileFormat, RefusesBadMagicVersionAlgAndReservedBytes) {
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(parse_error_after(i, 'X'), core::Errc::kCorrupt) << i;
  EXPECT_EQ(parse_error_after(8, 0), core::Errc::kCorrupt);
  EXPECT_EQ(parse_error_after(8, 2), core::Errc::kCorrupt);
  EXPECT_EQ(parse_error_after(9, 1), core::Errc::kCorrupt);  // Argon2i13
  EXPECT_EQ(parse_error_after(9, 0), core::Errc::kCorrupt);
  for (std::size_t i = 10; i < 16; ++i) EXPECT_EQ(parse_error_after(i, 1), core::Errc::kCorrupt) << i;
}

Bytes with_limits(std::uint64_t ops, std::uint64_t mem) {
  Bytes f = valid_file();
  for (std::size_t i = 0; i < 8; ++i) {
    f[16 + i] = static_cast<std::uint8_t>(ops >> (8 * i));
    f[24 + i] = static_cast<std::uint8_t>(mem >> (8 * i));
  }
  return f;
}

TEST(KeyFileFormat, BoundsKdfLimitsBeforeDeriving) {
  // Each of these would otherwise make Argon2id take forever or try to
  // allocate absurd memory; the parser stops them first (no timeout here:
  // the test would hang or die if it did not).
  const std::uint64_t kKiB = 1024;
  const std::pair<std::uint64_t, std::uint64_t> refused[] = {
      {0, 8 * kKiB},
      {33, 8 * kKiB},
      {~std::uint64_t{0}, 8 * kKiB},
      {1, 0},
      {1, 7 * kKiB},
      {1, (std::uint64_t{4} << 30) + kKiB},
      {1, std::uint64_t{1} << 40},  // 1 TiB
      {1, ~std::uint64_t{0}},
      {1, 8 * kKiB + 1},  // not whole KiB: non-canonical
  };
  for (auto [ops, mem] : refused) {
    auto r = unlock_key_file_bytes(with_limits(ops, mem), pass("x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), core::Errc::kCorrupt) << ops << " " << mem;
  }
  // The edges are accepted by the parser (not derived here: 4 GiB).
  EXPECT_TRUE(parse_key_file(with_limits(32, 8 * kKiB)));
  EXPECT_TRUE(parse_key_file(with_limits(1, std::uint64_t{4} << 30)));
}

TEST(KeyFileFormat, DerivationRefusesEmptyPassphraseAndUnboundedLimits) {
  EXPECT_EQ(derive_wrapping_key(pass(""), kat_header()).error().code(), core::Errc::kInvalidArgument);
  KeyFileHeader h = kat_header();
  h.limits.memlimit = std::uint64_t{1} << 40;
  EXPECT_EQ(derive_wrapping_key(pass("x"), h).error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(unlock_key_file_bytes(valid_file(), pass("")).error().code(), core::Errc::kInvalidArgument);
}

TEST(KeyFileFormat, SlotPlaintextLayout) {
  const auto p = encode_slot_plaintext(SlotKind::kDuress, test::pattern_key(0x60), test::pattern_db_id(0x80), "Aigerim");
  ASSERT_EQ(p.size(), kSlotPlaintextSize);
  EXPECT_EQ(p.data()[0], 2);
  EXPECT_EQ(p.data()[1], 0x60);
  EXPECT_EQ(p.data()[32], 0x7f);
  EXPECT_EQ(p.data()[33], 0x80);
  EXPECT_EQ(p.data()[48], 0x8f);
  EXPECT_EQ(p.data()[49], 7);
  EXPECT_EQ(std::memcmp(p.data() + 50, "Aigerim", 7), 0);
  for (std::size_t i = 57; i < 128; ++i) EXPECT_EQ(p.data()[i], 0) << i;
  auto c = decode_slot_plaintext(p.span(), kDuressSlotIndex);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, SlotKind::kDuress);
  EXPECT_EQ(c->decoy_name, "Aigerim");
}

TEST(KeyFileFormat, SlotPlaintextIsDecodedStrictly) {
  const auto good = encode_slot_plaintext(SlotKind::kDuress, test::pattern_key(0), test::pattern_db_id(0), "Ana");
  auto mutated = [&](std::size_t at, std::uint8_t v) {
    auto p = crypto::SecretBuffer::copy_of(good.span());
    p.data()[at] = v;
    return decode_slot_plaintext(p.span(), kDuressSlotIndex);
  };
  EXPECT_FALSE(decode_slot_plaintext(good.span(), kRealSlotIndex));  // a duress plaintext in slot 0
  EXPECT_FALSE(mutated(0, 3));
  EXPECT_FALSE(mutated(49, 79));         // name longer than its field
  EXPECT_FALSE(mutated(127, 1));         // non-zero padding
  EXPECT_FALSE(mutated(50, 0x07));       // control character in the name
  const auto real = encode_slot_plaintext(SlotKind::kReal, test::pattern_key(0), test::pattern_db_id(0), "");
  auto p = crypto::SecretBuffer::copy_of(real.span());
  p.data()[49] = 1;  // the real slot carries no name
  p.data()[50] = 'A';
  EXPECT_FALSE(decode_slot_plaintext(p.span(), kRealSlotIndex));
  EXPECT_TRUE(decode_slot_plaintext(real.span(), kRealSlotIndex));
}

TEST(KeyFileFormat, DecoyNameValidation) {
  EXPECT_TRUE(validate_decoy_name(""));
  EXPECT_TRUE(validate_decoy_name(std::string(78, 'a')));
  EXPECT_TRUE(validate_decoy_name("Айгерим (Алматы)"));
  EXPECT_FALSE(validate_decoy_name(std::string(79, 'a')));
  EXPECT_FALSE(validate_decoy_name(std::string("a\0b", 3)));
  EXPECT_FALSE(validate_decoy_name("a\nb"));
}

TEST(KeyFileFormat, SlotsCannotBeSwapped) {
  // A slot sealed for index 0 does not open as index 1 and vice versa: the
  // index is in the AD.
  const Bytes f = valid_file();
  auto parsed = parse_key_file(f);
  ASSERT_TRUE(parsed);
  auto key = derive_wrapping_key(pass("correct horse battery staple"), parsed->header);
  ASSERT_TRUE(key);
  EXPECT_TRUE(open_slot(*key, parsed->header_bytes, 0, parsed->slots[0]));
  EXPECT_FALSE(open_slot(*key, parsed->header_bytes, 1, parsed->slots[0]));
  std::swap(parsed->slots[0], parsed->slots[1]);
  auto r = open_key_file(*parsed, std::move(*key));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kWrongPassphrase);
}

}  // namespace
}  // namespace tumar::profile
