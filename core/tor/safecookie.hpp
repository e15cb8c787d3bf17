#pragma once
// SAFECOOKIE authentication on tor's control connection (control-spec.txt
// 3.24 and 3.5; docs/PROTOCOL.md, "Tor: SOCKS5 and the control connection"):
//
//   C: AUTHCHALLENGE SAFECOOKIE <ClientNonce, 32 random bytes, hex>
//   S: 250 AUTHCHALLENGE SERVERHASH=<64 hex> SERVERNONCE=<64 hex>
//   C: AUTHENTICATE <ClientHash, hex>
//
//   ServerHash = HMAC-SHA256("Tor safe cookie authentication server-to-controller hash",
//                            CookieString | ClientNonce | ServerNonce)
//   ClientHash = HMAC-SHA256("Tor safe cookie authentication controller-to-server hash",
//                            CookieString | ClientNonce | ServerNonce)
//
// The HMAC key is the constant; the cookie is in the message. tumar checks
// ServerHash (constant time) before it answers: whatever listens on the
// control socket must already know the cookie, so a fake control port
// learns neither the cookie (plain COOKIE would send it) nor a hash it could
// replay to the real tor (the nonces are fresh). tumar never uses COOKIE,
// HASHEDPASSWORD or NULL.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"

namespace tumar::tor {

inline constexpr std::size_t kCookieLen = 32;       // "All authentication cookies are 32 bytes long."
inline constexpr std::size_t kSafeCookieNonceLen = 32;  // ServerNonce MUST be 32 bytes; ClientNonce alike
inline constexpr std::size_t kSafeCookieHashLen = 32;   // HMAC-SHA256
using ControlCookie = crypto::Secret<kCookieLen>;
using SafeCookieNonce = std::array<std::uint8_t, kSafeCookieNonceLen>;
using SafeCookieHash = std::array<std::uint8_t, kSafeCookieHashLen>;

// The cookie file's contents: exactly 32 bytes (kTorControlCookieSize otherwise).
[[nodiscard]] core::Result<ControlCookie> control_cookie(const crypto::SecretBuffer& file_contents);

// The two hashes of 3.24, for tests and for SafeCookieChallenge.
SafeCookieHash safecookie_server_hash(const ControlCookie& cookie, const SafeCookieNonce& client_nonce,
                                      const SafeCookieNonce& server_nonce);
SafeCookieHash safecookie_client_hash(const ControlCookie& cookie, const SafeCookieNonce& client_nonce,
                                      const SafeCookieNonce& server_nonce);

// What tor answered to AUTHCHALLENGE (parse_authchallenge in control_replies.hpp).
struct AuthChallenge {
  SafeCookieHash server_hash{};
  SafeCookieNonce server_nonce{};
};

// One SAFECOOKIE exchange: a fresh client nonce, then the AUTHENTICATE line
// once tor has proved it knows the cookie.
class SafeCookieChallenge {
 public:
  explicit SafeCookieChallenge(crypto::RandomSource& random);
  const SafeCookieNonce& client_nonce() const noexcept { return client_nonce_; }
  // AUTHCHALLENGE SAFECOOKIE <client nonce hex>
  std::string command() const;
  // AUTHENTICATE <client hash hex>, once tor's server hash checks out;
  // kTorControlServerHashMismatch (nothing to send) otherwise.
  [[nodiscard]] core::Result<std::string> authenticate_command(const ControlCookie& cookie,
                                                              const AuthChallenge& challenge) const;

 private:
  SafeCookieNonce client_nonce_{};
};

}  // namespace tumar::tor
