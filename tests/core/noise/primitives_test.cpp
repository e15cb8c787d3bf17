// Known-answer tests for the Noise suite's building blocks. Expected values
// come from tests/core/noise/primitives_vectors.py (Python hashlib/hmac and
// the "cryptography" package, independent of libsodium and of this code).

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/encoding/hex.hpp"
#include "core/noise/cipher_state.hpp"
#include "core/noise/primitives.hpp"
#include "core/noise/symmetric_state.hpp"

namespace tumar::noise {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes from_hex(const char* hex) { return *encoding::from_hex(hex); }
Bytes ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes counting(std::size_t n, std::uint8_t start = 0) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
  return b;
}
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) { return encoding::to_hex(a); }

TEST(NoiseHmac, KeyOfHashLen) {
  std::array<std::uint8_t, kHashLen> out{};
  hmac(counting(64), {ascii("tumar")}, out);
  EXPECT_EQ(hex(out), "d174cffc2f2e5e05cf98f97e996efac3c40d6d09f6e8ba43d543233ae0578e6656f45e3e12f767a087623138b4cddd9666ea38fe56a0b911204ed7e8026d6012");
}

TEST(NoiseHmac, EmptyKeyAndMessage) {
  std::array<std::uint8_t, kHashLen> out{};
  hmac({}, {}, out);
  EXPECT_EQ(hex(out), "198cd2006f66ff83fbbd913f78aca2251caf4f19fe9475aade8cf2091b99a68466775177424f58286886cbae8229644cec747237d4b721735485e17372fdf59c");
}

TEST(NoiseHmac, KeyOfExactlyBlockLen) {
  std::array<std::uint8_t, kHashLen> out{};
  hmac(counting(128), {ascii("x")}, out);
  EXPECT_EQ(hex(out), "6ada53a1bcf9278ecbf485888deb707ae40e2cd9a5c06345f94fa6bf693907d025f5eb66dbb436327210217d562ce149a21dd18fc9f0d64abad76650776f322d");
}

TEST(NoiseHmac, KeyLongerThanBlockLenIsHashedFirst) {
  std::array<std::uint8_t, kHashLen> out{};
  hmac(counting(200), {ascii("long key")}, out);
  EXPECT_EQ(hex(out), "3657d96bcab1b777275ca0c25f3bab9388d8ac4d3914495a2b495c756b52dd22dc9531abcd00141e683e53e77cf10f468330f65c569c44f0f54edd3ad89cb566");
}

TEST(NoiseHmac, MessageInPartsEqualsWhole) {
  std::array<std::uint8_t, kHashLen> whole{}, parts{};
  hmac(counting(64), {ascii("tumar")}, whole);
  hmac(counting(64), {ascii("tu"), ascii(""), ascii("mar")}, parts);
  EXPECT_EQ(whole, parts);
}

TEST(NoiseHmac, OutputMayAliasKey) {
  std::array<std::uint8_t, kHashLen> key{};
  const Bytes k = counting(64);
  std::copy(k.begin(), k.end(), key.begin());
  hmac(key, {ascii("tumar")}, key);
  EXPECT_EQ(hex(key), "d174cffc2f2e5e05cf98f97e996efac3c40d6d09f6e8ba43d543233ae0578e6656f45e3e12f767a087623138b4cddd9666ea38fe56a0b911204ed7e8026d6012");
}

TEST(NoiseHkdf, ThreeOutputs) {
  std::array<std::uint8_t, kHashLen> ck{}, o1{}, o2{}, o3{};
  const Bytes c = counting(64, 0x40);
  std::copy(c.begin(), c.end(), ck.begin());
  hkdf(ck, counting(32), o1, o2, o3);
  EXPECT_EQ(hex(o1), "1cc10dea66b8bb51820aec3bd82ac8477e6d8594fb61e7f9f0080fc429f5595f8a3cb8af14ccbee1082aef9513191c3c2aeb5d50d6d471d048e8ba5f0f3f4c19");
  EXPECT_EQ(hex(o2), "c8382b1474771d6f5e6c301e949a3a1c4720807434b608b39b86c6e5f0b26c05e0fb29438924c5b7293fb00bba0f4a3eae07e27927881008a45018b78b10c92c");
  EXPECT_EQ(hex(o3), "dea80b274bfce3eae687044bd7e53b529dfd8675e206493a9e6ea39467fb9ffe12791d10ebac5256362edcc538a15fdcdea97a2265182058bdb94d03428126cd");
}

