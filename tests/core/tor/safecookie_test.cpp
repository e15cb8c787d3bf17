// SAFECOOKIE (control-spec 3.24): both hashes against HMAC-SHA256 computed
// independently from the spec's constant keys (Python's hmac module, with
// the inputs written below), and a control port that does not know the
// cookie gets nothing.

#include "core/tor/safecookie.hpp"

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"

namespace tumar::tor {
namespace {

// cookie = bytes(range(32)); client nonce = c0..cf twice; server nonce = 0x50..0x6f.
//   hmac.new(b"Tor safe cookie authentication server-to-controller hash", cookie+cn+sn, sha256)
constexpr const char* kServerHash = "083d048aa46885c9345aeacf993d1a3fdffa187dcd59b6fbee2bb71dcb13aa62";
constexpr const char* kClientHash = "605d3115c1a15043b34bc985b34219ebd19e33d3c8ce13ce1a3884660c0dbb2c";

ControlCookie cookie() {
  std::array<std::uint8_t, kCookieLen> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i);
  return ControlCookie::copy_of(raw);
}
SafeCookieNonce client_nonce() {
  SafeCookieNonce n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(0xC0 + i % 16);
  return n;
}
SafeCookieNonce server_nonce() {
  SafeCookieNonce n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(0x50 + i);
  return n;
}

// A RandomSource that gives the client nonce above.
class FixedNonce final : public crypto::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    ASSERT_EQ(out.size(), kSafeCookieNonceLen);
    const auto n = client_nonce();
    std::copy(n.begin(), n.end(), out.begin());
  }
};

TEST(SafeCookie, HashesMatchHmacSha256WithTheSpecKeys) {
  EXPECT_EQ(encoding::to_hex(safecookie_server_hash(cookie(), client_nonce(), server_nonce())), kServerHash);
  EXPECT_EQ(encoding::to_hex(safecookie_client_hash(cookie(), client_nonce(), server_nonce())), kClientHash);
}

TEST(SafeCookie, AnswersOnlyATorThatKnowsTheCookie) {
  FixedNonce random;
  SafeCookieChallenge challenge(random);
  EXPECT_EQ(challenge.command(),
            "AUTHCHALLENGE SAFECOOKIE c0c1c2c3c4c5c6c7c8c9cacbcccdcecfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf\r\n");
  AuthChallenge reply;
  reply.server_nonce = server_nonce();
  const auto hash = encoding::from_hex(kServerHash);
  std::copy(hash->begin(), hash->end(), reply.server_hash.begin());
  auto line = challenge.authenticate_command(cookie(), reply);
  ASSERT_TRUE(line) << line.error().describe();
  EXPECT_EQ(*line, std::string("AUTHENTICATE ") + kClientHash + "\r\n");

  // Any other server hash: a fake control port, or another tor's cookie.
  for (std::size_t byte : {0u, 17u, 31u}) {
    AuthChallenge forged = reply;
    forged.server_hash[byte] ^= 0x01;
    auto refused = challenge.authenticate_command(cookie(), forged);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().id(), core::ErrorId::kTorControlServerHashMismatch);
  }
  // The right hash for another server nonce does not pass either.
  AuthChallenge replayed = reply;
  replayed.server_nonce[0] ^= 0x01;
  EXPECT_FALSE(challenge.authenticate_command(cookie(), replayed));
}

TEST(SafeCookie, FreshChallengesHaveFreshNonces) {
  crypto::DeterministicRandom random(7);
  SafeCookieChallenge a(random), b(random);
  EXPECT_NE(a.client_nonce(), b.client_nonce());
}

TEST(SafeCookie, ACookieIsExactly32Bytes) {
  EXPECT_TRUE(control_cookie(crypto::SecretBuffer(32)));
  for (std::size_t size : {0u, 31u, 33u, 64u}) {
    auto c = control_cookie(crypto::SecretBuffer(size));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().id(), core::ErrorId::kTorControlCookieSize);
    EXPECT_EQ(c.error().field("size"), std::to_string(size));
  }
}

}  // namespace
}  // namespace tumar::tor
