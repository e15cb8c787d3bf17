// Signed envelopes: what a carrier can and cannot do to one. Every object a
// network syncs is an envelope; these tests check the encoding is strict
// (one object, one id), the signature covers header and ciphertext, and the
// payload opens only under the right key.

#include "core/network/envelope.hpp"
#include "core/network/epoch_key_id.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/network/object_limits.hpp"
#include "network_test_support.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using test::Bytes;
using test::bytes_of;

crypto::Secret<32> key_of(std::uint8_t first) {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(first + i);
  return crypto::Secret<32>::copy_of(k);
}

NetworkId net_of(std::uint8_t b) {
  NetworkId n;
  n.fill(b);
  return n;
}

// The signed message, written out from docs/NETWORKS.md "Envelopes":
// "tumar/envelope/v1" || u32be(len(header)) || header || ciphertext.
Bytes signed_message(const std::string& header, const std::string& ciphertext) {
  Bytes m(kSignatureContext, kSignatureContext + sizeof(kSignatureContext) - 1);
  const auto n = static_cast<std::uint32_t>(header.size());
  for (int shift : {24, 16, 8, 0}) m.push_back(static_cast<std::uint8_t>(n >> shift));
  m.insert(m.end(), header.begin(), header.end());
  m.insert(m.end(), ciphertext.begin(), ciphertext.end());
  return m;
}

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Hand-built protobuf pieces, so tests can produce encodings the library
// itself never would (reordered, duplicated, padded).
void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
std::string field_bytes(int number, const std::string& value) {
  std::string out;
  put_varint(out, (static_cast<std::uint64_t>(number) << 3) | 2);
  put_varint(out, value.size());
  return out + value;
}
std::string field_varint(int number, std::uint64_t value) {
  std::string out;
  put_varint(out, static_cast<std::uint64_t>(number) << 3);
  put_varint(out, value);
  return out;
}

class EnvelopeTest : public ::testing::Test {
 protected:
  EnvelopeTest() : rng_(11), author_(identity::LocalIdentity::generate(rng_)), key_(key_of(1)) {}

  Header note_header(std::uint64_t epoch = 2) const {
    Header h;
    h.network_id = net_of(0x22);
    h.author = author_.public_identity().identity_key;
    h.kind = Kind::kNote;
    h.epoch = epoch;
    h.timestamp_ms = test::kT0;
    h.seq = 1;
    return h;
  }

  proto::EnvelopeHeader header_proto(const Header& h) const {
    proto::EnvelopeHeader p;
    p.set_version(kEnvelopeVersion);
    if (h.network_id) p.set_network_id(h.network_id->data(), 32);
    p.set_author(h.author.data(), 32);
    p.set_kind(static_cast<proto::ObjectKind>(h.kind));
    p.set_epoch(h.epoch);
    p.set_timestamp_ms(h.timestamp_ms);
    if (h.recipient) p.set_recipient(h.recipient->data(), 32);
    p.set_seq(h.seq);
    if (h.key_id) p.set_key_id(h.key_id->data(), h.key_id->size());
    return p;
  }

  // A correctly signed envelope from raw header bytes and ciphertext, in the
  // canonical field order unless `raw` says how to lay the fields out.
  Bytes signed_envelope(const std::string& header, const std::string& ciphertext) const {
    const auto sig = author_.sign(signed_message(header, ciphertext));
    proto::Envelope e;
    e.set_header(header);
    e.set_ciphertext(ciphertext);
    e.set_signature(sig.data(), sig.size());
    return to_bytes(e.SerializeAsString());
  }

  // A real ciphertext for `header` under key_, so only the encoding is at fault.
  std::string ciphertext_for(const std::string& header, const std::string& payload = "payload") {
    std::string ct(kNonceLen + payload.size() + kTagLen, '\0');
    auto* c = reinterpret_cast<unsigned char*>(ct.data());
    rng_.fill(std::span<std::uint8_t>(c, kNonceLen));
    crypto_aead_xchacha20poly1305_ietf_encrypt(c + kNonceLen, nullptr,
                                               reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                                               reinterpret_cast<const unsigned char*>(header.data()), header.size(),
                                               nullptr, c, key_.data());
    return ct;
  }

