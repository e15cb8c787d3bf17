#include "core/crypto/secret_arena.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error.hpp"

// GCC says __SANITIZE_ADDRESS__, clang says __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define TUMAR_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TUMAR_ARENA_ASAN 1
#endif
#endif
#ifdef TUMAR_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace tumar::crypto {
namespace {

[[noreturn]] void die(const char* why) {
  std::fprintf(stderr, "tumar: %s\n", why);
  std::abort();
}

// Memory from sodium_malloc is invisible to ASan. Poisoning free slots (and
// the part of a slot past the requested length) makes ASan builds report a
// use-after-free or overflow of a secret as it happens; release builds
// compile these to nothing.
void poison(const std::uint8_t* p, std::size_t n) noexcept {
#ifdef TUMAR_ARENA_ASAN
  ASAN_POISON_MEMORY_REGION(p, n);
#else
  (void)p;
  (void)n;
#endif
}

void unpoison(const std::uint8_t* p, std::size_t n) noexcept {
#ifdef TUMAR_ARENA_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
  (void)p;
  (void)n;
#endif
}

// class_for() relies on ascending sizes; 16-byte multiples keep every slot
// 16-byte aligned (and ASan's 8-byte granules whole).
constexpr bool slot_sizes_ascend_in_16s() {
  for (std::size_t i = 0; i < SecretArena::kSlotSizes.size(); ++i) {
    if (SecretArena::kSlotSizes[i] % 16 != 0) return false;
    if (i > 0 && SecretArena::kSlotSizes[i] <= SecretArena::kSlotSizes[i - 1]) return false;
  }
  return true;
}
static_assert(slot_sizes_ascend_in_16s());

}  // namespace

std::atomic<bool> SecretArena::enabled_{true};

SecretArena::SecretArena() {
  ensure_sodium();
  for (std::size_t i = 0; i < kSlotSizes.size(); ++i) classes_[i].slot_size = kSlotSizes[i];
}

SecretArena::~SecretArena() {
  if (live_slots_ != 0) core::misuse("SecretArena: a secret arena was destroyed while secrets still live in it");
  for (auto& [addr, region] : regions_) {
    // sodium_free wipes the region; ASan must not take that for a use of
    // free slots, nor keep the poison for whatever is mapped here next.
    unpoison(region.base, region.slot_count * region.slot_size);
    sodium_free(region.base);
  }
}

SecretArena& SecretArena::global() {
  // Deliberately never destroyed: a SecretBuffer with static storage duration
  // may be destroyed after any function-local static would be, and must still
  // find the arena to wipe and release its slot.
  static SecretArena* const arena = new SecretArena;
  return *arena;
}

void SecretArena::set_enabled(bool on) noexcept { enabled_.store(on, std::memory_order_relaxed); }

bool SecretArena::enabled() noexcept { return enabled_.load(std::memory_order_relaxed); }

SecretArena::SizeClass& SecretArena::class_for(std::size_t size) {
  for (SizeClass& cls : classes_) {
    if (size <= cls.slot_size) return cls;
  }
  core::misuse("SecretArena: no secret arena size class for this size");
}

SecretArena::Block SecretArena::allocate(std::size_t size) {
  if (size == 0 || size > kMaxSlotSize) core::misuse("SecretArena: secret arena asked for an unsupported size");
  const std::lock_guard lock(mu_);
  SizeClass& cls = class_for(size);
  if (cls.free.empty()) grow(cls);
  std::uint8_t* slot = cls.free.back();
  cls.free.pop_back();
  std::size_t index = 0;
  Region* region = find(slot, cls.slot_size, &index);
  if (region == nullptr || region->live[index]) die("secret arena free list is corrupt");
  region->live[index] = true;
  ++live_slots_;
  unpoison(slot, cls.slot_size);
  // Already wiped on release (and a new region is zeroed in grow()); zeroing
  // again costs a few stores and does not depend on every release path.
  std::memset(slot, 0, cls.slot_size);
  poison(slot + size, cls.slot_size - size);  // the slack is not the caller's
  return {slot, cls.slot_size};
}

void SecretArena::release(Block block) noexcept {
  const std::lock_guard lock(mu_);
  std::size_t index = 0;
  Region* region = find(block.data, block.slot_size, &index);
  if (region == nullptr || !region->live[index]) {
    core::misuse("SecretArena: released a secret that is not live in the arena");
  }
  unpoison(block.data, block.slot_size);
  sodium_memzero(block.data, block.slot_size);
  poison(block.data, block.slot_size);
  region->live[index] = false;
  --live_slots_;
  class_for(block.slot_size).free.push_back(block.data);  // capacity reserved in grow(): cannot throw
}

void SecretArena::grow(SizeClass& cls) {
  const std::size_t count = kRegionBytes / cls.slot_size;
  const std::size_t bytes = count * cls.slot_size;
  // sodium_malloc puts the block at the end of its pages, against the trailing
  // guard page; bytes is a multiple of 16, so every slot is 16-byte aligned.
  auto* base = static_cast<std::uint8_t*>(sodium_malloc(bytes));
  if (base == nullptr) die("cannot allocate protected memory for secrets");
  sodium_memzero(base, bytes);  // sodium_malloc fills with 0xdb
  try {
    cls.free.reserve(cls.total_slots + count);
    regions_.emplace(reinterpret_cast<std::uintptr_t>(base),
                     Region{base, cls.slot_size, count, std::vector<bool>(count, false)});
  } catch (const std::bad_alloc&) {
    die("cannot allocate bookkeeping for protected memory");
  }
  cls.total_slots += count;
  poison(base, bytes);
  // Pushed high to low so the lowest address is handed out first.
  for (std::size_t i = count; i-- > 0;) cls.free.push_back(base + i * cls.slot_size);
}

SecretArena::Region* SecretArena::find(const std::uint8_t* p, std::size_t slot_size, std::size_t* index) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  auto it = regions_.upper_bound(addr);
  if (it == regions_.begin()) return nullptr;
  --it;
  Region& region = it->second;
  const std::uintptr_t offset = addr - it->first;
  if (region.slot_size != slot_size || offset >= region.slot_count * region.slot_size || offset % slot_size != 0) {
    return nullptr;
  }
  *index = offset / slot_size;
  return &region;
}

SecretArena::Stats SecretArena::stats() const {
  const std::lock_guard lock(mu_);
  std::size_t free_slots = 0;
  for (const SizeClass& cls : classes_) free_slots += cls.free.size();
  return {regions_.size(), live_slots_, free_slots};
}

bool SecretArena::free_slot_is_wiped(Block block) {
  const std::lock_guard lock(mu_);
  std::size_t index = 0;
  Region* region = find(block.data, block.slot_size, &index);
  if (region == nullptr || region->live[index]) return false;
  unpoison(block.data, block.slot_size);
  const bool zero = sodium_is_zero(block.data, block.slot_size) == 1;
  poison(block.data, block.slot_size);
  return zero;
}

}  // namespace tumar::crypto
