#pragma once
// Negentropy's Varint (docs/negentropy-protocol-v1.md, "Varint"): base-128
// digits, most significant first, the high bit set on every byte but the
// last, "with as few digits as possible".
//
// Unlike protobuf's varint this is big-endian. The decoder is stricter than
// the reference's (which shifts past 64 bits silently and accepts leading
// zero digits): a value that does not fit in 64 bits, or a non-minimal
// spelling (a first byte of 0x80), is refused, so one value has one encoding.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"

namespace tumar::reconcile {

// 64 bits in 7-bit digits: ceil(64 / 7) = 10 bytes.
inline constexpr std::size_t kMaxVarintLen = 10;
static_assert(kMaxVarintLen * 7 >= 64 && (kMaxVarintLen - 1) * 7 < 64);

// Number of bytes append_varint writes for n (1..kMaxVarintLen).
[[nodiscard]] std::size_t varint_size(std::uint64_t n) noexcept;

// Writes n to the front of `out`; returns the number of bytes written.
std::size_t encode_varint(std::uint64_t n, std::span<std::uint8_t, kMaxVarintLen> out) noexcept;

void append_varint(std::uint64_t n, std::vector<std::uint8_t>& out);

// Reads one varint from the front of `in` and advances it past the varint.
// kProtocol if `in` ends first, the value overflows 64 bits, or the
// encoding is not minimal; `in` is then left unchanged.
[[nodiscard]] core::Result<std::uint64_t> read_varint(std::span<const std::uint8_t>& in);

}  // namespace tumar::reconcile
