#include "core/crypto/secret_arena.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <sodium.h>

#if defined(__SANITIZE_ADDRESS__)
#define TUMAR_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TUMAR_TEST_ASAN 1
#endif
#endif

// Each test uses an arena of its own, so the global one (and the secrets
// other tests hold in it) cannot disturb the counts.

namespace tumar::crypto {
namespace {

using Block = SecretArena::Block;

bool all_zero(const std::uint8_t* p, std::size_t n) { return sodium_is_zero(p, n) == 1; }

std::size_t slots_per_region(std::size_t slot_size) { return SecretArena::kRegionBytes / slot_size; }

TEST(SecretArena, PicksTheSmallestClassThatFits) {
  SecretArena arena;
  const std::vector<std::pair<std::size_t, std::size_t>> cases = {
      {1, 32}, {16, 32}, {32, 32}, {33, 64}, {64, 64}, {65, 128}, {128, 128}, {129, 256}, {256, 256}};
  for (const auto& [size, slot] : cases) {
    const Block b = arena.allocate(size);
    EXPECT_EQ(b.slot_size, slot) << "size " << size;
    arena.release(b);
  }
  EXPECT_EQ(arena.stats().live_slots, 0u);
}

TEST(SecretArena, SlotsAreDistinctAlignedAndZeroedAcrossRegions) {
  SecretArena arena;
  // Enough 32-byte slots to need four regions, and a 64-byte one whose region
  // sits among them: no two blocks may overlap.
  const std::size_t n = 3 * slots_per_region(32) + 7;
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < n; ++i) blocks.push_back(arena.allocate(32));
  blocks.push_back(arena.allocate(64));
  EXPECT_EQ(arena.stats().regions, 5u);
  EXPECT_EQ(arena.stats().live_slots, n + 1);

  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
  for (const Block& b : blocks) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data) % 16, 0u);
    EXPECT_TRUE(all_zero(b.data, b.slot_size));  // new regions come from sodium_malloc, which fills with 0xdb
    const auto start = reinterpret_cast<std::uintptr_t>(b.data);
    ranges.emplace_back(start, start + b.slot_size);
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) EXPECT_LE(ranges[i - 1].second, ranges[i].first);

  // Write every slot in full, then check none was overwritten by another.
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    std::memset(blocks[i].data, static_cast<int>(i % 251 + 1), blocks[i].slot_size);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::vector<std::uint8_t> want(blocks[i].slot_size, static_cast<std::uint8_t>(i % 251 + 1));
    EXPECT_EQ(std::memcmp(blocks[i].data, want.data(), want.size()), 0) << "block " << i;
  }
  for (const Block& b : blocks) arena.release(b);
  EXPECT_EQ(arena.stats().live_slots, 0u);
  EXPECT_EQ(arena.stats().free_slots, 4 * slots_per_region(32) + slots_per_region(64));
}

TEST(SecretArena, ReleaseWipesTheWholeSlot) {
  SecretArena arena;
  const Block b = arena.allocate(32);
  std::memset(b.data, 0xa5, 32);
  EXPECT_FALSE(arena.free_slot_is_wiped(b));  // live: the hook refuses to look
  arena.release(b);
  EXPECT_TRUE(arena.free_slot_is_wiped(b));
}

TEST(SecretArena, AReleasedSlotIsReusedAndHandedOutZeroed) {
  SecretArena arena;
  const Block first = arena.allocate(100);
  std::memset(first.data, 0x5a, 100);
  arena.release(first);
  const Block again = arena.allocate(128);
  EXPECT_EQ(again.data, first.data);  // LIFO: the slot still in cache comes back first
  EXPECT_TRUE(all_zero(again.data, again.slot_size));
  arena.release(again);

  // Churn does not grow the arena: one region per class used, however often.
  for (int i = 0; i < 10'000; ++i) {
    const Block b = arena.allocate(32);
    b.data[0] = 1;
    arena.release(b);
  }
  EXPECT_EQ(arena.stats().regions, 2u);  // the 128-byte region and the 32-byte one
}

TEST(SecretArena, ManyThreadsAllocateAndReleaseWithoutCorruption) {
  SecretArena arena;
  constexpr int kThreads = 8;
  constexpr int kRounds = 2'000;
  struct Held {
    Block block;
    std::size_t size;
    std::uint8_t tag;
  };
  std::vector<int> failures(kThreads, 0);
  std::vector<std::vector<Block>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&arena, &failures, &seen, t] {
      std::mt19937 gen(static_cast<std::uint32_t>(t));
      std::uniform_int_distribution<std::size_t> size_dist(1, SecretArena::kMaxSlotSize);
      std::vector<Held> held;
      auto check_and_release = [&](const Held& h) {
        for (std::size_t i = 0; i < h.size; ++i) {
          if (h.block.data[i] != h.tag) ++failures[t];
        }
        arena.release(h.block);
      };
      for (int round = 0; round < kRounds; ++round) {
        const std::size_t size = size_dist(gen);
        const Block b = arena.allocate(size);
        seen[t].push_back(b);
        if (!all_zero(b.data, size)) ++failures[t];
        const auto tag = static_cast<std::uint8_t>(t * 31 + round % 7 + 1);
        std::memset(b.data, tag, size);
        held.push_back({b, size, tag});
        // Keep up to 40 live and release a random one, so slots pass between
        // threads and every class is in use at once.
        if (held.size() > 40) {
          const std::size_t victim = gen() % held.size();
          check_and_release(held[victim]);
          held.erase(held.begin() + static_cast<std::ptrdiff_t>(victim));
        }
      }
      for (const Held& h : held) check_and_release(h);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(arena.stats().live_slots, 0u);
  std::set<std::uint8_t*> distinct;
  for (const auto& blocks : seen) {
    for (const Block& b : blocks) {
      if (distinct.insert(b.data).second) {
        EXPECT_TRUE(arena.free_slot_is_wiped(b));
      }
    }
  }
}

class SecretArenaDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(SecretArenaDeathTest, MisuseAborts) {
  SecretArena arena;
  EXPECT_DEATH(arena.allocate(0), "unsupported size");
  EXPECT_DEATH(arena.allocate(SecretArena::kMaxSlotSize + 1), "unsupported size");

  const Block b = arena.allocate(32);
  EXPECT_DEATH(arena.release({b.data, 64}), "not live");           // wrong class
  EXPECT_DEATH(arena.release({b.data + 16, 32}), "not live");      // not a slot start
  std::uint8_t outside[32] = {};
  EXPECT_DEATH(arena.release({outside, 32}), "not live");          // not the arena's
  arena.release(b);
  EXPECT_DEATH(arena.release(b), "not live");                      // double free
  EXPECT_DEATH(
      {
        SecretArena doomed;
        (void)doomed.allocate(32);
      },
      "still live");
}

#ifdef TUMAR_TEST_ASAN
// Release builds cannot catch these (no guard page between slots); ASan
// builds must, or a use-after-free of a key would go unnoticed in tests.
TEST_F(SecretArenaDeathTest, AsanCatchesUseAfterReleaseAndOverflowIntoTheSlack) {
  SecretArena arena;
  const Block b = arena.allocate(20);
  volatile std::uint8_t* p = b.data;
  p[19] = 1;  // the caller's bytes: fine
  EXPECT_DEATH(p[20] = 1, "use-after-poison");
  arena.release(b);
  EXPECT_DEATH((void)p[0], "use-after-poison");
}
#endif

}  // namespace
}  // namespace tumar::crypto
