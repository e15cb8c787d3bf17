// Invite codes (docs/PROTOCOL.md, "Invites"): known answers computed
// independently by tests/core/invite/invite_vectors.py, round trips, what a
// person may do to a code while copying it, and every way a code can be
// wrong, each with its own sentence.

#include "core/invite/invite_code.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"

namespace tumar::invite {
namespace {

using Bytes = std::vector<std::uint8_t>;

// From invite_vectors.py.
constexpr const char* kCodeV4 =
    "tumar-invite-080000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq408afsja4";
constexpr const char* kCodeV6 =
    "tumar-invite-080000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w012psj60r32ek4c8w3mehhbmx38d1k810m4gt48n34ej29995mrkae9x852mjkahancntrb5d5pq2xbsfg000000000000weps450";
constexpr const char* kCodeName =
    "tumar-invite-0800000000000000000000000000000000000000000000000000007zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    "zzzzzw01av35c5j2wsbrc5pq0v355sqq4sst6wt34c7zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzr3mvkkw";
constexpr const char* kCodeDemo =
    "tumar-demo-invite-080g00820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1"
    "s78xkrf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq409ww3kg4";
// Version 1 (no kind byte): the known answer PROTOCOL.md showed before the demo mark.
constexpr const char* kCodeVersion1 =
    "tumar-invite-040020g30g2gc1r81450p30d1r7h048j2ca1a5gq30chm6rw3mf1y81148hj89964wm2jahb5gpjwbsg64s36d1n6rvkge9t7cy3"
    "tfhz00732chq5rr2wc1e64x3ed1j61042gj38h2mcht89554pk2d9s7n0majada5anjqb1cnmptwbnf5y0000006jnds014my9yf";
constexpr const char* kCodeVersion3 =
    "tumar-invite-0c0000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq40fgvwpnm";
constexpr const char* kCodeVersion0 =
    "tumar-invite-000000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq4022n51mg";
constexpr const char* kCodeDemoByteRealPrefix =
    "tumar-invite-080g00820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq409ww3kg4";
constexpr const char* kCodeRealByteDemoPrefix =
    "tumar-demo-invite-080000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1"
    "s78xkrf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq408afsja4";
constexpr const char* kCodeKindByte2 =
    "tumar-invite-081000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00wc9j6wq30bhg5rrkmdsm68r40ga28d24ahj7914mmjtc9n74ym2ha99n8napaxc5jpjvbhenwqr000000tanq40dawwadg";
constexpr const char* kCodeNonCanonicalPort =
    "tumar-invite-080000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00yc9j6wq30bhg5rrkmc1q6gs30g21891m8ha68x44jjjb9h6mwktga5956n2nasbngpatbde5tqjz00000039apwg1s9edvn0";
constexpr const char* kCodePortZero =
    "tumar-invite-080000820c20a1g7104gm2rc1m70y40h289h858p2wc1j6gv3gehw7s044h269154rkjga9a5cp2tbhf60rk4csm6mv3ee1s78xk"
    "rf9y7w00pc9j6wq30bhg5rrkmc2085146h258s3mgjaa9d64tkjfa18n4mtmanb5ep2sb9dnrqaybw000000d5avj0393vkv6";
constexpr std::uint64_t kExpires = 1767225600;  // 2026-01-01T00:00:00Z

std::array<std::uint8_t, 32> counting(std::uint8_t first) {
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(first + i);
  return out;
}

InviteCode make_code(const std::string& address, std::uint64_t expires = kExpires,
                     noise::ProfileKind kind = noise::ProfileKind::kReal) {
  InviteCode code;
  code.kind = kind;
  code.network_id = counting(0x00);
  code.inviter = counting(0x20);
  code.address = *peers::parse_peer_address(address);
  const auto secret = counting(0x40);
  code.secret = crypto::Secret<kInviteSecretLen>::copy_of(secret);
  code.expires_at = expires;
  return code;
}

std::string secret_hex(const InviteCode& code) { return encoding::to_hex(code.secret.span()); }

// A test-side encoder for codes whose content no real encoder writes; the
// known answers above pin the real encoding.
std::string text_for(Bytes binary, std::string_view prefix = kInvitePrefix) {
  std::array<std::uint8_t, 32> full{};
  crypto_generichash(full.data(), full.size(), binary.data(), binary.size(), nullptr, 0);
  binary.insert(binary.end(), full.begin(), full.begin() + 4);
  static const char* alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  std::string out(prefix);
  unsigned buffer = 0;
  int bits = 0;
  for (std::uint8_t b : binary) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(alphabet[(buffer >> bits) & 31u]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (5 - bits)) & 31u]);
  return out;
}

