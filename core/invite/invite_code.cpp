#include "core/invite/invite_code.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>

#include "core/crypto/sodium.hpp"
#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::invite {
namespace {

// Crockford's base32: no i, l, o or u, so nothing reads as something else.
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
static_assert(kAlphabet.size() == 32);
constexpr std::string_view kIdContext = "tumar/invite-id/v1";
// The prefixes once dashes are dropped (normalize() drops them everywhere).
constexpr std::string_view kBarePrefix = "tumarinvite";
constexpr std::string_view kBareDemoPrefix = "tumardemoinvite";
static_assert(!kBareDemoPrefix.starts_with(kBarePrefix), "neither prefix may be read as the other");
// The kind byte (offset 1).
constexpr std::uint8_t kRealByte = 0x00;
constexpr std::uint8_t kDemoByte = 0x01;
// Address spellings: "a:1" is the shortest parse_peer_address accepts. The
// shortest binary is a version-1 one, which must reach the version check.
constexpr std::size_t kMinInviteAddressLen = 3;
constexpr std::size_t kMinInviteBinaryLen = kInviteV1FixedLen + kMinInviteAddressLen + kInviteChecksumLen;
constexpr std::size_t kMinInviteBodyLen = (kMinInviteBinaryLen * 8 + 4) / 5;

template <core::ErrorId Id>
core::Result<InviteCode> refuse() {
  return core::fail<Id>(core::Errc::kInvalidArgument);
}

core::Result<InviteCode> not_an_invite() {
  return refuse<core::ErrorId::kInviteNotAnInvite>();
}
core::Result<InviteCode> damaged() {
  return refuse<core::ErrorId::kInviteDamaged>();
}
core::Result<InviteCode> malformed() {
  return refuse<core::ErrorId::kInviteMalformed>();
}
core::Result<InviteCode> newer_version() {
  return refuse<core::ErrorId::kInviteNewerVersion>();
}
core::Result<InviteCode> older_version() {
  return refuse<core::ErrorId::kInviteOlderVersion>();
}
core::Result<InviteCode> bad_address() {
  return refuse<core::ErrorId::kInviteBadAddress>();
}

std::array<std::uint8_t, kInviteChecksumLen> checksum(std::span<const std::uint8_t> binary) {
  std::array<std::uint8_t, crypto_generichash_BYTES> full{};
  crypto_generichash(full.data(), full.size(), binary.data(), binary.size(), nullptr, 0);
  std::array<std::uint8_t, kInviteChecksumLen> out{};
  std::copy_n(full.begin(), out.size(), out.begin());
  crypto::wipe(full);  // a hash over the secret: only its first bytes are published
  return out;
}

// Appends to `out`, which the caller has reserved room in (no reallocation
// leaves a copy of the secret behind).
void base32_encode(std::span<const std::uint8_t> bytes, std::string& out) {
  unsigned buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = ((buffer << 8) | b) & 0xFFFu;  // at most 4 + 8 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 31u]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31u]);
}

// -1 for a character that is not in the alphabet. o, i and l are read the
// way Crockford says a person means them.
int base32_value(char c) {
  if (c == 'o') return 0;
  if (c == 'i' || c == 'l') return 1;
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Strict: every character must be in the alphabet, the length must be one
// an encoder produces, and the unused low bits of the last character must
// be zero, so that each binary has exactly one text.
bool base32_decode(std::string_view text, crypto::SecretBuffer& out) {
  const std::size_t total_bits = text.size() * 5;
  if (total_bits % 8 >= 5) return false;  // a whole character of padding
  crypto::SecretBuffer bytes(total_bits / 8);
  unsigned buffer = 0;
  int bits = 0;
  std::size_t at = 0;
  for (char c : text) {
    const int v = base32_value(c);
    if (v < 0) return false;
    buffer = ((buffer << 5) | static_cast<unsigned>(v)) & 0x1FFFu;  // at most 7 + 5 bits are pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.data()[at++] = static_cast<std::uint8_t>(buffer >> bits);
    }
  }
  if ((buffer & ((1u << bits) - 1u)) != 0) return false;  // padding bits must be zero
  out = std::move(bytes);
  return true;
}

// The number of bytes of `text` at `i` that a person's copying may have
// put into a code: ASCII whitespace, dashes, and the UTF-8 no-break space,
// soft hyphen, zero-width space and non-breaking hyphen that chat apps and
// word processors insert. 0 for anything else.
std::size_t ignorable(std::string_view text, std::size_t i) {
  const char c = text[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '-') return 1;
  const std::string_view rest = text.substr(i);
  for (std::string_view seq : {std::string_view("\xC2\xA0"), std::string_view("\xC2\xAD"),
                               std::string_view("\xE2\x80\x8B"), std::string_view("\xE2\x80\x91")}) {
    if (rest.starts_with(seq)) return seq.size();
  }
  return 0;
}

// Lowercase, without whatever ignorable() skips. The result holds the code
// (and so the secret, encoded): the caller wipes it.
std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t skip = ignorable(text, i); skip > 0) {
      i += skip;
      continue;
    }
    const char c = text[i++];
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