TEST(NoiseHkdf, TwoOutputsEmptyIkmWithOutputAliasingChainingKey) {
  // The Split() shape, and "ck, k = HKDF(ck, ...)" writing ck in place.
  std::array<std::uint8_t, kHashLen> ck{}, o2{};
  const Bytes c = counting(64, 0x40);
  std::copy(c.begin(), c.end(), ck.begin());
  hkdf(ck, {}, ck, o2);
  EXPECT_EQ(hex(ck), "fbae6305753b22641f6bc7924aaae82065a324f57985244d97c623b209ffc86e88b1496ad12ae6de65727d4c0be2b3a44cda6af02a62a454f88d38c69353e8af");
  EXPECT_EQ(hex(o2), "22c794d3a500f0e2db08a64e17a4bc4c563216d0a8aea052f02beb380aa4bbcdb035a49f1582b15ac175213963cfbae779d181a19f433aae985889408a8552cd");
}

TEST(NoiseSymmetricState, LongProtocolNameIsHashed) {
  const std::string name = "Noise_XX_25519_ChaChaPoly_BLAKE2b_with_a_deliberately_long_suffix_xyz";
  ASSERT_GT(name.size(), kHashLen);
  SymmetricState ss(name);
  EXPECT_EQ(encoding::to_hex(ss.handshake_hash()), "67332e95e561b3109a5b24f6a78546a2273ca0ed6696c5b3f252230c9d6eede496ae7243d99e2339bd0f0ab30a01bed04f4ce3a17a4ab2f59b58740d3c55b74b");
}

