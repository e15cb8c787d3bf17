#include "core/crypto/secret.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

#include <sodium.h>

#include "core/crypto/secret_arena.hpp"

// SecretBuffer over the global SecretArena: small secrets take a slot, large
// ones keep their own sodium_malloc. Counts are deltas, since other code in
// this process may hold secrets of its own.

namespace tumar::crypto {
namespace {

std::size_t live_in_arena() { return SecretArena::global().stats().live_slots; }

bool all_zero(std::span<const std::uint8_t> s) { return sodium_is_zero(s.data(), s.size()) == 1; }

// Restores the arena switch even if an assertion fails.
class ArenaSwitch {
 public:
  explicit ArenaSwitch(bool on) : before_(SecretArena::enabled()) { SecretArena::set_enabled(on); }
  ~ArenaSwitch() { SecretArena::set_enabled(before_); }
  ArenaSwitch(const ArenaSwitch&) = delete;
  ArenaSwitch& operator=(const ArenaSwitch&) = delete;

 private:
  bool before_;
};

TEST(SecretBuffer, SmallSecretsTakeAnArenaSlotAndLargeOnesDoNot) {
  const std::size_t before = live_in_arena();
  {
    SecretBuffer key(32);
    Secret<64> identity;
    SecretBuffer largest_small(SecretArena::kMaxSlotSize);
    EXPECT_EQ(live_in_arena(), before + 3);
    SecretBuffer large(SecretArena::kMaxSlotSize + 1);
    SecretBuffer empty(0);
    EXPECT_EQ(live_in_arena(), before + 3);
    EXPECT_TRUE(all_zero(key.span()));
    EXPECT_TRUE(all_zero(identity.span()));
    EXPECT_TRUE(all_zero(large.span()));
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(empty.data(), nullptr);
  }
  EXPECT_EQ(live_in_arena(), before);
}

TEST(SecretBuffer, DestructionWipesTheSlot) {
  std::uint8_t* where = nullptr;
  {
    auto s = Secret<32>::random();
    ASSERT_FALSE(all_zero(s.span()));  // 2^-256 to fail spuriously
    where = s.data();
  }
  // Read through the arena's hook, not through the dead Secret.
  EXPECT_TRUE(SecretArena::global().free_slot_is_wiped({where, 32}));
}

TEST(SecretBuffer, MovesTransferTheSlotAndMoveAssignmentReleasesTheOldOne) {
  const std::size_t before = live_in_arena();
  auto a = SecretBuffer::random(32);
  const std::uint8_t* where = a.data();
  SecretBuffer b(std::move(a));
  EXPECT_EQ(b.data(), where);
  EXPECT_EQ(b.size(), 32u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(live_in_arena(), before + 1);

  SecretBuffer c(128);
  std::uint8_t* old_c = c.data();
  c = std::move(b);
  EXPECT_EQ(c.data(), where);
  EXPECT_EQ(live_in_arena(), before + 1);
  EXPECT_TRUE(SecretArena::global().free_slot_is_wiped({old_c, 128}));

  auto& self = c;
  c = std::move(self);  // self-move keeps the secret
  EXPECT_EQ(c.data(), where);
}

TEST(SecretBuffer, TruncateWipesTheTailAndTheSlotStillGoesBackWhole) {
  const std::size_t before = live_in_arena();
  std::uint8_t* where = nullptr;
  {
    auto s = SecretBuffer::copy_of(std::vector<std::uint8_t>(40, 0x77));  // a 64-byte slot
    where = s.data();
    s.truncate(3);
    EXPECT_EQ(s.size(), 3u);
    EXPECT_TRUE(all_zero({s.data() + 3, 37}));  // inside the allocation; wiped
    EXPECT_EQ(s.data()[2], 0x77);
    s.truncate(10);  // growing is not truncating: no change
    EXPECT_EQ(s.size(), 3u);
  }
  EXPECT_EQ(live_in_arena(), before);
  EXPECT_TRUE(SecretArena::global().free_slot_is_wiped({where, 64}));  // released to its own class
}

TEST(SecretBuffer, LargeSecretsStillWork) {
  std::vector<std::uint8_t> bytes(5000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + 1);
  auto s = SecretBuffer::copy_of(bytes);
  ASSERT_EQ(s.size(), bytes.size());
  EXPECT_TRUE(constant_time_equal(s.span(), bytes));
  s.truncate(1025);
  EXPECT_TRUE(all_zero({s.data() + 1025, bytes.size() - 1025}));
  SecretBuffer moved(std::move(s));
  EXPECT_EQ(moved.size(), 1025u);
  EXPECT_TRUE(constant_time_equal(moved.span(), std::span<const std::uint8_t>(bytes.data(), 1025)));
  auto r = SecretBuffer::random(4096);
  EXPECT_FALSE(all_zero(r.span()));
}

TEST(SecretBuffer, WithTheArenaOffSmallSecretsGetTheirOwnAllocation) {
  const std::size_t before = live_in_arena();
  SecretBuffer made_with_arena(32);
  {
    const ArenaSwitch off(false);
    auto s = Secret<32>::random();
    EXPECT_EQ(live_in_arena(), before + 1);
    SecretBuffer made_without(32);
    made_with_arena = std::move(made_without);  // releases the slot; now owns a sodium_malloc block
    EXPECT_EQ(live_in_arena(), before);
  }
  EXPECT_EQ(made_with_arena.size(), 32u);  // freed by sodium_free at scope end, arena back on
}

TEST(SecretBuffer, SecretsFromManyThreadsStayIntact) {
  constexpr int kThreads = 8;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&failures, t] {
      for (int i = 0; i < 1'000; ++i) {
        auto k = Secret<32>::random();
        auto copy = Secret<32>::copy_of(k.span());
        SecretBuffer state(128);
        for (auto& byte : state.span()) byte = static_cast<std::uint8_t>(t);
        auto other = SecretBuffer::random(static_cast<std::size_t>(1 + (i * 37) % 300));  // both paths
        if (!constant_time_equal(k.span(), copy.span())) ++failures[t];
        for (std::uint8_t byte : state.span()) {
          if (byte != static_cast<std::uint8_t>(t)) ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace tumar::crypto
