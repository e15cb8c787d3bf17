#include "core/noise/frame.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::noise {

void append_frame(std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out) {
  if (body.empty() || body.size() > kMaxFrameLen) core::misuse("noise: append_frame: body size out of range");
  out.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(body.size() & 0xFF));
  out.insert(out.end(), body.begin(), body.end());
}

FrameDecoder::FrameDecoder(std::size_t max_frame_len) : max_frame_len_(max_frame_len) {
  if (max_frame_len == 0 || max_frame_len > kMaxFrameLen) core::misuse("noise: FrameDecoder: limit out of range");
}

core::Result<std::optional<std::vector<std::uint8_t>>> FrameDecoder::next(std::span<const std::uint8_t>& input) {
  auto view = next_view(input);
  if (!view) return tl::unexpected<core::Error>(view.error());
  if (!*view) return std::nullopt;
  return std::vector<std::uint8_t>((*view)->begin(), (*view)->end());
}

core::Result<std::optional<std::span<const std::uint8_t>>> FrameDecoder::next_view(
    std::span<const std::uint8_t>& input) {
  if (error_) return tl::unexpected<core::Error>(*error_);
  if (delivered_) {
    body_.clear();  // keeps its capacity for the next frame
    delivered_ = false;
  }

  if (header_have_ < kFrameHeaderLen) {
    const std::size_t take = std::min(kFrameHeaderLen - header_have_, input.size());
    std::copy_n(input.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(header_have_));
    header_have_ += take;
    input = input.subspan(take);
    if (header_have_ < kFrameHeaderLen) return std::nullopt;

    // The length is checked here, before any body byte is buffered.
    body_len_ = (std::size_t{header_[0]} << 8) | header_[1];
    if (body_len_ == 0) {
      error_ = core::make_error<core::ErrorId::kNoiseEmptyFrame>(core::Errc::kProtocol);
      return tl::unexpected<core::Error>(*error_);
    }
    if (body_len_ > max_frame_len_) {
      error_ = core::make_error<core::ErrorId::kNoiseFrameTooLong>(core::Errc::kLimit, body_len_, max_frame_len_);
      return tl::unexpected<core::Error>(*error_);
    }
    // The whole body is already here: hand out a view, copy nothing.
    if (input.size() >= body_len_) {
      auto body = input.first(body_len_);
      input = input.subspan(body_len_);
      header_have_ = 0;
      body_len_ = 0;
      return std::optional<std::span<const std::uint8_t>>(body);
    }
    body_.reserve(body_len_);
  }

  const std::size_t take = std::min(body_len_ - body_.size(), input.size());
  body_.insert(body_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
  input = input.subspan(take);
  if (body_.size() < body_len_) return std::nullopt;

  header_have_ = 0;
  body_len_ = 0;
  delivered_ = true;
  return std::optional<std::span<const std::uint8_t>>(std::span<const std::uint8_t>(body_));
}

}  // namespace tumar::noise