// Version 1 had no kind byte; every later version has one (00 here).
Bytes binary_for(std::uint8_t version, std::uint16_t address_len_field, const std::string& address,
                 std::size_t extra = 0) {
  Bytes b{version};
  if (version != 1) b.push_back(0x00);
  const auto net = counting(0x00), inviter = counting(0x20), secret = counting(0x40);
  b.insert(b.end(), net.begin(), net.end());
  b.insert(b.end(), inviter.begin(), inviter.end());
  b.push_back(static_cast<std::uint8_t>(address_len_field >> 8));
  b.push_back(static_cast<std::uint8_t>(address_len_field & 0xFF));
  b.insert(b.end(), address.begin(), address.end());
  b.insert(b.end(), secret.begin(), secret.end());
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(kExpires >> (56 - 8 * i)));
  b.insert(b.end(), extra, 0xEE);
  return b;
}

void expect_refused(std::string_view text, core::ErrorId id, const std::string& what) {
  auto r = decode_invite(text);
  ASSERT_FALSE(r) << what;
  EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument) << what;
  EXPECT_EQ(r.error().id(), id) << what << ": " << r.error().describe();
  // The error never repeats any of the code: it has no fields.
  EXPECT_TRUE(r.error().values().empty()) << what;
}

TEST(InviteCode, KnownAnswers) {
  EXPECT_EQ(encode_invite(make_code("127.0.0.1:7420")), kCodeV4);
  EXPECT_EQ(encode_invite(make_code("[2001:db8::1]:443", 0)), kCodeV6);

  InviteCode named;
  named.inviter.fill(0xFF);
  named.address = *peers::parse_peer_address("lead.example.org:7420");
  std::array<std::uint8_t, 32> ff{};
  ff.fill(0xFF);
  named.secret = crypto::Secret<kInviteSecretLen>::copy_of(ff);
  named.expires_at = ~std::uint64_t{0};
  EXPECT_EQ(encode_invite(named), kCodeName);

  EXPECT_EQ(encode_invite(make_code("127.0.0.1:7420", kExpires, noise::ProfileKind::kDemo)), kCodeDemo);
}

TEST(InviteCode, ADemoNetworksCodeSaysSoInItsPrefixAndARealOneDoesNot) {
  const std::string demo = kCodeDemo, real = kCodeV4;
  EXPECT_TRUE(demo.starts_with(kDemoInvitePrefix));
  EXPECT_TRUE(real.starts_with(kInvitePrefix));
  EXPECT_FALSE(real.starts_with(kDemoInvitePrefix));
  auto d = decode_invite(demo);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->kind, noise::ProfileKind::kDemo);
  auto r = decode_invite(real);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->kind, noise::ProfileKind::kReal);
  // Everything else is the same code.
  EXPECT_EQ(d->network_id, r->network_id);
  EXPECT_EQ(d->inviter, r->inviter);
  EXPECT_EQ(d->address, r->address);
  EXPECT_EQ(secret_hex(*d), secret_hex(*r));
  // Copying does to a demo code what it does to a real one.
  std::string grouped;
  for (char c : demo) grouped += std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(c)))) + "-";
  auto g = decode_invite(grouped);
  ASSERT_TRUE(g) << g.error().describe();
  EXPECT_EQ(encode_invite(*g), demo);
}

