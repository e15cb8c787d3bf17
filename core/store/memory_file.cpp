#include "core/store/memory_file.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include <sodium.h>

namespace tumar::store {
namespace {

struct MemoryFile {
  sqlite3_file base;  // must be first: SQLite hands us this pointer
  unsigned char* data;
  sqlite3_int64 size;      // logical file size
  sqlite3_int64 capacity;  // bytes allocated
};

MemoryFile* self(sqlite3_file* f) { return reinterpret_cast<MemoryFile*>(f); }

void release(MemoryFile* m) {
  if (m->data != nullptr) {
    sodium_memzero(m->data, static_cast<std::size_t>(m->capacity));
    sqlite3_free(m->data);
  }
  m->data = nullptr;
  m->size = 0;
  m->capacity = 0;
}

// Grows the buffer to hold `needed` bytes. sqlite3_realloc would also wipe
// (the allocator wipes the old block), but an explicit copy keeps this file
// correct under any allocator.
int reserve(MemoryFile* m, sqlite3_int64 needed) {
  if (needed <= m->capacity) return SQLITE_OK;
  if (needed > kMaxMemoryFileBytes) return SQLITE_FULL;
  sqlite3_int64 cap = std::max<sqlite3_int64>(m->capacity, 64 * 1024);
  while (cap < needed) cap *= 2;
  cap = std::min(cap, kMaxMemoryFileBytes);
  auto* fresh = static_cast<unsigned char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(cap)));
  if (fresh == nullptr) return SQLITE_IOERR_NOMEM;
  std::memset(fresh, 0, static_cast<std::size_t>(cap));
  if (m->data != nullptr) {
    std::memcpy(fresh, m->data, static_cast<std::size_t>(m->size));
    sodium_memzero(m->data, static_cast<std::size_t>(m->capacity));
    sqlite3_free(m->data);
  }
  m->data = fresh;
  m->capacity = cap;
  return SQLITE_OK;
}

int x_close(sqlite3_file* f) {
  release(self(f));
  f->pMethods = nullptr;
  return SQLITE_OK;
}

int x_read(sqlite3_file* f, void* out, int amt, sqlite3_int64 off) {
  MemoryFile* m = self(f);
  if (amt < 0 || off < 0) return SQLITE_IOERR_READ;
  auto* dst = static_cast<unsigned char*>(out);
  const sqlite3_int64 have = std::clamp<sqlite3_int64>(m->size - off, 0, amt);
  if (have > 0) std::memcpy(dst, m->data + off, static_cast<std::size_t>(have));
  if (have < amt) {
    // SQLite's contract: the unread tail is zero-filled on a short read.
    std::memset(dst + have, 0, static_cast<std::size_t>(amt - have));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int x_write(sqlite3_file* f, const void* in, int amt, sqlite3_int64 off) {
  MemoryFile* m = self(f);
  if (amt < 0 || off < 0 || off > kMaxMemoryFileBytes) return SQLITE_IOERR_WRITE;
  const sqlite3_int64 end = off + amt;
  if (int rc = reserve(m, end); rc != SQLITE_OK) return rc;
  std::memcpy(m->data + off, in, static_cast<std::size_t>(amt));
  m->size = std::max(m->size, end);
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  MemoryFile* m = self(f);
  if (size < 0) return SQLITE_IOERR_TRUNCATE;
  if (size < m->size) {
    sodium_memzero(m->data + size, static_cast<std::size_t>(m->size - size));
    m->size = size;
  }
  return SQLITE_OK;
}

int x_sync(sqlite3_file*, int) { return SQLITE_OK; }

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  *size = self(f)->size;
  return SQLITE_OK;
}

// A temporary file is private to its connection: locking is a no-op.
int x_lock(sqlite3_file*, int) { return SQLITE_OK; }
int x_unlock(sqlite3_file*, int) { return SQLITE_OK; }
int x_check_reserved_lock(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int x_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int x_sector_size(sqlite3_file*) { return 512; }
int x_device_characteristics(sqlite3_file*) {
  return SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL |
         SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

const sqlite3_io_methods kMethods = {
    1,  // iVersion: no shared memory, no mmap
    x_close,     x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock, x_check_reserved_lock,
    x_file_control, x_sector_size, x_device_characteristics,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

std::size_t memory_file_size() noexcept { return sizeof(MemoryFile); }

void open_memory_file(sqlite3_file* file) noexcept {
  auto* m = new (file) MemoryFile{};
  m->base.pMethods = &kMethods;
}

}  // namespace tumar::store
