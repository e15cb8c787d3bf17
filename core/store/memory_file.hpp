#pragma once
// An sqlite3_file that lives in memory only, for SQLite's temporary files
// (temp database, temp journal, statement sub-journal, transient databases
// used by sorting and VACUUM). Those hold plaintext pages and would otherwise
// be written unencrypted to /tmp (or /var/tmp), where a seized laptop gives
// them up. The buffer comes from sqlite3_malloc (the wiping allocator, see
// sqlite_memory.hpp) and is wiped again on close.

#include <cstddef>

#include <sqlite3.h>

namespace tumar::store {

// Bytes of sqlite3_file storage a memory file needs (sqlite3_vfs::szOsFile).
std::size_t memory_file_size() noexcept;

// Constructs a memory file in `file` (storage of at least memory_file_size()
// bytes provided by SQLite). Always succeeds; growth failures are reported by
// xWrite as SQLITE_IOERR_NOMEM / SQLITE_FULL.
void open_memory_file(sqlite3_file* file) noexcept;

// Hard cap on one temporary file, so a runaway sort fails instead of eating
// the machine's memory. 1 GiB is far beyond what tumar's queries need.
inline constexpr sqlite3_int64 kMaxMemoryFileBytes = sqlite3_int64{1} << 30;

}  // namespace tumar::store
