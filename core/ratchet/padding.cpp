#include "core/ratchet/padding.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"

namespace tumar::ratchet {

std::optional<std::size_t> bucket_for(std::size_t size) noexcept {
  for (std::size_t b : kPaddingBuckets) {
    if (size < b) return b;  // size + 1 <= b: room for the 0x80 marker
  }
  return std::nullopt;
}

bool is_bucket(std::size_t size) noexcept {
  for (std::size_t b : kPaddingBuckets) {
    if (size == b) return true;
  }
  return false;
}

core::Result<crypto::SecretBuffer> pad(std::span<const std::uint8_t> plaintext) {
  const auto bucket = bucket_for(plaintext.size());
  if (!bucket) return core::fail<core::ErrorId::kRatchetMessageTooLong>(core::Errc::kLimit);
  crypto::ensure_sodium();
  crypto::SecretBuffer out(*bucket);
  if (!plaintext.empty()) std::memcpy(out.data(), plaintext.data(), plaintext.size());
  // Block size = the bucket: sodium_pad rounds size + 1 up to a multiple of
  // it, which is the bucket itself since size < bucket.
  std::size_t padded_len = 0;
  if (sodium_pad(&padded_len, out.data(), plaintext.size(), *bucket, out.size()) != 0 || padded_len != *bucket) {
    std::fputs("tumar: internal error in the ratchet layer: padding\n", stderr);
    std::abort();
  }
  return out;
}

core::Result<void> unpad(crypto::SecretBuffer& padded) {
  if (!is_bucket(padded.size())) return core::fail<core::ErrorId::kRatchetBadPadding>(core::Errc::kRefused);
  std::size_t len = 0;
  if (sodium_unpad(&len, padded.data(), padded.size(), padded.size()) != 0) {
    return core::fail<core::ErrorId::kRatchetBadPadding>(core::Errc::kRefused);
  }
  padded.truncate(len);
  return {};
}

}  // namespace tumar::ratchet
