#pragma once
// Locked memory for what SQLite decrypts. Every row tumar reads passes
// through SQLite's page cache in the clear: identity keys, epoch keys,
// ratchet states, prekeys, messages and notes. Locked memory is never
// written to swap. How much a process may lock is the operating system's
// decision (RLIMIT_MEMLOCK, 8 MiB for a normal user on Debian 12, unlimited
// with CAP_IPC_LOCK), so the lock is chosen once, before SQLite starts
// (install_wiping_allocator() calls lock_sqlite_memory()):
//
//   * kWholeProcess: the process may lock without limit, so mlockall()
//     locks every page it has and will have (MCL_ONFAULT: as they are first
//     touched). SQLite's whole heap, protobuf temporaries, strings: all
//     locked.
//   * kPageCache: SQLite's page cache gets a region of its own, mlock'd,
//     excluded from core dumps (MADV_DONTDUMP), sized to fit under the
//     limit with room left for libsodium's locked secrets. Connections size
//     their caches to fit it (cache_kib()). The rest of SQLite's heap
//     (statement registers, a row being built or read, bound values) and
//     tumar's own temporaries are not locked; SQLite's heap is wiped when
//     freed (sqlite_memory.hpp). SECURITY.md says so.
//   * kNone: not even that could be locked. The front end warns.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tumar::store {

enum class LockScope { kWholeProcess, kPageCache, kNone };

struct MemoryLock {
  LockScope scope = LockScope::kNone;
  std::size_t page_cache_bytes = 0;  // kPageCache: the locked region's size
  std::size_t page_cache_pages = 0;  // kPageCache: database pages it holds
};

// What lock_sqlite_memory() achieved (kNone before it ran).
const MemoryLock& memory_lock();

// Called once, after SQLite's allocator is set and before sqlite3_initialize
// (SQLITE_CONFIG_PAGECACHE is only accepted then).
void lock_sqlite_memory();

// The page cache a connection should ask for, in KiB: `wanted`, or less
// when the locked page cache could not hold it (kPageCache). One profile
// connection per process is what tumar opens; a second one shares the region
// and spills into the wiped, unlocked heap.
int cache_kib(int wanted);

// The locked page-cache region (empty unless kPageCache), for tests that
// look for a row's plaintext in it.
std::span<const std::uint8_t> locked_page_cache();

}  // namespace tumar::store
