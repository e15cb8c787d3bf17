#pragma once
// SQLite's heap, wiped. SQLite keeps decrypted pages in its page cache and
// copies row values into scratch buffers; when it frees them the plaintext
// would stay in freed heap until reused (and could reach a swap file or a
// core dump). install_wiping_allocator() replaces SQLite's allocator, before
// sqlite3_initialize, with one that zeroes every block on free and realloc.
//
// Page-cache slots that SQLite keeps for reuse are not freed until the
// connection closes: plaintext of recently used pages lives in memory while
// a database is open. That is inherent in using it; the memory they live in
// is locked against swapping (memory_lock.hpp, set up here too).

#include <cstdint>

namespace tumar::store {

// Idempotent (std::call_once). Also decides how SQLite's memory is locked
// (lock_sqlite_memory). Returns false if SQLite had already been
// initialised by someone else, in which case the allocator could not be
// replaced; callers refuse to open a database then rather than run without.
[[nodiscard]] bool install_wiping_allocator();

// Test-only fault injection, in the habit of SQLite's own test suite: from
// the n-th allocation counted from now on (0 = the very next one), every
// allocation fails. -1 turns it off.
void set_allocation_failure_after(std::int64_t n);

// Allocations that were refused by the fault injector since it was armed.
std::int64_t injected_allocation_failures();

}  // namespace tumar::store