TEST(InviteCode, AKindThePrefixDoesNotShowIsMalformed) {
  // Taking "demo-" out of a demo code's text (or putting it into a real
  // one's) keeps the checksum, which covers only the bytes: the kind byte
  // must agree with the prefix.
  expect_refused(kCodeDemoByteRealPrefix, core::ErrorId::kInviteMalformed, "demo byte, real prefix");
  expect_refused(kCodeRealByteDemoPrefix, core::ErrorId::kInviteMalformed, "real byte, demo prefix");
  std::string edited = kCodeDemo;
  edited.erase(6, 5);  // "tumar-demo-invite-" -> "tumar-invite-"
  expect_refused(edited, core::ErrorId::kInviteMalformed, "demo- deleted by hand");
  expect_refused(kCodeKindByte2, core::ErrorId::kInviteMalformed, "kind byte 2");
  expect_refused(text_for(binary_for(2, 14, "127.0.0.1:7420"), kDemoInvitePrefix), core::ErrorId::kInviteMalformed, "real byte, demo prefix");
}

TEST(InviteCode, KnownAnswersDecodeToTheirFields) {
  auto v4 = decode_invite(kCodeV4);
  ASSERT_TRUE(v4) << v4.error().describe();
  EXPECT_EQ(v4->network_id, counting(0x00));
  EXPECT_EQ(v4->inviter, counting(0x20));
  EXPECT_EQ(v4->address.to_string(), "127.0.0.1:7420");
  EXPECT_EQ(secret_hex(*v4), encoding::to_hex(counting(0x40)));
  EXPECT_EQ(v4->expires_at, kExpires);

  auto v6 = decode_invite(kCodeV6);
  ASSERT_TRUE(v6) << v6.error().describe();
  EXPECT_EQ(v6->address.host, "2001:db8::1");
  EXPECT_EQ(v6->address.port, 443);
  EXPECT_EQ(v6->expires_at, 0u);

  auto named = decode_invite(kCodeName);
  ASSERT_TRUE(named) << named.error().describe();
  EXPECT_EQ(named->address.to_string(), "lead.example.org:7420");
  EXPECT_EQ(named->expires_at, ~std::uint64_t{0});
}

TEST(InviteCode, InviteIdKnownAnswer) {
  // hashlib.blake2b(b"tumar/invite-id/v1", digest_size=16, key=bytes(range(0x40, 0x60)))
  const auto secret = crypto::Secret<kInviteSecretLen>::copy_of(counting(0x40));
  EXPECT_EQ(encoding::to_hex(invite_id(secret)), "c01b8d9ed63be4499d06d5c39fb86537");
  EXPECT_NE(invite_id(secret), invite_id(crypto::Secret<kInviteSecretLen>::copy_of(counting(0x41))));
}

TEST(InviteCode, RandomCodesRoundTrip) {
  crypto::DeterministicRandom rng(5);
  const char* addresses[] = {"127.0.0.1:7420", "[::1]:1", "a:1", "Node-1.example.org:65535",
                             "[::ffff:192.0.2.1]:7000"};
  for (int i = 0; i < 50; ++i) {
    InviteCode code;
    rng.fill(code.network_id);
    rng.fill(code.inviter);
    code.address = *peers::parse_peer_address(addresses[i % 5]);
    rng.fill(code.secret.span());
    rng.fill(std::span(reinterpret_cast<std::uint8_t*>(&code.expires_at), sizeof code.expires_at));
    code.kind = i % 3 == 0 ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
    const std::string text = encode_invite(code);
    const std::string_view prefix = i % 3 == 0 ? kDemoInvitePrefix : kInvitePrefix;
    ASSERT_TRUE(text.starts_with(prefix));
    ASSERT_EQ(text.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz", prefix.size()), std::string::npos);
    auto back = decode_invite(text);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->network_id, code.network_id);
    EXPECT_EQ(back->inviter, code.inviter);
    EXPECT_EQ(back->address, code.address);
    EXPECT_EQ(secret_hex(*back), secret_hex(code));
    EXPECT_EQ(back->expires_at, code.expires_at);
    EXPECT_EQ(back->kind, code.kind);
    EXPECT_EQ(encode_invite(*back), text);
  }
}