  Bytes from_header(const proto::EnvelopeHeader& p) {
    const std::string h = p.SerializeAsString();
    return signed_envelope(h, ciphertext_for(h));
  }

  crypto::DeterministicRandom rng_;
  identity::LocalIdentity author_;
  crypto::Secret<32> key_;
};

TEST_F(EnvelopeTest, RoundTripOpensOnlyUnderItsKey) {
  const std::string payload = "Shelter on Abay st. has 3 beds tonight";
  const Bytes env = seal_envelope(note_header(), bytes_of(payload), key_, author_, rng_);
  auto v = verify_envelope_bytes(env);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->header().author, author_.public_identity().identity_key);
  EXPECT_EQ(v->header().kind, Kind::kNote);
  EXPECT_EQ(v->header().epoch, 2u);
  EXPECT_EQ(v->header().timestamp_ms, test::kT0);
  EXPECT_EQ(v->network(), net_of(0x22));
  EXPECT_FALSE(v->header().recipient);
  EXPECT_EQ(v->id(), object_id(env));
  EXPECT_TRUE(std::equal(v->bytes().begin(), v->bytes().end(), env.begin(), env.end()));
  auto opened = v->open(key_);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, payload);
  EXPECT_FALSE(v->open(key_of(2)));
  // A grant's opener refuses a non-grant.
  EXPECT_FALSE(v->open_sealed(author_.public_identity().noise_key, author_.noise_secret()));
  // The payload is not visible in the envelope.
  EXPECT_EQ(std::search(env.begin(), env.end(), payload.begin(), payload.end()), env.end());
}

TEST_F(EnvelopeTest, EmptyPayloadRoundTrips) {
  const Bytes env = seal_envelope(note_header(), {}, key_, author_, rng_);
  auto v = verify_envelope_bytes(env);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->open(key_), std::optional<std::string>(""));
}

TEST_F(EnvelopeTest, GenesisNetworkIsItsOwnId) {
  Header h = note_header(0);
  h.network_id.reset();
  h.kind = Kind::kGenesis;
  h.key_id = epoch_key_id(key_);
  const Bytes env = seal_envelope(h, bytes_of("g"), key_, author_, rng_);
  auto v = verify_envelope_bytes(env);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_FALSE(v->header().network_id);
  EXPECT_EQ(v->network(), object_id(env));
}

TEST_F(EnvelopeTest, GrantOpensOnlyForItsRecipient) {
  crypto::DeterministicRandom rng(12);
  auto bob = identity::LocalIdentity::generate(rng);
  auto eve = identity::LocalIdentity::generate(rng);
  Header h = note_header(4);
  h.kind = Kind::kEpochGrant;
  h.recipient = bob.public_identity().identity_key;
  h.key_id = epoch_key_id(key_);
  const Bytes env = seal_grant_envelope(h, bytes_of("keys"), bob.public_identity().noise_key, author_, rng).value();
  auto v = verify_envelope_bytes(env);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(v->header().recipient, bob.public_identity().identity_key);
  auto plain = v->open_sealed(bob.public_identity().noise_key, bob.noise_secret());
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(plain->data()), plain->size()), "keys");
  EXPECT_FALSE(v->open_sealed(eve.public_identity().noise_key, eve.noise_secret()));
  EXPECT_FALSE(v->open(key_));  // a grant is never opened as an epoch-key object
}

