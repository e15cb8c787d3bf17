#include "core/store/memory_lock.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <sqlite3.h>

#include "core/store/page_cipher.hpp"

// AddressSanitizer maps terabytes of shadow memory; mlockall would try to
// account for all of it. Sanitizer builds lock the page cache only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TUMAR_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TUMAR_SANITIZED 1
#endif
#endif

namespace tumar::store {
namespace {

#ifdef TUMAR_SANITIZED
constexpr bool kMayLockEverything = false;
#else
constexpr bool kMayLockEverything = true;
#endif

// Enough for the largest cache a connection asks for (32 MiB while a
// replica stores a sync, database.cpp) and a default one beside it.
constexpr std::size_t kWantedPageCacheBytes = 40u << 20;
// Below this a locked cache would thrash; not worth having.
constexpr std::size_t kMinPageCacheBytes = 512u << 10;
// Left under the limit for libsodium: SecretArena's 16 KiB regions, a
// sodium_malloc per passphrase buffer. A node with thousands of handshakes
// in flight needs more; the arena's comment counts it.
constexpr std::size_t kReservedForSecrets = 1u << 20;
constexpr int kCapIpcLock = 14;  // linux/capability.h

MemoryLock g_lock;
void* g_region = nullptr;

// A field of /proc/self/status ("VmLck", "CapEff"), as its text.
std::string status_field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      std::istringstream rest(line.substr(name.size() + 1));
      std::string value;
      rest >> value;
      return value;
    }
  }
  return {};
}

// CAP_IPC_LOCK in the effective set: mlock ignores RLIMIT_MEMLOCK.
bool has_cap_ipc_lock() {
  const std::string hex = status_field("CapEff");
  if (hex.empty()) return false;
  try {
    return (std::stoull(hex, nullptr, 16) >> kCapIpcLock) & 1u;
  } catch (...) {
    return false;
  }
}

std::size_t locked_now_bytes() {
  const std::string kib = status_field("VmLck");
  if (kib.empty()) return 0;
  try {
    return static_cast<std::size_t>(std::stoull(kib)) * 1024;
  } catch (...) {
    return 0;
  }
}

// How much the page cache may lock: the soft limit, minus what is locked
// already, minus the reserve for secrets.
std::size_t page_cache_budget(rlim_t limit) {
  const std::size_t already = locked_now_bytes() + kReservedForSecrets;
  if (limit == RLIM_INFINITY) return kWantedPageCacheBytes;
  if (limit <= already) return 0;
  return std::min<std::size_t>(kWantedPageCacheBytes, static_cast<std::size_t>(limit) - already);
}

void lock_page_cache(std::size_t budget) {
  int header = 0;
  if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header) != SQLITE_OK || header <= 0) return;
  const std::size_t slot = (kPageSize + static_cast<std::size_t>(header) + 7) & ~std::size_t{7};
  for (std::size_t bytes = budget; bytes >= kMinPageCacheBytes; bytes /= 2) {
    const std::size_t pages = bytes / slot;
    const std::size_t size = pages * slot;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) continue;
    // MLOCK_ONFAULT: locked (and counted against the limit) now, resident
    // only as SQLite fills it.
    if (::mlock2(p, size, MLOCK_ONFAULT) != 0) {
      ::munmap(p, size);
      continue;
    }
    (void)::madvise(p, size, MADV_DONTDUMP);
    if (sqlite3_config(SQLITE_CONFIG_PAGECACHE, p, static_cast<int>(slot), static_cast<int>(pages)) != SQLITE_OK) {
      ::munmap(p, size);
      return;
    }
    g_region = p;
    g_lock = MemoryLock{LockScope::kPageCache, size, pages};
    return;
  }
}

}  // namespace

const MemoryLock& memory_lock() { return g_lock; }

void lock_sqlite_memory() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return;
  if (kMayLockEverything && (limit.rlim_cur == RLIM_INFINITY || has_cap_ipc_lock())) {
    // Never with a finite limit: MCL_FUTURE would then make every mapping
    // past the limit fail, which is how malloc gets memory.
    if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
      g_lock = MemoryLock{LockScope::kWholeProcess, 0, 0};
      return;
    }
  }
  lock_page_cache(page_cache_budget(limit.rlim_cur));
}

int cache_kib(int wanted) {
  if (g_lock.scope != LockScope::kPageCache) return wanted;
  // An eighth is left for what else takes page-sized slots (each pager's
  // scratch page) and for a second connection's few pages.
  const auto usable_kib = static_cast<int>(g_lock.page_cache_pages * (kPageSize / 1024) / 8 * 7);
  return std::max(1, std::min(wanted, usable_kib));
}

std::span<const std::uint8_t> locked_page_cache() {
  if (g_region == nullptr) return {};
  return {static_cast<const std::uint8_t*>(g_region), g_lock.page_cache_bytes};
}

}  // namespace tumar::store
