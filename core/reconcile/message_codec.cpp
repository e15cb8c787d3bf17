#include "core/reconcile/message_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/error_ids.hpp"
#include "core/reconcile/varint.hpp"

namespace tumar::reconcile {

core::Result<std::uint8_t> MessageReader::byte() {
  if (in_.empty()) return core::fail<core::ErrorId::kReconcileTruncated>(core::Errc::kProtocol);
  const std::uint8_t b = in_[0];
  in_ = in_.subspan(1);
  return b;
}

core::Result<std::uint64_t> MessageReader::varint() { return read_varint(in_); }

core::Result<std::span<const std::uint8_t>> MessageReader::bytes(std::size_t n) {
  if (in_.size() < n) return core::fail<core::ErrorId::kReconcileTruncated>(core::Errc::kProtocol);
  const auto out = in_.first(n);
  in_ = in_.subspan(n);
  return out;
}

core::Result<Bound> MessageReader::bound() {
  TUMAR_TRY_ASSIGN(encoded, varint());
  // "The infinity timestamp is encoded as 0. All other values are encoded as
  // 1 + offset" from the previous timestamp of this message. A sum past
  // 2^64-1 saturates to infinity, as in the reference.
  std::uint64_t timestamp = encoded == 0 ? kInfinity : encoded - 1;
  timestamp += last_timestamp_;
  if (timestamp < last_timestamp_) timestamp = kInfinity;
  last_timestamp_ = timestamp;

  TUMAR_TRY_ASSIGN(len, varint());
  if (len > kIdSize) {
    return core::fail<core::ErrorId::kReconcilePrefixTooLong>(core::Errc::kProtocol);
  }
  TUMAR_TRY_ASSIGN(prefix, bytes(static_cast<std::size_t>(len)));
  Bound b;
  b.item.timestamp = timestamp;
  b.id_len = prefix.size();
  std::copy(prefix.begin(), prefix.end(), b.item.id.begin());
  return b;
}

core::Result<Mode> MessageReader::mode() {
  TUMAR_TRY_ASSIGN(m, varint());
  switch (m) {
    case static_cast<std::uint64_t>(Mode::kSkip): return Mode::kSkip;
    case static_cast<std::uint64_t>(Mode::kFingerprint): return Mode::kFingerprint;
    case static_cast<std::uint64_t>(Mode::kIdList): return Mode::kIdList;
    default: break;
  }
  return core::fail<core::ErrorId::kReconcileUnknownMode>(core::Errc::kProtocol);
}

std::uint64_t BoundWriter::encoded_timestamp(std::uint64_t timestamp) const {
  if (timestamp == kInfinity) return 0;
  // Bounds go out in ascending order (negentropy.cpp keeps them so), hence
  // the delta is never negative. Breaking that would corrupt every later
  // bound of the message: a bug here, not peer input, so abort.
  if (timestamp < last_timestamp_) {
    std::fputs("tumar: reconcile: bounds written out of order\n", stderr);
    std::abort();
  }
  return timestamp - last_timestamp_ + 1;
}

void BoundWriter::write(const Bound& bound, std::vector<std::uint8_t>& out) {
  append_varint(encoded_timestamp(bound.item.timestamp), out);
  last_timestamp_ = bound.item.timestamp;
  append_varint(bound.id_len, out);
  out.insert(out.end(), bound.item.id.begin(), bound.item.id.begin() + static_cast<std::ptrdiff_t>(bound.id_len));
}

void append_mode(Mode mode, std::vector<std::uint8_t>& out) { append_varint(static_cast<std::uint64_t>(mode), out); }

}  // namespace tumar::reconcile