void wipe_string(std::string& s) noexcept {
  crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
  s.clear();
}

void put_be(std::uint64_t value, std::size_t width, std::uint8_t* out) noexcept {
  for (std::size_t i = 0; i < width; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * (width - 1 - i)));
}

std::uint64_t get_be(const std::uint8_t* in, std::size_t width) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | in[i];
  return v;
}

// The address as a code carries it, if parse_peer_address gives it back
// exactly: one spelling per address.
std::optional<peers::PeerAddress> canonical_address(std::string_view text) {
  if (text.size() < kMinInviteAddressLen || text.size() > kMaxInviteAddressLen) return std::nullopt;
  auto parsed = peers::parse_peer_address(text);
  if (!parsed || parsed->to_string() != text) return std::nullopt;
  return std::move(*parsed);
}

}  // namespace

std::string encode_invite(const InviteCode& code) {
  crypto::ensure_sodium();
  const std::string address = code.address.to_string();
  if (!canonical_address(address)) core::misuse("encode_invite: the address would not decode (port 0, or too long)");

  // Built in protected memory: the binary holds the secret in clear.
  crypto::SecretBuffer binary(kInviteFixedLen + address.size() + kInviteChecksumLen);
  std::uint8_t* p = binary.data();
  *p++ = kInviteVersion;
  const bool demo = code.kind == noise::ProfileKind::kDemo;
  *p++ = demo ? kDemoByte : kRealByte;
  p = std::copy(code.network_id.begin(), code.network_id.end(), p);
  p = std::copy(code.inviter.begin(), code.inviter.end(), p);
  put_be(address.size(), 2, p);
  p += 2;
  p = std::copy(address.begin(), address.end(), p);
  p = std::copy_n(code.secret.data(), kInviteSecretLen, p);
  put_be(code.expires_at, 8, p);
  p += 8;
  const auto sum = checksum(std::span(binary.data(), static_cast<std::size_t>(p - binary.data())));
  std::copy(sum.begin(), sum.end(), p);
  const std::string_view prefix = demo ? kDemoInvitePrefix : kInvitePrefix;
  std::string text;
  text.reserve(prefix.size() + (binary.size() * 8 + 4) / 5);
  text.append(prefix);
  base32_encode(binary.span(), text);
  return text;
}

core::Result<InviteCode> decode_invite(std::string_view text) {
  crypto::ensure_sodium();
  if (text.size() > kMaxInviteTextLen) return not_an_invite();
  std::string bare = normalize(text);
  struct Wipe {
    std::string& s;
    ~Wipe() { wipe_string(s); }
  } wipe_bare{bare};

  const bool demo_prefix = std::string_view(bare).starts_with(kBareDemoPrefix);
  if (!demo_prefix && !std::string_view(bare).starts_with(kBarePrefix)) return not_an_invite();
  const std::string_view body = std::string_view(bare).substr((demo_prefix ? kBareDemoPrefix : kBarePrefix).size());
  if (body.size() < kMinInviteBodyLen || body.size() > kMaxInviteBodyLen) return damaged();
  crypto::SecretBuffer binary;
  if (!base32_decode(body, binary)) return damaged();

  // The checksum comes first, and sits in the last 4 bytes in every version:
  // a typo must read as "damaged", never as "newer version".
  const std::size_t content_len = binary.size() - kInviteChecksumLen;
  const auto expected = checksum(std::span(binary.data(), content_len));
  if (!std::equal(expected.begin(), expected.end(), binary.data() + content_len)) return damaged();

  const std::uint8_t* p = binary.data();
  if (p[0] > kInviteVersion) return newer_version();
  if (p[0] == 1) return older_version();
  if (p[0] != kInviteVersion) return malformed();
  ++p;
  // The kind must be one of the two, and the one the prefix shows.
  if (*p != (demo_prefix ? kDemoByte : kRealByte)) return malformed();
  ++p;
  InviteCode code;
  code.kind = demo_prefix ? noise::ProfileKind::kDemo : noise::ProfileKind::kReal;
  std::copy_n(p, kNetworkIdLen, code.network_id.begin());
  p += kNetworkIdLen;
  std::copy_n(p, identity::kIdentityKeySize, code.inviter.begin());
  p += identity::kIdentityKeySize;
  const std::size_t address_len = get_be(p, 2);
  p += 2;
  // The length must account for every byte: nothing missing, nothing after.
  if (content_len != kInviteFixedLen + address_len) return malformed();
  auto address = canonical_address(std::string_view(reinterpret_cast<const char*>(p), address_len));
  if (!address) return bad_address();
  code.address = std::move(*address);
  p += address_len;
  std::copy_n(p, kInviteSecretLen, code.secret.data());
  p += kInviteSecretLen;
  code.expires_at = get_be(p, 8);
  return code;
}

InviteId invite_id(const crypto::Secret<kInviteSecretLen>& secret) {
  crypto::ensure_sodium();
  InviteId id{};
  crypto_generichash(id.data(), id.size(), reinterpret_cast<const unsigned char*>(kIdContext.data()),
                     kIdContext.size(), secret.data(), kInviteSecretLen);
  return id;
}

}  // namespace tumar::invite
