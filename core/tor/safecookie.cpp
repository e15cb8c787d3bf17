#include "core/tor/safecookie.hpp"

#include <sodium.h>

#include <string_view>

#include "core/crypto/sodium.hpp"
#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"

namespace tumar::tor {
namespace {

// control-spec 3.24, the HMAC keys, byte for byte.
constexpr std::string_view kServerToController = "Tor safe cookie authentication server-to-controller hash";
constexpr std::string_view kControllerToServer = "Tor safe cookie authentication controller-to-server hash";
static_assert(crypto_auth_hmacsha256_BYTES == kSafeCookieHashLen);

SafeCookieHash hmac(std::string_view key, const ControlCookie& cookie, const SafeCookieNonce& client_nonce,
                    const SafeCookieNonce& server_nonce) {
  crypto::ensure_sodium();
  // The message CookieString | ClientNonce | ServerNonce is fed in parts, so
  // the cookie is never copied; the state holds it mixed in and is wiped.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, cookie.data(), kCookieLen);
  crypto_auth_hmacsha256_update(&state, client_nonce.data(), client_nonce.size());
  crypto_auth_hmacsha256_update(&state, server_nonce.data(), server_nonce.size());
  SafeCookieHash out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

}  // namespace

core::Result<ControlCookie> control_cookie(const crypto::SecretBuffer& file_contents) {
  if (file_contents.size() != kCookieLen) {
    return core::fail<core::ErrorId::kTorControlCookieSize>(core::Errc::kCorrupt, file_contents.size());
  }
  return ControlCookie::copy_of(std::span<const std::uint8_t, kCookieLen>(file_contents.data(), kCookieLen));
}

SafeCookieHash safecookie_server_hash(const ControlCookie& cookie, const SafeCookieNonce& client_nonce,
                                      const SafeCookieNonce& server_nonce) {
  return hmac(kServerToController, cookie, client_nonce, server_nonce);
}

SafeCookieHash safecookie_client_hash(const ControlCookie& cookie, const SafeCookieNonce& client_nonce,
                                      const SafeCookieNonce& server_nonce) {
  return hmac(kControllerToServer, cookie, client_nonce, server_nonce);
}

SafeCookieChallenge::SafeCookieChallenge(crypto::RandomSource& random) { random.fill(client_nonce_); }

std::string SafeCookieChallenge::command() const {
  return "AUTHCHALLENGE SAFECOOKIE " + encoding::to_hex(client_nonce_) + "\r\n";
}

core::Result<std::string> SafeCookieChallenge::authenticate_command(const ControlCookie& cookie,
                                                                    const AuthChallenge& challenge) const {
  SafeCookieHash expected = safecookie_server_hash(cookie, client_nonce_, challenge.server_nonce);
  const bool genuine = crypto::constant_time_equal(expected, challenge.server_hash);
  crypto::wipe(expected);
  if (!genuine) return core::fail<core::ErrorId::kTorControlServerHashMismatch>(core::Errc::kRefused);
  SafeCookieHash client = safecookie_client_hash(cookie, client_nonce_, challenge.server_nonce);
  // The client hash is for this tor and these nonces only: sending it is its purpose.
  std::string line = "AUTHENTICATE " + encoding::to_hex(client) + "\r\n";
  crypto::wipe(client);
  return line;
}

}  // namespace tumar::tor