TEST(NoiseSymmetricState, ShortProtocolNameIsZeroPadded) {
  SymmetricState ss("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  std::array<std::uint8_t, kHashLen> expected{};
  const std::string name = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
  std::copy(name.begin(), name.end(), expected.begin());
  EXPECT_EQ(encoding::to_hex(ss.handshake_hash()), hex(expected));
}

TEST(NoiseDh, RejectsAllZeroOutput) {
  const auto kp = KeyPair::from_private(std::span<const std::uint8_t, 32>(counting(32).data(), 32));
  std::array<std::uint8_t, kDhLen> out{};
  const PublicKey zero{};  // a low-order point: the shared secret is all zero
  EXPECT_FALSE(dh(kp.private_key, zero, out));
  EXPECT_EQ(out, (std::array<std::uint8_t, kDhLen>{}));
}

TEST(NoiseDh, AgreesBothWays) {
  const Bytes a = counting(32, 1), b = counting(32, 100);
  const auto ka = KeyPair::from_private(std::span<const std::uint8_t, 32>(a.data(), 32));
  const auto kb = KeyPair::from_private(std::span<const std::uint8_t, 32>(b.data(), 32));
  std::array<std::uint8_t, kDhLen> ab{}, ba{};
  ASSERT_TRUE(dh(ka.private_key, kb.public_key, ab));
  ASSERT_TRUE(dh(kb.private_key, ka.public_key, ba));
  EXPECT_EQ(ab, ba);
}

CipherState keyed(std::uint64_t nonce = 0) {
  CipherState cs;
  const Bytes k = counting(32);
  cs.initialize_key(std::span<const std::uint8_t, kKeyLen>(k.data(), kKeyLen));
  cs.set_nonce(nonce);
  return cs;
}

TEST(NoiseCipherState, NonceEncodingMatchesIndependentChaChaPoly) {
  // nonce = 4 zero bytes || 64-bit little-endian counter (§12.3)
  CipherState cs = keyed(5);
  Bytes out(5 + kTagLen);
  ASSERT_TRUE(cs.encrypt_with_ad(ascii("ad"), ascii("hello"), out));
  EXPECT_EQ(encoding::to_hex(out), "4b6dfa662aab79ce885b296a395ad49284a09f72da");
  EXPECT_EQ(cs.nonce(), 6u);
}

TEST(NoiseCipherState, RekeyMatchesIndependentChaChaPoly) {
  CipherState cs = keyed(7);
  cs.rekey();
  EXPECT_EQ(cs.nonce(), 7u);  // Rekey() leaves n alone
  // Encrypting with the rekeyed state must equal encrypting with the expected new key.
  const Bytes k2 = from_hex("50835543a205b22c9323f2022bc4f67d838f90e61d5ccf33c4513e01f85b5042");
  CipherState expected;
  expected.initialize_key(std::span<const std::uint8_t, kKeyLen>(k2.data(), kKeyLen));
  expected.set_nonce(7);
  Bytes a(3 + kTagLen), b(3 + kTagLen);
  ASSERT_TRUE(cs.encrypt_with_ad({}, ascii("abc"), a));
  ASSERT_TRUE(expected.encrypt_with_ad({}, ascii("abc"), b));
  EXPECT_EQ(a, b);
}

TEST(NoiseCipherState, EmptyKeyPassesPlaintextThrough) {
  CipherState cs;
  Bytes out(3);
  ASSERT_TRUE(cs.encrypt_with_ad(ascii("ad"), ascii("abc"), out));
  EXPECT_EQ(out, ascii("abc"));
  EXPECT_EQ(cs.nonce(), 0u);
}

TEST(NoiseCipherState, EmptyPlaintextRoundTrip) {
  CipherState tx = keyed(), rx = keyed();
  Bytes ct(kTagLen);
  ASSERT_TRUE(tx.encrypt_with_ad({}, {}, ct));
  Bytes pt;
  ASSERT_TRUE(rx.decrypt_with_ad({}, ct, pt));
}

TEST(NoiseCipherState, ReservedNonceIsRefused) {
  CipherState cs = keyed(kReservedNonce - 1);
  Bytes out(1 + kTagLen);
  ASSERT_TRUE(cs.encrypt_with_ad({}, ascii("a"), out));  // n = 2^64-2 is the last usable nonce
  auto r = cs.encrypt_with_ad({}, ascii("a"), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  CipherState rx = keyed(kReservedNonce);
  Bytes pt(1);
  auto d = rx.decrypt_with_ad({}, out, pt);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), core::Errc::kLimit);
}

TEST(NoiseCipherState, FailedDecryptLeavesNonceAndWipesOutput) {
  CipherState tx = keyed(), rx = keyed();
  Bytes ct(4 + kTagLen);
  ASSERT_TRUE(tx.encrypt_with_ad({}, ascii("abcd"), ct));
  ct[0] ^= 1;
  Bytes pt(4, 0xAA);
  auto r = rx.decrypt_with_ad({}, ct, pt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
  EXPECT_EQ(rx.nonce(), 0u);
  EXPECT_EQ(pt, Bytes(4, 0));
  ct[0] ^= 1;
  ASSERT_TRUE(rx.decrypt_with_ad({}, ct, pt));
  EXPECT_EQ(pt, ascii("abcd"));
}

TEST(NoiseCipherState, ShortCiphertextIsRejectedNotMisuse) {
  CipherState rx = keyed();
  Bytes pt;
  auto r = rx.decrypt_with_ad({}, Bytes(kTagLen - 1), pt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kProtocol);
}

TEST(NoiseCipherState, MovedFromHasNoKey) {
  CipherState a = keyed();
  CipherState b = std::move(a);
  EXPECT_TRUE(b.has_key());
  EXPECT_FALSE(a.has_key());  // NOLINT(bugprone-use-after-move): the documented state
  a.clear();                  // safe on a moved-from state
  const Bytes k = counting(32);
  a.initialize_key(std::span<const std::uint8_t, kKeyLen>(k.data(), kKeyLen));
  EXPECT_TRUE(a.has_key());
}

}  // namespace
}  // namespace tumar::noise
