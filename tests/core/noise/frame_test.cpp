// Framing: 2-byte big-endian length || Noise message, decoded sans-I/O.

#include "core/error_ids.hpp"
#include "core/noise/frame.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tumar::noise {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes body(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

// Feeds `stream` in the given chunks; collects every frame; stops at an error.
core::Result<std::vector<Bytes>> decode(FrameDecoder& dec, const Bytes& stream, const std::vector<std::size_t>& cuts) {
  std::vector<Bytes> frames;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) -> core::Result<void> {
    std::span<const std::uint8_t> in(stream.data() + from, to - from);
    while (!in.empty()) {
      auto f = dec.next(in);
      if (!f) return tl::unexpected<core::Error>(f.error());
      if (*f) frames.push_back(std::move(**f));
    }
    from = to;
    return {};
  };
  for (std::size_t cut : cuts) {
    if (auto r = feed(cut); !r) return tl::unexpected<core::Error>(r.error());
  }
  if (auto r = feed(stream.size()); !r) return tl::unexpected<core::Error>(r.error());
  return frames;
}

TEST(Frame, AppendWritesBigEndianLength) {
  Bytes out;
  append_frame(body(0x0102, 1), out);
  ASSERT_EQ(out.size(), 2u + 0x0102);
  EXPECT_EQ(out[0], 0x01);
  EXPECT_EQ(out[1], 0x02);
  out.clear();
  append_frame(body(kMaxFrameLen, 3), out);
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(out[1], 0xFF);
}

TEST(FrameDecoder, SplitAtEveryByteBoundary) {
  const std::vector<Bytes> sent = {body(1, 1), body(17, 2), body(300, 3), body(2, 4)};
  Bytes stream;
  for (const auto& b : sent) append_frame(b, stream);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder dec;
    auto got = decode(dec, stream, {cut});
    ASSERT_TRUE(got) << cut;
    EXPECT_EQ(*got, sent) << "cut at " << cut;
    EXPECT_EQ(dec.buffered(), 0u);
  }
  // Two cuts at every pair of positions in the first 40 bytes, and one byte at a time.
  for (std::size_t a = 0; a < 40; ++a) {
    for (std::size_t b = a; b < 40; ++b) {
      FrameDecoder dec;
      auto got = decode(dec, stream, {a, b});
      ASSERT_TRUE(got);
      EXPECT_EQ(*got, sent);
    }
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  FrameDecoder dec;
  auto got = decode(dec, stream, every);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, sent);
}

TEST(FrameDecoder, ManyFramesInOneChunkComeOutOneByOne) {
  Bytes stream;
  append_frame(body(5, 1), stream);
  append_frame(body(6, 2), stream);
  FrameDecoder dec;
  std::span<const std::uint8_t> in(stream);
  auto f1 = dec.next(in);
  ASSERT_TRUE(f1 && *f1);
  EXPECT_EQ(**f1, body(5, 1));
  EXPECT_EQ(in.size(), 2u + 6u);  // the rest is left for the next call
  auto f2 = dec.next(in);
  ASSERT_TRUE(f2 && *f2);
  EXPECT_EQ(**f2, body(6, 2));
  EXPECT_TRUE(in.empty());
  auto f3 = dec.next(in);
  ASSERT_TRUE(f3);
  EXPECT_FALSE(*f3);
}

TEST(FrameDecoder, OversizedLengthFailsBeforeAnyBodyIsBuffered) {
  FrameDecoder dec(100);
  const Bytes header = {0x00, 101};
  std::span<const std::uint8_t> in(header);
  auto r = dec.next(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kLimit);
  EXPECT_EQ(r.error().id(), core::ErrorId::kNoiseFrameTooLong);
  EXPECT_EQ(r.error().field("size"), "101");
  EXPECT_LE(dec.buffered(), kFrameHeaderLen);
  // Never clamped, never resumed: the same error from now on.
  Bytes ok;
  append_frame(body(3, 3), ok);
  std::span<const std::uint8_t> in2(ok);
  auto again = dec.next(in2);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().describe(), r.error().describe());
}

TEST(FrameDecoder, OversizedLengthSplitAcrossChunks) {
  FrameDecoder dec(1000);
  const Bytes h1 = {0xFF};
  const Bytes h2 = {0xFF, 0, 0, 0};
  std::span<const std::uint8_t> in1(h1);
  auto r1 = dec.next(in1);
  ASSERT_TRUE(r1);
  EXPECT_FALSE(*r1);
  std::span<const std::uint8_t> in2(h2);
  auto r2 = dec.next(in2);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code(), core::Errc::kLimit);
}

TEST(FrameDecoder, LimitIsInclusive) {
  FrameDecoder dec(100);
  Bytes stream;
  append_frame(body(100, 9), stream);
  auto got = decode(dec, stream, {});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  FrameDecoder full;  // default: the whole 2-byte range
  Bytes big;
  append_frame(body(kMaxFrameLen, 1), big);
  auto got2 = decode(full, big, {7, 40000});
  ASSERT_TRUE(got2);
  EXPECT_EQ((*got2)[0].size(), kMaxFrameLen);
}

TEST(FrameDecoder, ZeroLengthIsAnError) {
  FrameDecoder dec;
  const Bytes stream = {0x00, 0x00, 0x00, 0x01, 0xAA};
  auto got = decode(dec, stream, {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), core::Errc::kProtocol);
}

TEST(FrameDecoder, IncompleteFrameWaits) {
  FrameDecoder dec;
  const Bytes partial = {0x00, 0x05, 1, 2};
  std::span<const std::uint8_t> in(partial);
  auto r = dec.next(in);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(dec.buffered(), 4u);
  std::span<const std::uint8_t> empty;
  auto r2 = dec.next(empty);
  ASSERT_TRUE(r2);
  EXPECT_FALSE(*r2);
}

}  // namespace
}  // namespace tumar::noise

namespace tumar::noise {
namespace {
TEST(FrameDecoderViewTest, AWholeFrameInTheInputIsAViewIntoItAndASplitOneIsAssembled) {
  std::vector<std::uint8_t> wire;
  append_frame(std::vector<std::uint8_t>{1, 2, 3}, wire);
  append_frame(std::vector<std::uint8_t>{4, 5, 6, 7}, wire);
  FrameDecoder d;
  std::span<const std::uint8_t> input(wire);
  auto first = d.next_view(input);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->data(), wire.data() + 2) << "no copy";
  EXPECT_EQ(std::vector<std::uint8_t>((*first)->begin(), (*first)->end()), (std::vector<std::uint8_t>{1, 2, 3}));
  // The second frame arrives in two pieces.
  std::span<const std::uint8_t> part1 = input.first(3), part2 = input.subspan(3);
  auto none = d.next_view(part1);
  ASSERT_TRUE(none && !*none);
  EXPECT_EQ(d.buffered(), 3u);
  auto second = d.next_view(part2);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ(std::vector<std::uint8_t>((*second)->begin(), (*second)->end()), (std::vector<std::uint8_t>{4, 5, 6, 7}));
  EXPECT_EQ(d.buffered(), 0u);
  std::span<const std::uint8_t> empty;
  auto after = d.next_view(empty);
  ASSERT_TRUE(after && !*after);
}
}  // namespace
}  // namespace tumar::noise
