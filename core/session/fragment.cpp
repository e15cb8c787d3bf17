#include "core/session/fragment.hpp"

#include <string>

#include "core/error_ids.hpp"

namespace tumar::session {

core::Result<std::optional<std::vector<std::uint8_t>>> Reassembler::add(std::span<const std::uint8_t> plaintext) {
  auto view = add_view(plaintext);
  if (!view) return tl::unexpected<core::Error>(view.error());
  if (!*view) return std::nullopt;
  return std::vector<std::uint8_t>((*view)->begin(), (*view)->end());
}

core::Result<std::optional<std::span<const std::uint8_t>>> Reassembler::add_view(
    std::span<const std::uint8_t> plaintext) {
  if (delivered_) {
    buffer_.clear();
    delivered_ = false;
  }
  if (plaintext.empty()) return core::fail<core::ErrorId::kSessionNoFragmentFlag>(core::Errc::kProtocol);
  const std::uint8_t flag = plaintext[0];
  const auto chunk = plaintext.subspan(kFragmentHeaderLen);
  if (flag != kFragmentLast && flag != kFragmentMore) {
    return core::fail<core::ErrorId::kSessionUnknownFragmentFlag>(core::Errc::kProtocol);
  }
  if (flag == kFragmentMore && chunk.size() != kMaxFragmentChunk) {
    return core::fail<core::ErrorId::kSessionShortFragment>(core::Errc::kProtocol);
  }
  // Checked before appending: the buffer never exceeds the limit.
  if (chunk.size() > max_message_len_ - buffer_.size()) {
    return core::fail<core::ErrorId::kSessionMessageTooLong>(core::Errc::kLimit, max_message_len_);
  }
  if (flag == kFragmentLast && buffer_.empty()) return std::optional<std::span<const std::uint8_t>>(chunk);
  buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
  if (flag == kFragmentMore) return std::nullopt;
  delivered_ = true;
  return std::optional<std::span<const std::uint8_t>>(std::span<const std::uint8_t>(buffer_));
}

}  // namespace tumar::session
