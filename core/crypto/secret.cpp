#include "core/crypto/secret.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <sodium.h>

#include "core/crypto/secret_arena.hpp"
#include "core/crypto/sodium.hpp"

namespace tumar::crypto {

SecretBuffer::SecretBuffer(std::size_t size) : size_(size) {
  ensure_sodium();
  if (size == 0) return;
  if (size <= SecretArena::kMaxSlotSize && SecretArena::enabled()) {
    const SecretArena::Block block = SecretArena::global().allocate(size);  // zero-filled; aborts on failure
    data_ = block.data;
    slot_size_ = block.slot_size;
    return;
  }
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) {
    std::fputs("tumar: cannot allocate protected memory for a secret\n", stderr);
    std::abort();
  }
  sodium_memzero(data_, size);
}

SecretBuffer::~SecretBuffer() { release(); }

void SecretBuffer::release() noexcept {
  if (data_ == nullptr) return;
  if (slot_size_ != 0) {
    SecretArena::global().release({data_, slot_size_});  // wipes the slot
  } else {
    sodium_free(data_);  // wipes before unmapping
  }
  data_ = nullptr;
  size_ = 0;
  slot_size_ = 0;
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      slot_size_(std::exchange(other.slot_size_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    slot_size_ = std::exchange(other.slot_size_, 0);
  }
  return *this;
}

SecretBuffer SecretBuffer::random(std::size_t size) {
  SecretBuffer b(size);
  if (size != 0) randombytes_buf(b.data_, size);
  return b;
}

SecretBuffer SecretBuffer::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBuffer b(bytes.size());
  if (!bytes.empty()) std::memcpy(b.data_, bytes.data(), bytes.size());
  return b;
}

void SecretBuffer::truncate(std::size_t new_size) noexcept {
  if (new_size >= size_) return;
  sodium_memzero(data_ + new_size, size_ - new_size);
  size_ = new_size;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(std::span<std::uint8_t> bytes) noexcept {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace tumar::crypto
