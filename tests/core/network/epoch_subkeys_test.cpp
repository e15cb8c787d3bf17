// One key per purpose: the envelope AEAD key and the recipient-tag key are
// derived from the epoch key (core/network/epoch_subkeys.hpp) and differ
// from it and from each other. Known answers from
// tests/core/network/envelope_vectors.py, which computes them with Python's
// hashlib (BLAKE2b with key, salt and personalisation), without libsodium.

#include "core/network/epoch_subkeys.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/encoding/hex.hpp"
#include "core/network/envelope.hpp"
#include "core/network/recipient_tag.hpp"
#include "network_test_support.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

crypto::Secret<32> counting_key(std::uint8_t first) {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(first + i);
  return crypto::Secret<32>::copy_of(k);
}

std::string hex(const crypto::Secret<32>& k) { return encoding::to_hex(k.span()); }

TEST(EpochSubkeys, DerivationsMatchAnIndependentImplementation) {
  const auto k0 = counting_key(0);
  EXPECT_EQ(hex(envelope_key(k0)), "6adab0db91dbb2f83fce5948829af828bac59521782f785f41aa5e7b5bd42ea9");
  EXPECT_EQ(hex(recipient_tag_key(k0)), "e3e434b54c10a30df27c81f7926957b90c3fb30db052791f18fe1d3b0c7f9664");
  const auto k1 = counting_key(1);
  EXPECT_EQ(hex(envelope_key(k1)), "5a50d01170ef3931fec4db8a17b4ae9a62b2f394f4e0b9aad658111c8a73324f");
  EXPECT_EQ(hex(recipient_tag_key(k1)), "16989066e78413a95075de45aa88a0fe308b2585287a49576b95d75e32efa332");
}

TEST(EpochSubkeys, TheRecipientTagIsKeyedByItsSubkeyNotTheEpochKey) {
  identity::IdentityKey recipient{};
  recipient.fill(0x33);
  const auto k0 = counting_key(0);
  EXPECT_EQ(encoding::to_hex(recipient_tag(k0, recipient)),
            "0136f645bb6a93f048f9cd52ff320806b4af7db4d2d48cea30344c033b926049");
  // What the tag was before the subkeys: keyed by the epoch key itself.
  identity::IdentityKey old_tag{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, k0.data(), 32, old_tag.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kRecipientTagContext),
                            sizeof(kRecipientTagContext) - 1);
  crypto_generichash_update(&st, recipient.data(), recipient.size());
  crypto_generichash_final(&st, old_tag.data(), old_tag.size());
  EXPECT_NE(recipient_tag(k0, recipient), old_tag);
}

TEST(EpochSubkeys, AnEnvelopeIsSealedUnderTheEnvelopeKeyNotTheEpochKey) {
  crypto::DeterministicRandom rng(5);
  auto author = identity::LocalIdentity::generate(rng);
  Header h;
  h.network_id = NetworkId{};
  h.author = author.public_identity().identity_key;
  h.kind = Kind::kNote;
  h.epoch = 1;
  h.timestamp_ms = 1'700'000'000'000;
  h.seq = 1;
  const auto epoch = counting_key(9);
  const auto env = seal_envelope(h, test::bytes_of("shelter beds: 4"), epoch, author, rng);
  auto v = verify_envelope_bytes(env);
  ASSERT_TRUE(v);
  const auto opened = v->open(epoch);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "shelter beds: 4");
  // Neither subkey taken as an epoch key opens it: the AEAD key is
  // derived, so the epoch key itself never meets the AEAD.
  EXPECT_FALSE(v->open(envelope_key(epoch)));
  EXPECT_FALSE(v->open(recipient_tag_key(epoch)));
  // And the envelope key opens the raw AEAD.
  proto::Envelope e;
  ASSERT_TRUE(e.ParseFromArray(env.data(), static_cast<int>(env.size())));
  const std::string& ct = e.ciphertext();
  std::string plain(ct.size() - kNonceLen - kTagLen, '\0');
  unsigned long long len = 0;
  const auto* c = reinterpret_cast<const unsigned char*>(ct.data());
  const auto key = envelope_key(epoch);
  EXPECT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(plain.data()), &len, nullptr, c + kNonceLen, ct.size() - kNonceLen,
                reinterpret_cast<const unsigned char*>(e.header().data()), e.header().size(), c, key.data()),
            0);
}

TEST(EpochSubkeys, TheTwoSubkeysDifferFromEachOtherAndFromTheEpochKey) {
  const auto k = counting_key(0x40);
  EXPECT_NE(hex(envelope_key(k)), hex(recipient_tag_key(k)));
  EXPECT_NE(hex(envelope_key(k)), hex(k));
  EXPECT_NE(hex(recipient_tag_key(k)), hex(k));
}

}  // namespace
}  // namespace tumar::network
