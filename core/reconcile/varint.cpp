#include "core/reconcile/varint.hpp"

#include <array>

#include "core/error_ids.hpp"

namespace tumar::reconcile {

std::size_t varint_size(std::uint64_t n) noexcept {
  std::size_t len = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++len;
  }
  return len;
}

std::size_t encode_varint(std::uint64_t n, std::span<std::uint8_t, kMaxVarintLen> out) noexcept {
  const std::size_t len = varint_size(n);
  // Most significant digit first; every byte but the last has the high bit.
  for (std::size_t i = 0; i < len; ++i) {
    const auto digit = static_cast<std::uint8_t>((n >> (7 * (len - 1 - i))) & 0x7F);
    out[i] = static_cast<std::uint8_t>(digit | (i + 1 < len ? 0x80 : 0x00));
  }
  return len;
}

void append_varint(std::uint64_t n, std::vector<std::uint8_t>& out) {
  std::array<std::uint8_t, kMaxVarintLen> buf{};
  const std::size_t len = encode_varint(n, buf);
  out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
}

core::Result<std::uint64_t> read_varint(std::span<const std::uint8_t>& in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint8_t byte = in[i];
    // A leading zero digit only makes the encoding longer: not minimal.
    if (i == 0 && byte == 0x80) {
      return core::fail<core::ErrorId::kReconcileVarintLeadingZero>(core::Errc::kProtocol);
    }
    // Shifting in seven more bits must not push a set bit past bit 63.
    if ((value >> 57) != 0) {
      return core::fail<core::ErrorId::kReconcileVarintTooLarge>(core::Errc::kProtocol);
    }
    value = (value << 7) | (byte & 0x7F);
    if ((byte & 0x80) == 0) {
      in = in.subspan(i + 1);
      return value;
    }
  }
  return core::fail<core::ErrorId::kReconcileVarintTruncated>(core::Errc::kProtocol);
}

}  // namespace tumar::reconcile
