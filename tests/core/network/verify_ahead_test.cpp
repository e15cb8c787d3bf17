// VerifyAhead: a batch's signatures checked by a helper thread while the
// caller takes them in order. Whatever thread verified an envelope, the
// caller gets each envelope's own result at its own index, forged ones
// rejected, and stopping early leaves no thread behind.

#include "core/network/verify_ahead.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "network_test_support.hpp"

namespace tumar::network {
namespace {

using test::Bytes;

std::vector<Bytes> signed_batch(std::size_t n) {
  crypto::DeterministicRandom rng(5);
  const auto author = identity::LocalIdentity::generate(rng);
  NetworkId net;
  net.fill(0x42);
  std::array<std::uint8_t, 32> k{};
  k.fill(7);
  const auto key = crypto::Secret<32>::copy_of(k);
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string payload = "note " + std::to_string(i);
    out.push_back(test::craft(author, net, Kind::kNote, 1, test::kT0 + i, test::bytes_of(payload), key, rng));
  }
  return out;
}

bool two_cores() { return std::thread::hardware_concurrency() >= 2; }

TEST(VerifyAheadTest, EachResultIsItsOwnEnvelopesAtItsOwnIndexOnOneOrTwoThreads) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, kVerifyAheadMin - 1, kVerifyAheadMin, std::size_t{700}}) {
    auto batch = signed_batch(n);
    // Forged in the first envelope, the last, and every 37th: both threads
    // meet some.
    std::set<std::size_t> forged;
    for (std::size_t i = 0; i < n; i += 37) forged.insert(i);
    if (n > 0) forged.insert(n - 1);
    for (std::size_t i : forged) batch[i][batch[i].size() / 2] ^= 0x01;
    for (const bool use_thread : {true, false}) {
      SCOPED_TRACE(std::to_string(n) + (use_thread ? " with a helper" : " alone"));
      VerifyAhead ahead(batch, use_thread);
      EXPECT_EQ(ahead.threaded(), use_thread && n >= kVerifyAheadMin && two_cores());
      ASSERT_EQ(ahead.size(), n);
      for (std::size_t i = 0; i < n; ++i) {
        auto r = ahead.take(i);
        if (forged.count(i) != 0) {
          EXPECT_FALSE(r) << i;
        } else {
          ASSERT_TRUE(r) << i << ": " << r.error().describe();
          EXPECT_EQ(r->id(), object_id(batch[i])) << i;
        }
      }
    }
  }
}

TEST(VerifyAheadTest, StoppingPartWayJoinsTheHelperBeforeTheBatchGoes) {
  // A batch that fails part-way returns early: the helper must be stopped
  // and joined before the envelopes it reads are freed (ASan would see it
  // read freed memory otherwise).
  for (const std::size_t taken : {std::size_t{0}, std::size_t{1}, std::size_t{100}}) {
    auto batch = std::make_unique<std::vector<Bytes>>(signed_batch(400));
    {
      VerifyAhead ahead(*batch, true);
      for (std::size_t i = 0; i < taken; ++i) ASSERT_TRUE(ahead.take(i));
    }
    batch.reset();
  }
}

}  // namespace
}  // namespace tumar::network