TEST(InviteCode, LongestAddressFitsTheBounds) {
  const std::string host(peers::kMaxHostLen, 'h');
  const std::string text = encode_invite(make_code(host + ":65535"));
  EXPECT_LE(text.size() - kInvitePrefix.size(), kMaxInviteBodyLen);
  auto back = decode_invite(text);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->address.host, host);
}

TEST(InviteCode, ToleratesWhatCopyingDoesToACode) {
  const std::string code = kCodeV4;
  std::string upper = code;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string grouped = "tumar-invite-";
  for (std::size_t i = kInvitePrefix.size(); i < code.size(); ++i) {
    if (i > kInvitePrefix.size() && (i - kInvitePrefix.size()) % 5 == 0) grouped.push_back('-');
    grouped.push_back(code[i]);
  }
  std::string wrapped;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 64 == 0) wrapped += "\r\n";
    wrapped.push_back(code[i]);
  }
  std::string misread = code;  // o for 0, l and I for 1: read as meant
  for (std::size_t i = kInvitePrefix.size(); i < misread.size(); ++i) {
    if (misread[i] == '0') misread[i] = 'o';
    if (misread[i] == '1') misread[i] = (i % 2 == 0) ? 'l' : 'I';
  }
  const std::string chat_app = "\xC2\xA0" + code.substr(0, 40) + "\xE2\x80\x8B" + code.substr(40, 40) + "\xC2\xAD" +
                               code.substr(80, 40) + "\xE2\x80\x91" + code.substr(120) + "\xC2\xA0";
  for (const std::string& variant : {"  " + code + "\n", upper, grouped, wrapped, misread, chat_app,
                                     "\t" + code.substr(0, 6) + "\n" + code.substr(6) + " \n"}) {
    auto r = decode_invite(variant);
    ASSERT_TRUE(r) << variant << ": " << r.error().describe();
    EXPECT_EQ(encode_invite(*r), code);
  }
}

TEST(InviteCode, NotAnInvite) {
  for (const std::string& text : {std::string(), std::string("   "), std::string("hello"),
                                  std::string(kCodeV4).substr(13), std::string("tumar-inv1te-0000"),
                                  std::string("https://example.org/join"), std::string("tumar"),
                                  "\xC3\xA9" + std::string(kCodeV4), std::string(kMaxInviteTextLen + 1, ' ')}) {
    expect_refused(text, core::ErrorId::kInviteNotAnInvite, text.substr(0, 20));
  }
}

TEST(InviteCode, EveryMistypedCharacterIsDamaged) {
  const std::string code = kCodeV4;
  const std::string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  for (std::size_t i = kInvitePrefix.size(); i < code.size(); ++i) {
    std::string typo = code;
    typo[i] = alphabet[(alphabet.find(code[i]) + 1 + i % 31) % 32];
    expect_refused(typo, core::ErrorId::kInviteDamaged, "substitution at " + std::to_string(i));
    std::string swapped = code;
    if (i + 1 < code.size() && code[i] != code[i + 1]) {
      std::swap(swapped[i], swapped[i + 1]);
      expect_refused(swapped, core::ErrorId::kInviteDamaged, "transposition at " + std::to_string(i));
    }
  }
}

TEST(InviteCode, EveryTruncationAndExtensionIsDamaged) {
  const std::string code = kCodeV4;
  for (std::size_t len = kInvitePrefix.size(); len < code.size(); ++len) {
    expect_refused(code.substr(0, len), core::ErrorId::kInviteDamaged, "cut to " + std::to_string(len));
  }
  expect_refused(code + "0", core::ErrorId::kInviteDamaged, "one character more");
  expect_refused(code + "00000000", core::ErrorId::kInviteDamaged, "eight characters more");
  expect_refused(std::string(kCodeV4).insert(100, "q"), core::ErrorId::kInviteDamaged, "an inserted character");
}