// Known answer: tests/core/network/envelope_vectors.py computes these bytes
// with Python's hashlib and the "cryptography" package, from the same
// DeterministicRandom seed and inputs, without libsodium or protobuf.
TEST(EnvelopeVector, SignedLayoutEncodingAndIdMatchAnIndependentImplementation) {
  crypto::DeterministicRandom rng(7);
  auto author = identity::LocalIdentity::generate(rng);
  ASSERT_EQ(encoding::to_hex(author.public_identity().identity_key),
            "c32ea6dd3151f2b91c0dc38415b41150509a60b2e9b4b23544bdf5177169bca6");
  Header h;
  h.network_id = net_of(0x11);
  h.author = author.public_identity().identity_key;
  h.kind = Kind::kNote;
  h.epoch = 3;
  h.timestamp_ms = 1'700'000'000'000;
  h.seq = 5;
  const Bytes env = seal_envelope(h, bytes_of("hello tumar"), key_of(0), author, rng);
  const std::string header_hex =
      "0802122011111111111111111111111111111111111111111111111111111111111111111a20c32ea6dd3151f2b91c0dc38415b4115050"
      "9a60b2e9b4b23544bdf5177169bca6200628033080d095ffbc314005";
  EXPECT_EQ(encoding::to_hex(env),
            "0a53" + header_hex +
                "1233bd2bb5cb25e0328906e3cbbca9c7c28a03983af7d2f1ee756d08d50aeb909e757197282b625b87d618aa95c942cd3774"
                "14829f1a409dd07c2cb91266ee277bab745885bda70c79134101f90e3ba0a65c9cf8209ea1067d497b9bce417ba1573f4dc6"
                "434b907f4f3aff830e28087ecd2ec4f8997009");
  EXPECT_EQ(encoding::to_hex(object_id(env)), "cae500cd2de9391d7ec65ebbc546d98151a8eca29bf5863562b7dbd029a3fb5a");
  // An epoch key's id, from the same script (libsodium's KDF written out as BLAKE2b).
  EXPECT_EQ(encoding::to_hex(epoch_key_id(key_of(0))), "ef77a12c3a9a5ec8532c69cb87cc5947");

  // The signature covers exactly context || u32be(len(header)) || header || ciphertext.
  proto::Envelope e;
  ASSERT_TRUE(e.ParseFromArray(env.data(), static_cast<int>(env.size())));
  EXPECT_EQ(encoding::to_hex(bytes_of(e.header())), header_hex);
  identity::Signature sig{};
  std::copy(e.signature().begin(), e.signature().end(), sig.begin());
  const Bytes m = signed_message(e.header(), e.ciphertext());
  EXPECT_EQ(m.size(), 17u + 4 + 0x53 + 0x33);
  EXPECT_TRUE(identity::verify_signature(h.author, m, sig));
  std::array<std::uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), m.data(), m.size(), nullptr, 0);
  EXPECT_EQ(encoding::to_hex(digest), "a21981e13bb0c4c231a2a0ce05d1ff20560fea8af411437827b3a351de8d83d4");
  // Moving the header/ciphertext boundary breaks the signature.
  const Bytes shifted = signed_message(e.header().substr(0, 0x52), e.header().substr(0x52) + e.ciphertext());
  EXPECT_FALSE(identity::verify_signature(h.author, shifted, sig));
  EXPECT_TRUE(verify_envelope_bytes(env));
}

