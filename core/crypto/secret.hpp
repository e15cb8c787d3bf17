#pragma once
// Secret material lives only in these types: in locked memory from
// sodium_malloc (mlock'd, excluded from core dumps by libsodium's
// MADV_DONTDUMP, behind guard pages), wiped on destruction, move-only, and
// without operator<<. Comparing two secrets is constant time. Allocation
// failure aborts: running on without the protection is worse than stopping.
//
// Secrets of up to SecretArena::kMaxSlotSize bytes (keys, the Noise state)
// take a slot in a SecretArena region instead of a sodium_malloc each: the
// region has the guard pages, not the slot. secret_arena.hpp says why that
// trade is made and why it is acceptable; larger secrets keep their own.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tumar::crypto {

class SecretBuffer {
 public:
  SecretBuffer() = default;
  explicit SecretBuffer(std::size_t size);  // zero-filled
  ~SecretBuffer();
  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;

  static SecretBuffer random(std::size_t size);
  static SecretBuffer copy_of(std::span<const std::uint8_t> bytes);

  std::uint8_t* data() noexcept { return data_; }
  const std::uint8_t* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::span<std::uint8_t> span() noexcept { return {data_, size_}; }
  std::span<const std::uint8_t> span() const noexcept { return {data_, size_}; }

  // Shrinks the visible length (e.g. to strip a newline) without reallocating;
  // the bytes past the new end are wiped.
  void truncate(std::size_t new_size) noexcept;

 private:
  void release() noexcept;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  // Size of the arena slot holding data_, or 0 if data_ came from its own
  // sodium_malloc (or is null). Kept apart from size_, which truncate()
  // shrinks, because the slot goes back to the class it came from.
  std::size_t slot_size_ = 0;
};

// A fixed-size secret (a key). N is part of the type, so a 32-byte key cannot
// be passed where a 64-byte one is expected.
template <std::size_t N>
class Secret {
 public:
  static constexpr std::size_t kSize = N;
  Secret() : buf_(N) {}
  static Secret random() { return Secret(SecretBuffer::random(N)); }
  static Secret copy_of(std::span<const std::uint8_t, N> bytes) {
    return Secret(SecretBuffer::copy_of(bytes));
  }

  std::uint8_t* data() noexcept { return buf_.data(); }
  const std::uint8_t* data() const noexcept { return buf_.data(); }
  std::span<std::uint8_t, N> span() noexcept { return std::span<std::uint8_t, N>(buf_.data(), N); }
  std::span<const std::uint8_t, N> span() const noexcept {
    return std::span<const std::uint8_t, N>(buf_.data(), N);
  }

 private:
  explicit Secret(SecretBuffer b) : buf_(static_cast<SecretBuffer&&>(b)) {}
  SecretBuffer buf_;
};

// Constant-time equality (sodium_memcmp). Different lengths compare unequal;
// the length itself is not secret.
[[nodiscard]] bool constant_time_equal(std::span<const std::uint8_t> a,
                                       std::span<const std::uint8_t> b) noexcept;

// Wipes memory that is not a SecretBuffer (a stack temporary, say).
void wipe(std::span<std::uint8_t> bytes) noexcept;

}  // namespace tumar::crypto
