// Fragments: splitting, reassembly, and refusal of non-canonical or
// oversized input before it is buffered.

#include "core/session/fragment.hpp"

#include <gtest/gtest.h>

namespace tumar::session {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> split(const Bytes& message) {
  std::vector<Bytes> out;
  for_each_fragment(message, [&](std::span<const std::uint8_t> f) { out.emplace_back(f.begin(), f.end()); });
  return out;
}

TEST(FragmentTest, SmallMessageIsOneLastFragment) {
  auto frags = split(Bytes{1, 2, 3});
  ASSERT_EQ(frags.size(), 1u);
  EXPECT_EQ(frags[0], (Bytes{kFragmentLast, 1, 2, 3}));
}

TEST(FragmentTest, EmptyMessageIsOneEmptyLastFragment) {
  auto frags = split(Bytes{});
  ASSERT_EQ(frags.size(), 1u);
  EXPECT_EQ(frags[0], Bytes{kFragmentLast});
}

TEST(FragmentTest, ExactlyOneChunkNeedsNoSecondFragment) {
  auto frags = split(Bytes(kMaxFragmentChunk, 7));
  ASSERT_EQ(frags.size(), 1u);
  EXPECT_EQ(frags[0].size(), noise::kMaxPlaintextLen);
}

TEST(FragmentTest, RoundTripAcrossSizes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kMaxFragmentChunk - 1, kMaxFragmentChunk,
                           kMaxFragmentChunk + 1, 3 * kMaxFragmentChunk, 3 * kMaxFragmentChunk + 17}) {
    Bytes message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::uint8_t>(i * 31);
    Reassembler r(4 * kMaxFragmentChunk);
    std::optional<Bytes> whole;
    auto frags = split(message);
    for (std::size_t i = 0; i < frags.size(); ++i) {
      auto got = r.add(frags[i]);
      ASSERT_TRUE(got) << got.error().describe();
      EXPECT_EQ(got->has_value(), i + 1 == frags.size());
      if (*got) whole = std::move(**got);
    }
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(*whole, message) << size;
    EXPECT_EQ(r.buffered(), 0u);
  }
}

TEST(FragmentTest, UnknownFlagIsRefused) {
  Reassembler r(1 << 20);
  auto got = r.add(Bytes{0x02, 1});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), core::Errc::kProtocol);
}

TEST(FragmentTest, EmptyPlaintextIsRefused) {
  Reassembler r(1 << 20);
  EXPECT_FALSE(r.add(Bytes{}));
}

TEST(FragmentTest, ShortNonFinalFragmentIsRefused) {
  Reassembler r(1 << 20);
  auto got = r.add(Bytes{kFragmentMore, 1, 2, 3});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), core::Errc::kProtocol);
}

TEST(FragmentTest, MessageOverTheLimitIsRefusedBeforeBuffering) {
  Reassembler r(kMaxFragmentChunk + 10);
  Bytes more(1 + kMaxFragmentChunk, 0);
  more[0] = kFragmentMore;
  ASSERT_TRUE(r.add(more));
  EXPECT_EQ(r.buffered(), kMaxFragmentChunk);
  auto got = r.add(Bytes(12, 0));  // 11 more bytes: one over
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), core::Errc::kLimit);
  EXPECT_EQ(r.buffered(), kMaxFragmentChunk) << "nothing appended";
}

TEST(FragmentTest, MessageExactlyAtTheLimitIsAccepted) {
  Reassembler r(10);
  Bytes last(11, 5);
  last[0] = kFragmentLast;
  auto got = r.add(last);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->size(), 10u);
}

}  // namespace
}  // namespace tumar::session

namespace tumar::session {
namespace {
TEST(FragmentTest, InPlaceSplittingPassesExactlyWhatCopyingDoes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{5}, kMaxFragmentChunk, kMaxFragmentChunk + 1,
                           2 * kMaxFragmentChunk + 3}) {
    Bytes message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::uint8_t>(i * 13 + 1);
    std::vector<Bytes> copied = split(message);
    Bytes buffer(1 + size);
    std::copy(message.begin(), message.end(), buffer.begin() + 1);
    std::vector<Bytes> in_place;
    for_each_fragment_in_place(buffer, [&](std::span<const std::uint8_t> f) { in_place.emplace_back(f.begin(), f.end()); });
    EXPECT_EQ(in_place, copied) << size;
  }
}
}  // namespace
}  // namespace tumar::session

namespace tumar::session {
namespace {
TEST(FragmentTest, ViewsAvoidCopiesAndReuseTheBuffer) {
  Reassembler r(1 << 20);
  Bytes single{kFragmentLast, 9, 8};
  auto one = r.add_view(single);
  ASSERT_TRUE(one && *one);
  EXPECT_EQ((*one)->data(), single.data() + 1) << "a one-fragment message is not copied";
  Bytes more(1 + kMaxFragmentChunk, 1);
  more[0] = kFragmentMore;
  ASSERT_TRUE(r.add_view(more));
  auto two = r.add_view(Bytes{kFragmentLast, 2});
  ASSERT_TRUE(two && *two);
  EXPECT_EQ((*two)->size(), kMaxFragmentChunk + 1);
  EXPECT_EQ((*two)->back(), 2);
  EXPECT_EQ(r.buffered(), 0u);
  auto three = r.add_view(single);
  ASSERT_TRUE(three && *three);
  EXPECT_EQ((*three)->size(), 2u);
}
}  // namespace
}  // namespace tumar::session