TEST_F(EnvelopeTest, EveryFlippedBitIsRefused) {
  const Bytes env = seal_envelope(note_header(), bytes_of("beds: 3"), key_, author_, rng_);
  ASSERT_TRUE(verify_envelope_bytes(env));
  for (std::size_t i = 0; i < env.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes t = env;
      t[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto v = verify_envelope_bytes(t);
      // A flip may still decode and verify only if it changed nothing signed,
      // which the strict encoding rules out: every byte is covered.
      EXPECT_FALSE(v) << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(EnvelopeTest, FlipsInEachPartAreRefusedForTheRightReason) {
  const Bytes env = seal_envelope(note_header(), bytes_of("beds: 3"), key_, author_, rng_);
  proto::Envelope e;
  ASSERT_TRUE(e.ParseFromArray(env.data(), static_cast<int>(env.size())));
  auto rebuilt = [&](auto mutate) {
    proto::Envelope m = e;
    mutate(m);
    return to_bytes(m.SerializeAsString());
  };
  // The timestamp's last byte (before the seq's two), the ciphertext's tag,
  // the signature's first byte.
  auto h = rebuilt([](proto::Envelope& m) { (*m.mutable_header())[m.header().size() - 3] ^= 1; });
  auto c = rebuilt([](proto::Envelope& m) { m.mutable_ciphertext()->back() ^= 1; });
  auto s = rebuilt([](proto::Envelope& m) { m.mutable_signature()->front() ^= 1; });
  for (const auto* t : {&h, &c, &s}) {
    ASSERT_TRUE(parse_envelope(*t));  // still well formed...
    auto v = verify_envelope_bytes(*t);
    ASSERT_FALSE(v);  // ...but not signed
    EXPECT_EQ(v.error().code(), core::Errc::kRefused);
    EXPECT_EQ(v.error().id(), core::ErrorId::kEnvelopeSignatureInvalid) << v.error().describe();
  }
}

TEST_F(EnvelopeTest, SignatureMalleatedByAddingTheGroupOrderIsRefused) {
  const Bytes env = seal_envelope(note_header(), bytes_of("x"), key_, author_, rng_);
  proto::Envelope e;
  ASSERT_TRUE(e.ParseFromArray(env.data(), static_cast<int>(env.size())));
  // S' = S + L (little-endian): the same point equation holds, so a lax
  // verifier would accept a second encoding — a second id for one object.
  static constexpr std::uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                          0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  std::string sig = e.signature();
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    const unsigned sum = static_cast<std::uint8_t>(sig[32 + i]) + kL[i] + carry;
    sig[32 + i] = static_cast<char>(sum & 0xFF);
    carry = sum >> 8;
  }
  e.set_signature(sig);
  EXPECT_FALSE(verify_envelope_bytes(to_bytes(e.SerializeAsString())));
}

TEST_F(EnvelopeTest, NonCanonicalEncodingsAreRefusedSoOneObjectHasOneId) {
  const std::string header = header_proto(note_header()).SerializeAsString();
  const std::string ct = ciphertext_for(header);
  const Bytes good = signed_envelope(header, ct);
  ASSERT_TRUE(verify_envelope_bytes(good));
  const auto sig = author_.sign(signed_message(header, ct));
  const std::string s(reinterpret_cast<const char*>(sig.data()), sig.size());

  std::vector<std::pair<const char*, std::string>> variants = {
      {"fields reordered", field_bytes(3, s) + field_bytes(1, header) + field_bytes(2, ct)},
      {"header twice", field_bytes(1, header) + field_bytes(1, header) + field_bytes(2, ct) + field_bytes(3, s)},
      {"unknown field", field_bytes(1, header) + field_bytes(2, ct) + field_bytes(3, s) + field_varint(15, 1)},
      {"unknown field first", field_varint(9, 0) + field_bytes(1, header) + field_bytes(2, ct) + field_bytes(3, s)},
      {"trailing zero", field_bytes(1, header) + field_bytes(2, ct) + field_bytes(3, s) + std::string(1, '\0')},
  };
  // A length written in two bytes where one would do.
  std::string padded = "\x0a";
  padded.push_back(static_cast<char>(0x80 | header.size()));
  padded.push_back('\0');
  variants.emplace_back("padded length", padded + header + field_bytes(2, ct) + field_bytes(3, s));
  for (const auto& [what, bytes] : variants) {
    auto v = verify_envelope_bytes(to_bytes(bytes));
    EXPECT_FALSE(v) << what;
    // Every variant carries the same signed content: had it been accepted,
    // one object would have two ids.
    EXPECT_NE(object_id(to_bytes(bytes)), object_id(good)) << what;
  }
}

TEST_F(EnvelopeTest, NonCanonicalHeadersAreRefusedEvenWhenSigned) {
  const proto::EnvelopeHeader p = header_proto(note_header());
  const std::string a = p.network_id(), au = p.author();
  std::vector<std::pair<const char*, std::string>> headers = {
      {"reordered", field_bytes(3, au) + field_varint(1, 1) + field_bytes(2, a) + field_varint(4, 6) +
                        field_varint(5, 2) + field_varint(6, test::kT0)},
      {"explicit zero", field_varint(1, 1) + field_bytes(2, a) + field_bytes(3, au) + field_varint(4, 6) +
                            field_varint(5, 2) + field_varint(6, test::kT0) + field_bytes(7, "")},
      {"unknown field", p.SerializeAsString() + field_varint(8, 1)},
      {"kind twice", p.SerializeAsString() + field_varint(4, 6)},
  };
  for (const auto& [what, h] : headers) {
    const Bytes env = signed_envelope(h, ciphertext_for(h));
    EXPECT_FALSE(parse_envelope(env)) << what;
  }
}

TEST_F(EnvelopeTest, MalformedHeadersAreRefused) {
  auto refused = [&](const char* what, auto mutate) {
    proto::EnvelopeHeader p = header_proto(note_header());
    mutate(p);
    auto r = parse_envelope(from_header(p));
    EXPECT_FALSE(r) << what;
    if (!r) {
      EXPECT_EQ(r.error().code(), core::Errc::kRefused) << what;
    }
  };
  refused("author 31 bytes", [](auto& p) { p.mutable_author()->pop_back(); });
  refused("author 33 bytes", [](auto& p) { p.mutable_author()->push_back('x'); });
  refused("no author", [](auto& p) { p.clear_author(); });
  refused("network 31 bytes", [](auto& p) { p.mutable_network_id()->pop_back(); });
  refused("network 33 bytes", [](auto& p) { p.mutable_network_id()->push_back('x'); });
  refused("no network", [](auto& p) { p.clear_network_id(); });
  refused("version 1 (no seqs: a removed lead's backdating went unnoticed)", [](auto& p) { p.set_version(1); });
  refused("version 3", [](auto& p) { p.set_version(3); });
  refused("version 0", [](auto& p) { p.set_version(0); });
  refused("kind 0", [](auto& p) { p.set_kind(proto::OBJECT_KIND_UNSPECIFIED); });
  refused("kind 11", [](auto& p) { p.set_kind(static_cast<proto::ObjectKind>(11)); });
  refused("no seq", [](auto& p) { p.clear_seq(); });
  refused("seq past 2^63-1", [](auto& p) { p.set_seq(kMaxCounter + 1); });
  refused("seq 2^64-1", [](auto& p) { p.set_seq(UINT64_MAX); });
  refused("a seq on a direct message", [](auto& p) {
    p.set_kind(proto::DIRECT);
    p.set_recipient(std::string(32, 'r'));
  });
  refused("a key id on a note", [](auto& p) { p.set_key_id(std::string(16, 'k')); });
  refused("an epoch start without a key id", [](auto& p) { p.set_kind(proto::EPOCH_START); });
  refused("an epoch start with a 15-byte key id", [](auto& p) {
    p.set_kind(proto::EPOCH_START);
    p.set_key_id(std::string(15, 'k'));
  });
  refused("a grant without a key id", [](auto& p) {
    p.set_kind(proto::EPOCH_GRANT);
    p.set_recipient(std::string(32, 'r'));
  });
  refused("a genesis that is not its founder's first", [](auto& p) {
    p.set_kind(proto::GENESIS);
    p.clear_network_id();
    p.set_epoch(0);
    p.set_key_id(std::string(16, 'k'));
    p.set_seq(2);
  });
  refused("kind -1", [](auto& p) { p.set_kind(static_cast<proto::ObjectKind>(-1)); });
  refused("recipient on a note", [](auto& p) { p.set_recipient(std::string(32, 'r')); });
  refused("grant without recipient", [](auto& p) { p.set_kind(proto::EPOCH_GRANT); });
  refused("direct message without a tag", [](auto& p) { p.set_kind(proto::DIRECT); });
  refused("grant recipient 31 bytes", [](auto& p) {
    p.set_kind(proto::EPOCH_GRANT);
    p.set_recipient(std::string(31, 'r'));
  });
  refused("genesis with a network id", [](auto& p) { p.set_kind(proto::GENESIS); });
  refused("genesis in epoch 1", [](auto& p) {
    p.set_kind(proto::GENESIS);
    p.clear_network_id();
    p.set_epoch(1);
  });
  refused("genesis with a recipient", [](auto& p) {
    p.set_kind(proto::GENESIS);
    p.clear_network_id();
    p.set_recipient(std::string(32, 'r'));
  });
  refused("header too long", [](auto& p) { p.set_author(std::string(200, 'a')); });
  // Counters SQLite stores as signed 64-bit: larger values would sort
  // differently in SQL and in C++ (replicas would disagree).
  refused("epoch above 2^63", [](auto& p) { p.set_epoch(std::uint64_t{1} << 63); });
  refused("timestamp above 2^63", [](auto& p) { p.set_timestamp_ms(~std::uint64_t{0}); });
}

TEST_F(EnvelopeTest, WrongSizedSignatureOrShortCiphertextIsRefused) {
  const std::string header = header_proto(note_header()).SerializeAsString();
  const std::string ct = ciphertext_for(header);
  const auto sig = author_.sign(signed_message(header, ct));
  const std::string s(reinterpret_cast<const char*>(sig.data()), sig.size());
  auto env = [](const std::string& h, const std::string& c, const std::string& sg) {
    proto::Envelope e;
    e.set_header(h);
    e.set_ciphertext(c);
    e.set_signature(sg);
    return to_bytes(e.SerializeAsString());
  };
  EXPECT_TRUE(verify_envelope_bytes(env(header, ct, s)));
  EXPECT_FALSE(parse_envelope(env(header, ct, s.substr(0, 63))));
  EXPECT_FALSE(parse_envelope(env(header, ct, s + "x")));
  EXPECT_FALSE(parse_envelope(env(header, ct, "")));
  EXPECT_FALSE(parse_envelope(env(header, ct.substr(0, kNonceLen + kTagLen - 1), s)));
  EXPECT_FALSE(parse_envelope(env(header, "", s)));
  EXPECT_FALSE(parse_envelope(env("", ct, s)));
  EXPECT_FALSE(parse_envelope({}));
  // A grant's sealed box must hold at least its ephemeral key and tag.
  Header g = note_header();
  g.kind = Kind::kEpochGrant;
  g.recipient = author_.public_identity().identity_key;
  const std::string gh = header_proto(g).SerializeAsString();
  const std::string short_box(crypto_box_SEALBYTES - 1, 'b');
  const auto gs = author_.sign(signed_message(gh, short_box));
  EXPECT_FALSE(parse_envelope(env(gh, short_box, std::string(reinterpret_cast<const char*>(gs.data()), gs.size()))));
}

TEST_F(EnvelopeTest, OversizedEnvelopesAreRefusedBeforeDecoding) {
  // The largest payload that fits is accepted; one byte more is not.
  const std::string header = header_proto(note_header()).SerializeAsString();
  const std::size_t overhead = signed_envelope(header, ciphertext_for(header, "")).size();
  const std::size_t fits = kMaxEnvelopeLen - overhead - 4;  // the ciphertext length grows by a varint byte
  Bytes env = seal_envelope(note_header(), Bytes(fits, 'a'), key_, author_, rng_);
  ASSERT_LE(env.size(), kMaxEnvelopeLen);
  const std::size_t slack = kMaxEnvelopeLen - env.size();
  env = seal_envelope(note_header(), Bytes(fits + slack, 'a'), key_, author_, rng_);
  ASSERT_EQ(env.size(), kMaxEnvelopeLen);
  EXPECT_TRUE(verify_envelope_bytes(env));
  env = seal_envelope(note_header(), Bytes(fits + slack + 1, 'a'), key_, author_, rng_);
  ASSERT_EQ(env.size(), kMaxEnvelopeLen + 1);
  auto r = parse_envelope(env);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id(), core::ErrorId::kEnvelopeTooLarge) << r.error().describe();
  EXPECT_FALSE(parse_envelope(Bytes(1 << 20, 0x0a)));
}

TEST_F(EnvelopeTest, SamePayloadSealedTwiceHasTwoIdsButEachHasOne) {
  const Bytes a = seal_envelope(note_header(), bytes_of("x"), key_, author_, rng_);
  const Bytes b = seal_envelope(note_header(), bytes_of("x"), key_, author_, rng_);
  EXPECT_NE(object_id(a), object_id(b));  // fresh nonce each time
  EXPECT_EQ(verify_envelope_bytes(a)->id(), object_id(a));
  EXPECT_EQ(verify_envelope_bytes(a)->id(), verify_envelope_bytes(a)->id());
}

TEST_F(EnvelopeTest, AnotherAuthorsSignatureIsRefused) {
  crypto::DeterministicRandom rng(13);
  auto mallory = identity::LocalIdentity::generate(rng);
  // Mallory signs an envelope that names author_ as its author.
  const std::string header = header_proto(note_header()).SerializeAsString();
  const std::string ct = ciphertext_for(header);
  const auto sig = mallory.sign(signed_message(header, ct));
  proto::Envelope e;
  e.set_header(header);
  e.set_ciphertext(ct);
  e.set_signature(sig.data(), sig.size());
  EXPECT_FALSE(verify_envelope_bytes(to_bytes(e.SerializeAsString())));
}

}  // namespace
}  // namespace tumar::network
