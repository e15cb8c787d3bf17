#pragma once
// Session messages larger than one Noise transport message (docs/PROTOCOL.md,
// "Fragments"). Each transport plaintext is
//     flag: 1 byte  ||  chunk
// flag 0x01: more fragments of this message follow, and the chunk is exactly
//            kMaxFragmentChunk bytes;
// flag 0x00: the last (often the only) fragment; chunk is 0..kMaxFragmentChunk.
// Any other flag, or a short non-final fragment, is a protocol error: one
// canonical encoding per message, so a peer cannot make us do more work per
// byte than an honest sender would. The reassembler checks the running total
// against the message limit before it appends a byte.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::session {

inline constexpr std::uint8_t kFragmentLast = 0x00;
inline constexpr std::uint8_t kFragmentMore = 0x01;
inline constexpr std::size_t kFragmentHeaderLen = 1;
inline constexpr std::size_t kMaxFragmentChunk = noise::kMaxPlaintextLen - kFragmentHeaderLen;

// Calls emit(plaintext) once per fragment of `message`, in order.
template <typename Emit>
void for_each_fragment(std::span<const std::uint8_t> message, Emit&& emit) {
  std::vector<std::uint8_t> fragment;
  fragment.reserve(kFragmentHeaderLen + std::min(message.size(), kMaxFragmentChunk));
  do {
    const std::size_t take = std::min(message.size(), kMaxFragmentChunk);
    const bool last = take == message.size();
    fragment.assign(1, last ? kFragmentLast : kFragmentMore);
    fragment.insert(fragment.end(), message.begin(), message.begin() + static_cast<std::ptrdiff_t>(take));
    emit(std::span<const std::uint8_t>(fragment));
    message = message.subspan(take);
    if (last) break;
  } while (true);
}

// The same fragments without copying: `buffer` is one spare byte followed
// by the message. Each fragment's flag is written into the byte just before
// its chunk (the spare byte, then the last byte of the previous chunk, which
// emit() has already consumed), so emit() sees exactly what
// for_each_fragment() would pass, and the message is left altered.
template <typename Emit>
void for_each_fragment_in_place(std::span<std::uint8_t> buffer, Emit&& emit) {
  if (buffer.empty()) core::misuse("session: for_each_fragment_in_place without a spare byte");
  const std::size_t size = buffer.size() - kFragmentHeaderLen;
  std::size_t offset = 0;
  while (true) {
    const std::size_t take = std::min(size - offset, kMaxFragmentChunk);
    const bool last = offset + take == size;
    buffer[offset] = last ? kFragmentLast : kFragmentMore;
    emit(std::span<const std::uint8_t>(buffer.data() + offset, kFragmentHeaderLen + take));
    offset += take;
    if (last) break;
  }
}

class Reassembler {
 public:
  explicit Reassembler(std::size_t max_message_len) : max_message_len_(max_message_len) {}

  // One transport plaintext in; a whole message out when it was the last
  // fragment. Errors are final for the session (the caller closes it).
  [[nodiscard]] core::Result<std::optional<std::vector<std::uint8_t>>> add(std::span<const std::uint8_t> plaintext);

  // The same, without copying: the message comes back as a view, valid
  // until the next call and while `plaintext` lives. A one-fragment message
  // is a view into `plaintext` itself.
  [[nodiscard]] core::Result<std::optional<std::span<const std::uint8_t>>> add_view(
      std::span<const std::uint8_t> plaintext);

  std::size_t buffered() const noexcept { return delivered_ ? 0 : buffer_.size(); }

 private:
  std::size_t max_message_len_;
  std::vector<std::uint8_t> buffer_;
  bool delivered_ = false;  // buffer_ holds the message last returned by add_view
};

}  // namespace tumar::session
