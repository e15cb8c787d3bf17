#include "core/ratchet/hkdf.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <sodium.h>

#include "core/crypto/secret.hpp"
#include "core/crypto/sodium.hpp"

namespace tumar::ratchet {

static_assert(kHmacLen == crypto_auth_hmacsha256_BYTES);

namespace {
// libsodium declares its pointer arguments nonnull even for a length of 0, and an
// empty std::span may hold nullptr (an empty salt or info): UBSan flags the call.
// Hand it a valid address instead; with a length of 0 nothing is read.
const std::uint8_t* nonnull(std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::uint8_t kNothing = 0;
  return bytes.empty() ? &kNothing : bytes.data();
}
}  // namespace

void hmac_sha256(std::span<const std::uint8_t> key, std::initializer_list<std::span<const std::uint8_t>> parts,
                 std::span<std::uint8_t, kHmacLen> out) noexcept {
  crypto::ensure_sodium();
  // libsodium's streaming HMAC takes any key length (it hashes keys longer
  // than the 64-byte block first, as RFC 2104 says).
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, nonnull(key), key.size());
  for (auto part : parts) crypto_auth_hmacsha256_update(&st, nonnull(part), part.size());
  std::array<std::uint8_t, kHmacLen> mac{};
  crypto_auth_hmacsha256_final(&st, mac.data());
  std::copy(mac.begin(), mac.end(), out.begin());
  crypto::wipe(mac);
  sodium_memzero(&st, sizeof st);
}

void hkdf_extract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                  std::span<std::uint8_t, kHmacLen> prk) noexcept {
  hmac_sha256(salt, {ikm}, prk);
}

void hkdf_expand(std::span<const std::uint8_t, kHmacLen> prk, std::span<const std::uint8_t> info,
                 std::span<std::uint8_t> out) noexcept {
  if (out.size() > kHkdfMaxOutput) {
    std::fputs("tumar: internal error in the ratchet layer: HKDF output too long\n", stderr);
    std::abort();
  }
  // T(0) = empty; T(i) = HMAC(PRK, T(i-1) || info || i); OKM = first L bytes.
  std::array<std::uint8_t, kHmacLen> t{};
  std::size_t t_len = 0;
  std::size_t done = 0;
  for (std::uint8_t i = 1; done < out.size(); ++i) {
    const std::uint8_t counter[1] = {i};
    hmac_sha256(prk, {std::span<const std::uint8_t>(t.data(), t_len), info, counter}, t);
    t_len = kHmacLen;
    const std::size_t take = std::min(kHmacLen, out.size() - done);
    std::copy_n(t.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += take;
  }
  crypto::wipe(t);
}

void hkdf(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> info,
          std::span<std::uint8_t> out) noexcept {
  std::array<std::uint8_t, kHmacLen> prk{};
  hkdf_extract(salt, ikm, prk);
  hkdf_expand(prk, info, out);
  crypto::wipe(prk);
}

}  // namespace tumar::ratchet
