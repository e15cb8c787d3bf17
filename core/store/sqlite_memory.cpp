#include "core/store/sqlite_memory.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <sodium.h>
#include <sqlite3.h>

#include "core/crypto/sodium.hpp"
#include "core/store/memory_lock.hpp"

namespace tumar::store {
namespace {

// Each block carries its usable size in a header, as SQLite's own
// mem1.c does, so xSize and the wipe know how much to clear. 16 bytes keep
// the returned pointer 16-aligned like malloc's.
constexpr std::size_t kHeader = 16;
static_assert(kHeader >= sizeof(std::size_t));

std::atomic<std::int64_t> g_fail_after{-1};
std::atomic<std::int64_t> g_count{0};
std::atomic<std::int64_t> g_injected{0};

bool should_fail() {
  const std::int64_t limit = g_fail_after.load(std::memory_order_relaxed);
  if (limit < 0) return false;
  if (g_count.fetch_add(1, std::memory_order_relaxed) < limit) return false;
  g_injected.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::size_t& size_of_block(void* user) {
  return *reinterpret_cast<std::size_t*>(static_cast<unsigned char*>(user) - kHeader);
}

void* x_malloc(int n) {
  if (n <= 0 || should_fail()) return nullptr;
  auto* raw = static_cast<unsigned char*>(std::malloc(kHeader + static_cast<std::size_t>(n)));
  if (raw == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(raw) = static_cast<std::size_t>(n);
  return raw + kHeader;
}

void x_free(void* p) {
  if (p == nullptr) return;
  unsigned char* raw = static_cast<unsigned char*>(p) - kHeader;
  sodium_memzero(raw, kHeader + size_of_block(p));
  std::free(raw);
}

int x_size(void* p) { return p == nullptr ? 0 : static_cast<int>(size_of_block(p)); }

// Never the C realloc: it may move the block and leave the old copy behind
// unwiped.
void* x_realloc(void* p, int n) {
  if (p == nullptr) return x_malloc(n);
  void* fresh = x_malloc(n);
  if (fresh == nullptr) return nullptr;  // SQLite keeps the old block on failure
  const std::size_t old_size = size_of_block(p);
  std::memcpy(fresh, p, old_size < static_cast<std::size_t>(n) ? old_size : static_cast<std::size_t>(n));
  x_free(p);
  return fresh;
}

int x_roundup(int n) { return (n + 7) & ~7; }
int x_init(void*) { return SQLITE_OK; }
void x_shutdown(void*) {}

const sqlite3_mem_methods kMethods = {x_malloc, x_free, x_realloc, x_size, x_roundup, x_init, x_shutdown, nullptr};

std::once_flag g_once;
bool g_installed = false;

}  // namespace

bool install_wiping_allocator() {
  std::call_once(g_once, [] {
    crypto::ensure_sodium();
    // SQLITE_MISUSE here means sqlite3_initialize already ran with another
    // allocator; we report it instead of pretending.
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &kMethods) != SQLITE_OK) return;
    lock_sqlite_memory();  // locked memory for the page cache, or all of it
    g_installed = sqlite3_initialize() == SQLITE_OK;
  });
  return g_installed;
}

void set_allocation_failure_after(std::int64_t n) {
  g_count.store(0, std::memory_order_relaxed);
  g_injected.store(0, std::memory_order_relaxed);
  g_fail_after.store(n, std::memory_order_relaxed);
}

std::int64_t injected_allocation_failures() { return g_injected.load(std::memory_order_relaxed); }

}  // namespace tumar::store
