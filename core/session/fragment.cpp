#include "core/session/fragment.hpp"

#include <string>

namespace tumar::session {

core::Result<std::optional<std::vector<std::uint8_t>>> Reassembler::add(std::span<const std::uint8_t> plaintext) {
  if (plaintext.empty()) return core::fail(core::Errc::kProtocol, "The peer sent a transport message with no fragment flag.");
  const std::uint8_t flag = plaintext[0];
  const auto chunk = plaintext.subspan(kFragmentHeaderLen);
  if (flag != kFragmentLast && flag != kFragmentMore) {
    return core::fail(core::Errc::kProtocol, "The peer sent an unknown fragment flag.");
  }
  if (flag == kFragmentMore && chunk.size() != kMaxFragmentChunk) {
    return core::fail(core::Errc::kProtocol, "The peer sent a short fragment that was not the last one.");
  }
  // Checked before appending: the buffer never exceeds the limit.
  if (chunk.size() > max_message_len_ - buffer_.size()) {
    return core::fail(core::Errc::kLimit, "The peer sent a message over the limit of " +
                                              std::to_string(max_message_len_) + " bytes.");
  }
  buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
  if (flag == kFragmentMore) return std::nullopt;
  std::vector<std::uint8_t> message = std::move(buffer_);
  buffer_ = {};
  return message;
}

}  // namespace tumar::session
