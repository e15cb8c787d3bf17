#pragma once
// Wire framing (docs/PROTOCOL.md, "Framing"): every Noise message, handshake
// or transport, travels as
//     length: 2 bytes, big-endian, 1..65535  ||  the Noise message
// FrameDecoder is sans-I/O: it takes byte chunks of any size and hands back
// whole frames. It checks an announced length against its limit before it
// buffers a single body byte; an oversized or zero length is an error (never
// clamped), and once failed the decoder returns that error forever.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

inline constexpr std::size_t kFrameHeaderLen = 2;
inline constexpr std::size_t kMaxFrameLen = kMaxMessageLen;  // the length field's range
static_assert(kMaxFrameLen == 0xFFFF, "a 2-byte length field frames exactly the Noise maximum (§3)");

// Appends header || body to out. body must be 1..kMaxFrameLen bytes (misuse
// aborts: tumar never produces anything else).
void append_frame(std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out);

class FrameDecoder {
 public:
  // max_frame_len: the largest body accepted, 1..kMaxFrameLen (else abort).
  explicit FrameDecoder(std::size_t max_frame_len = kMaxFrameLen);

  // Consumes bytes from the front of `input` (advancing it) until one frame is
  // complete, and returns that frame's body; returns nullopt once `input` is
  // used up without completing a frame. Call again with the rest of `input`
  // until it is empty. Errors: kLimit for a length over the limit, kProtocol
  // for a zero length.
  [[nodiscard]] core::Result<std::optional<std::vector<std::uint8_t>>> next(std::span<const std::uint8_t>& input);

  // The same, without copying: the body comes back as a view, valid until
  // the next call or until `input`'s memory changes. A frame that arrived
  // whole inside `input` is not copied at all; one that straddles chunks is
  // assembled in a buffer that is reused from frame to frame.
  [[nodiscard]] core::Result<std::optional<std::span<const std::uint8_t>>> next_view(
      std::span<const std::uint8_t>& input);

  std::size_t max_frame_len() const noexcept { return max_frame_len_; }
  // Bytes of an incomplete frame held right now (header included).
  std::size_t buffered() const noexcept { return header_have_ + (delivered_ ? 0 : body_.size()); }

 private:
  std::size_t max_frame_len_;
  std::array<std::uint8_t, kFrameHeaderLen> header_{};
  std::size_t header_have_ = 0;
  std::size_t body_len_ = 0;  // valid once header_have_ == kFrameHeaderLen
  std::vector<std::uint8_t> body_;
  bool delivered_ = false;  // body_ holds the frame last returned by next_view
  std::optional<core::Error> error_;
};

}  // namespace tumar::noise