TEST(InviteCode, CharactersOutsideTheAlphabetAreDamaged) {
  for (const char* bad : {"u", "!", "_", ".", "=", "\xC3\xA9", "\x01", "+"}) {
    std::string text = kCodeV4;
    text.replace(60, 1, bad);
    expect_refused(text, core::ErrorId::kInviteDamaged, std::string("character ") + bad);
  }
}

TEST(InviteCode, PaddingBitsMustBeZero) {
  // kCodeV6's binary is 129 bytes: 207 characters, the last carrying three
  // padding bits. Setting one changes no byte (the checksum still matches)
  // but would give a second spelling of the same code.
  std::string text = kCodeV6;
  ASSERT_EQ(text.back(), '0');
  text.back() = '1';
  expect_refused(text, core::ErrorId::kInviteDamaged, "padding bit set");
}

TEST(InviteCode, NewerVersionSaysSo) {
  expect_refused(kCodeVersion3, core::ErrorId::kInviteNewerVersion, "version 3");
  expect_refused(text_for(binary_for(0xFF, 3, "a:1")), core::ErrorId::kInviteNewerVersion, "version 255");
  expect_refused(kCodeVersion0, core::ErrorId::kInviteMalformed, "version 0");
}

TEST(InviteCode, AVersionOneCodeSaysNoKindAndIsRefusedAsOlder) {
  // It cannot say whether its network is a demo one, so neither side could
  // refuse a join of the other kind before the invite is spent.
  expect_refused(kCodeVersion1, core::ErrorId::kInviteOlderVersion, "version 1");
  // Also the shortest version-1 code reads as older, not as damaged.
  expect_refused(text_for(binary_for(1, 3, "a:1")), core::ErrorId::kInviteOlderVersion, "shortest version 1");
}

TEST(InviteCode, LengthsThatDoNotAddUpAreMalformed) {
  expect_refused(text_for(binary_for(2, 14, "127.0.0.1:7420", 1)), core::ErrorId::kInviteMalformed, "a byte after the expiry");
  expect_refused(text_for(binary_for(2, 15, "127.0.0.1:7420")), core::ErrorId::kInviteMalformed, "length one too long");
  expect_refused(text_for(binary_for(2, 13, "127.0.0.1:7420")), core::ErrorId::kInviteMalformed, "length one too short");
  expect_refused(text_for(binary_for(2, 0xFFFF, "127.0.0.1:7420")), core::ErrorId::kInviteMalformed, "length 65535");
  // A well-formed binary with exactly the right length still needs a sane address.
  ASSERT_TRUE(decode_invite(text_for(binary_for(2, 14, "127.0.0.1:7420"))));
}

TEST(InviteCode, BadAddressesSaySo) {
  expect_refused(kCodeNonCanonicalPort, core::ErrorId::kInviteBadAddress, "127.0.0.1:07420");
  expect_refused(kCodePortZero, core::ErrorId::kInviteBadAddress, "port 0");
  const std::string too_long = std::string(kMaxInviteAddressLen - 5, 'a') + ":7000";
  ASSERT_GT(too_long.size(), peers::kMaxHostLen + 6);
  for (const std::string& address : {std::string("no-port"), std::string("a b:1"), std::string("[::1]7000"),
                                     std::string("host:\x1b[31m"), std::string("\x00\x01:1", 4), too_long,
                                     std::string("[::1]:7000 "), std::string("[]:1")}) {
    expect_refused(text_for(binary_for(2, static_cast<std::uint16_t>(address.size()), address)), core::ErrorId::kInviteBadAddress,
                   "address " + address);
  }
}

TEST(InviteCode, EncodingAnAddressNoCodeCouldCarryIsAProgrammingError) {
  InviteCode port_zero = make_code("127.0.0.1:7420");
  port_zero.address.port = 0;
  EXPECT_DEATH((void)encode_invite(port_zero), "misuse.*encode_invite");
  InviteCode huge = make_code("127.0.0.1:7420");
  huge.address = *peers::parse_peer_address("[" + std::string(300, ':') + "]:1");
  EXPECT_DEATH((void)encode_invite(huge), "misuse.*encode_invite");
}

}  // namespace
}  // namespace tumar::invite
