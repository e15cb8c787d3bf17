// Fuzz target: FrameDecoder against a naive reference decoder.
// Input: byte 0 picks the frame limit, byte 1 the chunk size; the rest is the
// byte stream, fed in chunks. The decoder must produce exactly the frames the
// reference finds (whole stream at once), fail exactly where the reference
// fails, never hold more than one frame plus header, and stay failed.
// Seeds: tests/fuzz/corpus/frame_decoder/ (written by FuzzSeeds tests).

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "core/noise/frame.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Reference {
  std::vector<Bytes> frames;
  bool error = false;  // a zero or oversized length was announced
};

Reference reference(std::span<const std::uint8_t> s, std::size_t limit) {
  Reference r;
  std::size_t at = 0;
  while (s.size() - at >= 2) {
    const std::size_t len = (std::size_t{s[at]} << 8) | s[at + 1];
    if (len == 0 || len > limit) {
      r.error = true;
      return r;
    }
    if (s.size() - at - 2 < len) break;
    r.frames.emplace_back(s.begin() + static_cast<std::ptrdiff_t>(at + 2),
                          s.begin() + static_cast<std::ptrdiff_t>(at + 2 + len));
    at += 2 + len;
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Limits from tiny to the full 2-byte range.
  const std::size_t limit = data[0] == 0xFF ? tumar::noise::kMaxFrameLen : std::size_t{data[0]} * 16 + 1;
  const std::size_t chunk = std::size_t{data[1]} + 1;
  const std::span<const std::uint8_t> stream(data + 2, size - 2);
  const Reference expected = reference(stream, limit);

  tumar::noise::FrameDecoder dec(limit);
  std::vector<Bytes> frames;
  std::optional<tumar::core::Error> error;
  for (std::size_t at = 0; at < stream.size() && !error; at += chunk) {
    std::span<const std::uint8_t> in = stream.subspan(at, std::min(chunk, stream.size() - at));
    while (!in.empty()) {
      auto f = dec.next(in);
      if (!f) {
        error = f.error();
        break;
      }
      if (*f) {
        if ((*f)->empty() || (*f)->size() > limit) std::abort();
        frames.push_back(std::move(**f));
      }
      if (dec.buffered() > limit + tumar::noise::kFrameHeaderLen) std::abort();
    }
  }
  if (frames != expected.frames) std::abort();
  if (error.has_value() != expected.error) std::abort();
  if (error) {
    std::span<const std::uint8_t> more = stream;
    auto again = dec.next(more);
    if (again || again.error().describe() != error->describe()) std::abort();
  }
  return 0;
}
