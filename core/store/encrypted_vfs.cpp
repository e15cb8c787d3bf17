#include "core/store/encrypted_vfs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include <sodium.h>

#include "core/error_ids.hpp"
#include "core/store/memory_file.hpp"
#include "core/store/sqlite_memory.hpp"

namespace tumar::store {
namespace {

constexpr sqlite3_int64 kPage = static_cast<sqlite3_int64>(kPageSize);

// WAL layout (sqlite/src/wal.c): a 32-byte header, then frames of a 24-byte
// frame header (pgno u32 BE, commit size, salt-1, salt-2, checksum-1,
// checksum-2) followed by the page image.
constexpr sqlite3_int64 kWalHeaderBytes = 32;
constexpr sqlite3_int64 kFrameHeaderBytes = 24;
constexpr sqlite3_int64 kFrameBytes = kFrameHeaderBytes + kPage;
constexpr std::size_t kFrameSaltOffset = 8;
constexpr std::size_t kFrameSaltBytes = 8;

// Database header fields (https://sqlite.org/fileformat2.html#database_header).
constexpr std::size_t kHeaderPageSizeOffset = 16;  // u16 BE
constexpr std::size_t kHeaderReserveOffset = 20;   // u8

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Page 1 as SQLite sees it must say: 4096-byte pages, 40 reserved bytes.
// Without the reserve SQLite would put its own data where nonce and tag go,
// so we never write (or accept) a page 1 that says otherwise.
bool page1_header_ok(const std::uint8_t* page) {
  return page[kHeaderPageSizeOffset] == (kPageSize >> 8) && page[kHeaderPageSizeOffset + 1] == (kPageSize & 0xff) &&
         page[kHeaderReserveOffset] == kReserveBytes;
}

// SQLite's checksum of a WAL frame covers the page's reserve bytes, which
// read back as zeros (PageCipher::open). A frame written with anything else
// there would fail its checksum on recovery after a crash and silently take
// its commit with it; refuse the write instead. SQLite itself never writes
// the reserve: new pages are zeroed and read pages come back zeroed.
bool reserve_is_zero(const std::uint8_t* page) {
  std::uint8_t acc = 0;
  for (std::size_t i = kPayloadBytes; i < kPageSize; ++i) acc |= page[i];
  return acc == 0;
}

// A page-sized stack buffer that is wiped whatever path leaves the scope.
struct ScratchPage {
  alignas(16) std::array<std::uint8_t, kPageSize> bytes;
  ~ScratchPage() { sodium_memzero(bytes.data(), bytes.size()); }
  Page page() { return Page(bytes); }
};

struct ScratchFrame {
  alignas(16) std::array<std::uint8_t, kFrameBytes> bytes;
  ~ScratchFrame() { sodium_memzero(bytes.data(), bytes.size()); }
  Page page() { return Page(bytes.data() + kFrameHeaderBytes, kPageSize); }
};

enum class Kind : std::uint8_t { kMainDb, kJournal, kWal };

// What a truncation cuts off, and a WAL or journal about to be deleted, is
// overwritten with zeros in chunks of this size and synced first.
constexpr std::size_t kZeroChunk = 64 * 1024;
const std::array<std::uint8_t, kZeroChunk> kZeros{};

// Overwrites the whole file at `path` with zeros and syncs it, so that its
// blocks no longer hold sealed pages once it is unlinked (on a file system
// that overwrites in place; see SECURITY.md for flash and copy-on-write).
// The sync matters: the dirty pages of an unlinked file are dropped, never
// written. Best effort: SQLite must still be able to delete the file, so
// failures here are not reported (the pages are sealed either way).
void overwrite_with_zeros(const char* path) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t off = 0;
    while (off < st.st_size) {
      const auto n = static_cast<std::size_t>(std::min<off_t>(st.st_size - off, static_cast<off_t>(kZeroChunk)));
      const ssize_t w = ::pwrite(fd, kZeros.data(), n, off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += w;
    }
    (void)::fdatasync(fd);
  }
  ::close(fd);
}

std::atomic<std::uint64_t> g_instance_counter{0};

}  // namespace

struct EncryptedVfs::Glue {
  // What SQLite holds for a file on disk: our header, then the "unix" VFS's
  // own sqlite3_file at kRealOffset.
  struct File {
    sqlite3_file base;  // first member: SQLite hands us &base
    EncryptedVfs* owner;
    Kind kind;
    // The last 4-byte page number (journal record) or 24-byte frame header
    // (WAL) this handle wrote or read, so the page image that SQLite writes
    // or reads next can be bound to its page number without another system
    // call. -1 = nothing cached.
    sqlite3_int64 pgno_at;
    std::uint32_t pgno;
  };
  static constexpr std::size_t kRealOffset = (sizeof(File) + 15) & ~std::size_t{15};

  static File* file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
  static sqlite3_file* real(File* f) {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<unsigned char*>(f) + kRealOffset);
  }
  static const sqlite3_io_methods* rm(File* f) { return real(f)->pMethods; }
  static const PageCipher* cipher(File* f) {
    EncryptedVfs* o = f->owner;
    return o->abandoned_.load() || !o->cipher_ ? nullptr : &*o->cipher_;
  }

  // ----- page number lookup for journal records and WAL frames -----------

  static void remember_pgno(File* f, sqlite3_int64 at, const std::uint8_t* be32) {
    f->pgno_at = at;
    f->pgno = load_be32(be32);
  }
  static void forget_pgno_if_overlapping(File* f, sqlite3_int64 off, sqlite3_int64 amt) {
    if (f->pgno_at >= 0 && off < f->pgno_at + 4 && f->pgno_at < off + amt) f->pgno_at = -1;
  }
  // The page number stored at `at` in the underlying file (cached if we saw it).
  static int pgno_from_file(File* f, sqlite3_int64 at, std::uint32_t* out) {
    if (f->pgno_at == at) {
      *out = f->pgno;
      return SQLITE_OK;
    }
    std::uint8_t be[4];
    const int rc = rm(f)->xRead(real(f), be, 4, at);
    if (rc != SQLITE_OK) return rc;
    remember_pgno(f, at, be);
    *out = f->pgno;
    return SQLITE_OK;
  }

  // ----- main database file ----------------------------------------------

  static int read_main(File* f, const PageCipher& c, std::uint8_t* out, int amt, sqlite3_int64 off) {
    const sqlite3_int64 end = off + amt;
    int result = SQLITE_OK;
    for (sqlite3_int64 page_off = off - off % kPage; page_off < end; page_off += kPage) {
      const sqlite3_int64 index = page_off / kPage;
      if (index >= 0xFFFFFFFF) return SQLITE_IOERR_READ;
      const auto pgno = static_cast<std::uint32_t>(index + 1);
      const sqlite3_int64 lo = std::max(off, page_off);
      const sqlite3_int64 hi = std::min(end, page_off + kPage);
      // Whole aligned pages decrypt straight into SQLite's buffer; partial
      // reads (the 100-byte header read at offset 0, the 16-byte change
      // counter read at offset 24) decrypt a whole page aside and copy.
      const bool whole = lo == page_off && hi == page_off + kPage;
      std::optional<ScratchPage> scratch;  // only for partial reads: skip the wipe otherwise
      if (!whole) scratch.emplace();
      std::uint8_t* dst = whole ? out + (page_off - off) : scratch->bytes.data();
      const int rc = rm(f)->xRead(real(f), dst, static_cast<int>(kPage), page_off);
      if (rc == SQLITE_IOERR_SHORT_READ) {
        sqlite3_int64 size = 0;
        if (rm(f)->xFileSize(real(f), &size) != SQLITE_OK) return SQLITE_IOERR_READ;
        if (size > page_off) {
          // Part of a page exists: it cannot be authenticated. A file cut
          // mid-page is truncated or tampered with; never hand out the bytes.
          sodium_memzero(dst, kPageSize);
          std::memset(out, 0, static_cast<std::size_t>(amt));
          f->owner->record_failure(FileRole::kMainDb, pgno);
          return SQLITE_IOERR_DATA;
        }
        // Wholly past end of file: keep SQLite's short-read contract
        // (zero-filled, SQLITE_IOERR_SHORT_READ), e.g. page 1 of a new file.
        std::memset(out + (lo - off), 0, static_cast<std::size_t>(hi - lo));
        result = SQLITE_IOERR_SHORT_READ;
        continue;
      }
      if (rc != SQLITE_OK) return rc;
      if (!c.open(FileRole::kMainDb, pgno, Page(dst, kPageSize)) || (pgno == 1 && !page1_header_ok(dst))) {
        std::memset(out, 0, static_cast<std::size_t>(amt));
        f->owner->record_failure(FileRole::kMainDb, pgno);
        return SQLITE_IOERR_DATA;
      }
      if (!whole) std::memcpy(out + (lo - off), dst + (lo - page_off), static_cast<std::size_t>(hi - lo));
    }
    return result;
  }

  // SQLite writes the main database only in whole, aligned pages (pager
  // pager_write_pagelist, WAL checkpoint, journal playback, truncate-extend).
  static int write_main(File* f, const PageCipher& c, const std::uint8_t* in, int amt, sqlite3_int64 off) {
    if (amt != kPage || off % kPage != 0 || off / kPage >= 0xFFFFFFFF) return SQLITE_IOERR_WRITE;
    const auto pgno = static_cast<std::uint32_t>(off / kPage + 1);
    if (pgno == 1 && !page1_header_ok(in)) return SQLITE_IOERR_WRITE;
    ScratchPage copy;  // seal a copy: SQLite's buffer is its page cache
    std::memcpy(copy.bytes.data(), in, kPageSize);
    c.seal(FileRole::kMainDb, pgno, copy.page());
    return rm(f)->xWrite(real(f), copy.bytes.data(), amt, off);
  }

  // ----- rollback journal --------------------------------------------------
  //
  // Layout (sqlite/src/pager.c): a header padded to the sector size, then
  // records of pgno (u32 BE, 4 bytes) + page image (page size) + checksum
  // (u32, 4 bytes), each written and read as a separate call. Headers start
  // at multiples of the sector size (>= 512), and a record is 4 + 4096 + 4 =
  // 4104 = 8 * 513 bytes, so every pgno field starts at a multiple of 8 and
  // every page image at an offset = 4 (mod 8). No header starts there, so
  // "exactly kPageSize bytes at an offset = 4 (mod 8)" is a page image and
  // nothing else. (The super-journal name is also written at = 4 mod 8 but
  // is at most a path long, never 4096 bytes; super journals are refused.)
  static bool is_journal_page(int amt, sqlite3_int64 off) { return amt == kPage && off >= 4 && off % 8 == 4; }

  static int read_journal(File* f, const PageCipher& c, std::uint8_t* out, int amt, sqlite3_int64 off) {
    if (!is_journal_page(amt, off)) {
      const int rc = rm(f)->xRead(real(f), out, amt, off);
      if (rc == SQLITE_OK && amt == 4 && off % 8 == 0) remember_pgno(f, off, out);
      return rc;
    }
    std::uint32_t pgno = 0;
    int rc = pgno_from_file(f, off - 4, &pgno);
    if (rc == SQLITE_OK) rc = rm(f)->xRead(real(f), out, amt, off);
    if (rc != SQLITE_OK) {
      // A cut-off record: no bytes of it are returned. SQLite stops playback
      // at a short read of the journal.
      std::memset(out, 0, static_cast<std::size_t>(amt));
      return rc;
    }
    if (!c.open(FileRole::kJournal, pgno, Page(out, kPageSize))) {
      f->owner->record_failure(FileRole::kJournal, pgno);
      return SQLITE_IOERR_DATA;
    }
    return SQLITE_OK;
  }

  static int write_journal(File* f, const PageCipher& c, const std::uint8_t* in, int amt, sqlite3_int64 off) {
    if (!is_journal_page(amt, off)) {
      forget_pgno_if_overlapping(f, off, amt);
      const int rc = rm(f)->xWrite(real(f), in, amt, off);
      if (rc == SQLITE_OK && amt == 4 && off % 8 == 0) remember_pgno(f, off, in);
      return rc;
    }
    std::uint32_t pgno = 0;
    if (pgno_from_file(f, off - 4, &pgno) != SQLITE_OK) return SQLITE_IOERR_WRITE;
    ScratchPage copy;
    std::memcpy(copy.bytes.data(), in, kPageSize);
    c.seal(FileRole::kJournal, pgno, copy.page());
    return rm(f)->xWrite(real(f), copy.bytes.data(), amt, off);
  }

  // ----- write-ahead log ---------------------------------------------------

  enum class WalPart { kFileHeader, kFrameHeader, kPage, kWholeFrame, kOther };
  struct WalSpot {
    WalPart part;
    sqlite3_int64 frame_off;
  };
  static WalSpot classify_wal(int amt, sqlite3_int64 off) {
    if (off + amt <= kWalHeaderBytes) return {WalPart::kFileHeader, 0};
    if (off < kWalHeaderBytes) return {WalPart::kOther, 0};
    const sqlite3_int64 in = (off - kWalHeaderBytes) % kFrameBytes;
    const sqlite3_int64 frame_off = off - in;
    if (in == 0 && amt == kFrameBytes) return {WalPart::kWholeFrame, frame_off};
    if (in == kFrameHeaderBytes && amt == kPage) return {WalPart::kPage, frame_off};
    if (in + amt <= kFrameHeaderBytes) return {WalPart::kFrameHeader, frame_off};
    return {WalPart::kOther, frame_off};
  }

  static int read_wal(File* f, const PageCipher& c, std::uint8_t* out, int amt, sqlite3_int64 off) {
    const WalSpot spot = classify_wal(amt, off);
    switch (spot.part) {
      case WalPart::kFileHeader:
        return rm(f)->xRead(real(f), out, amt, off);
      case WalPart::kFrameHeader: {
        const int rc = rm(f)->xRead(real(f), out, amt, off);
        if (rc == SQLITE_OK && off == spot.frame_off && amt >= 4) remember_pgno(f, off, out);
        return rc;
      }
      case WalPart::kPage: {
        // A normal read of a committed frame (walReadFrame, checkpoint).
        // One read of header + page gives the page number with the page.
        ScratchFrame frame;
        const int rc = rm(f)->xRead(real(f), frame.bytes.data(), static_cast<int>(kFrameBytes), spot.frame_off);
        if (rc != SQLITE_OK) {
          std::memset(out, 0, static_cast<std::size_t>(amt));
          return rc;
        }
        const std::uint32_t pgno = load_be32(frame.bytes.data());
        if (!c.open(FileRole::kWal, pgno, frame.page())) {
          std::memset(out, 0, static_cast<std::size_t>(amt));
          f->owner->record_failure(FileRole::kWal, pgno);
          return SQLITE_IOERR_DATA;
        }
        std::memcpy(out, frame.page().data(), kPageSize);
        return SQLITE_OK;
      }
      case WalPart::kWholeFrame:
        return read_whole_frame(f, c, out, amt, off);
      case WalPart::kOther:
        break;
    }
    return SQLITE_IOERR_READ;  // never hand out part of a sealed page
  }

  // Header and page in one read: WAL recovery (walIndexRecover) and
  // walRewriteChecksums. A page that fails to open here is treated as the
  // torn tail of a crashed write, which is normal in a WAL: we return the
  // frame with its salts inverted and the page zeroed. SQLite's
  // walDecodeFrame then rejects the frame on the salt mismatch, with
  // certainty, and recovery stops there as if the crash had cut the log at
  // that frame. (Zeroing the page alone is not enough: the WAL checksum is
  // unkeyed, so an attacker could forge a frame header whose checksum
  // matches an all-zero page and have SQLite accept it.) Dropping the tail
  // of the log is the same as an attacker truncating the WAL file, a
  // rollback that per-page AEAD cannot prevent anyway (docs/STORAGE.md).
  static int read_whole_frame(File* f, const PageCipher& c, std::uint8_t* out, int amt, sqlite3_int64 off) {
    const int rc = rm(f)->xRead(real(f), out, amt, off);
    if (rc != SQLITE_OK) {
      std::memset(out, 0, static_cast<std::size_t>(amt));
      return rc;
    }
    remember_pgno(f, off, out);
    const std::uint32_t pgno = f->pgno;
    if (!c.open(FileRole::kWal, pgno, Page(out + kFrameHeaderBytes, kPageSize))) {
      for (std::size_t i = 0; i < kFrameSaltBytes; ++i) out[kFrameSaltOffset + i] ^= 0xFF;
      f->owner->discarded_wal_frames_.fetch_add(1);
    }
    return SQLITE_OK;
  }

  static int write_wal(File* f, const PageCipher& c, const std::uint8_t* in, int amt, sqlite3_int64 off) {
    const WalSpot spot = classify_wal(amt, off);
    switch (spot.part) {
      case WalPart::kFileHeader:
        return rm(f)->xWrite(real(f), in, amt, off);
      case WalPart::kFrameHeader: {
        // walWriteOneFrame writes the 24-byte frame header, then the page.
        forget_pgno_if_overlapping(f, off, amt);
        const int rc = rm(f)->xWrite(real(f), in, amt, off);
        if (rc == SQLITE_OK && off == spot.frame_off && amt >= 4) remember_pgno(f, off, in);
        return rc;
      }
      case WalPart::kPage: {
        // Also reached when SQLite overwrites a page of the current
        // transaction in place, without rewriting the header: the pgno then
        // comes from the header already on disk, which is the same page.
        if (!reserve_is_zero(in)) return SQLITE_IOERR_WRITE;
        std::uint32_t pgno = 0;
        if (pgno_from_file(f, spot.frame_off, &pgno) != SQLITE_OK) return SQLITE_IOERR_WRITE;
        ScratchPage copy;
        std::memcpy(copy.bytes.data(), in, kPageSize);
        c.seal(FileRole::kWal, pgno, copy.page());
        return rm(f)->xWrite(real(f), copy.bytes.data(), amt, off);
      }
      case WalPart::kWholeFrame: {
        if (!reserve_is_zero(in + kFrameHeaderBytes)) return SQLITE_IOERR_WRITE;
        ScratchFrame copy;
        std::memcpy(copy.bytes.data(), in, kFrameBytes);
        const std::uint32_t pgno = load_be32(copy.bytes.data());
        c.seal(FileRole::kWal, pgno, copy.page());
        forget_pgno_if_overlapping(f, off, amt);
        return rm(f)->xWrite(real(f), copy.bytes.data(), amt, off);
      }
      case WalPart::kOther:
        break;
    }
    // A partial page write (SQLite splits writes at a sync point only when
    // the device lacks POWERSAFE_OVERWRITE): refuse rather than store a page
    // we cannot seal as a unit.
    return SQLITE_IOERR_WRITE;
  }

  // ----- sqlite3_io_methods ------------------------------------------------

  static int x_close(sqlite3_file* sf) {
    File* f = file(sf);
    int rc = SQLITE_OK;
    if (rm(f) != nullptr) rc = rm(f)->xClose(real(f));
    f->base.pMethods = nullptr;
    return rc;
  }

  static int x_read(sqlite3_file* sf, void* buf, int amt, sqlite3_int64 off) {
    File* f = file(sf);
    const PageCipher* c = cipher(f);
    auto* out = static_cast<std::uint8_t*>(buf);
    if (c == nullptr || amt < 0 || off < 0) {
      if (amt > 0) std::memset(out, 0, static_cast<std::size_t>(amt));
      return SQLITE_IOERR_READ;
    }
    switch (f->kind) {
      case Kind::kMainDb: return read_main(f, *c, out, amt, off);
      case Kind::kJournal: return read_journal(f, *c, out, amt, off);
      case Kind::kWal: return read_wal(f, *c, out, amt, off);
    }
    return SQLITE_IOERR_READ;
  }

  static int x_write(sqlite3_file* sf, const void* buf, int amt, sqlite3_int64 off) {
    File* f = file(sf);
    const PageCipher* c = cipher(f);
    const auto* in = static_cast<const std::uint8_t*>(buf);
    if (c == nullptr || amt < 0 || off < 0) return SQLITE_IOERR_WRITE;
    switch (f->kind) {
      case Kind::kMainDb: return write_main(f, *c, in, amt, off);
      case Kind::kJournal: return write_journal(f, *c, in, amt, off);
      case Kind::kWal: return write_wal(f, *c, in, amt, off);
    }
    return SQLITE_IOERR_WRITE;
  }

  // SQLite truncates the WAL after a TRUNCATE checkpoint (which
  // Database::purge_old_copies runs after a deletion), and the database
  // file after a VACUUM. The part cut off is overwritten with zeros and
  // synced first, so its blocks do not keep the old sealed pages (whose key
  // a coerced passphrase would give up). Best effort, like the delete below:
  // the truncation itself always happens.
  static int x_truncate(sqlite3_file* sf, sqlite3_int64 size) {
    File* f = file(sf);
    if (cipher(f) == nullptr) return SQLITE_IOERR_TRUNCATE;
    if (f->pgno_at >= size) f->pgno_at = -1;
    sqlite3_int64 current = 0;
    if (rm(f)->xFileSize(real(f), &current) == SQLITE_OK && current > size) {
      bool written = true;
      for (sqlite3_int64 off = size; off < current && written;) {
        const int n = static_cast<int>(std::min<sqlite3_int64>(current - off, kZeroChunk));
        written = rm(f)->xWrite(real(f), kZeros.data(), n, off) == SQLITE_OK;
        off += n;
      }
      if (written) (void)rm(f)->xSync(real(f), SQLITE_SYNC_NORMAL);
    }
    return rm(f)->xTruncate(real(f), size);
  }
  static int x_sync(sqlite3_file* sf, int flags) {
    File* f = file(sf);
    if (cipher(f) == nullptr) return SQLITE_IOERR_FSYNC;
    return rm(f)->xSync(real(f), flags);
  }
  static int x_file_size(sqlite3_file* sf, sqlite3_int64* size) {
    File* f = file(sf);
    return rm(f)->xFileSize(real(f), size);
  }
  static int x_lock(sqlite3_file* sf, int level) { return rm(file(sf))->xLock(real(file(sf)), level); }
  static int x_unlock(sqlite3_file* sf, int level) { return rm(file(sf))->xUnlock(real(file(sf)), level); }
  static int x_check_reserved_lock(sqlite3_file* sf, int* out) {
    return rm(file(sf))->xCheckReservedLock(real(file(sf)), out);
  }
  static int x_file_control(sqlite3_file* sf, int op, void* arg) {
    return rm(file(sf))->xFileControl(real(file(sf)), op, arg);
  }
  static int x_sector_size(sqlite3_file* sf) { return rm(file(sf))->xSectorSize(real(file(sf))); }
  static int x_device_characteristics(sqlite3_file* sf) {
    return rm(file(sf))->xDeviceCharacteristics(real(file(sf)));
  }
  // The shared-memory wal-index holds page numbers, frame numbers and a copy
  // of the WAL header, never page content, so it passes through.
  static int x_shm_map(sqlite3_file* sf, int region, int size, int extend, void volatile** out) {
    File* f = file(sf);
    if (cipher(f) == nullptr) return SQLITE_IOERR_SHMMAP;
    return rm(f)->xShmMap(real(f), region, size, extend, out);
  }
  static int x_shm_lock(sqlite3_file* sf, int offset, int n, int flags) {
    return rm(file(sf))->xShmLock(real(file(sf)), offset, n, flags);
  }
  static void x_shm_barrier(sqlite3_file* sf) { rm(file(sf))->xShmBarrier(real(file(sf))); }
  static int x_shm_unmap(sqlite3_file* sf, int delete_flag) {
    File* f = file(sf);
    // An abandoned database must not unlink a -shm file that may by now
    // belong to a new profile at the same path.
    return rm(f)->xShmUnmap(real(f), cipher(f) == nullptr ? 0 : delete_flag);
  }

  // Version 2: xShm* for WAL, and no xFetch/xUnfetch, so SQLite's
  // memory-mapped I/O can never read the ciphertext directly around xRead.
  static constexpr sqlite3_io_methods kMethods = {
      2,          x_close,        x_read,         x_write,     x_truncate,
      x_sync,     x_file_size,    x_lock,         x_unlock,    x_check_reserved_lock,
      x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
      x_shm_barrier,  x_shm_unmap,   nullptr,        nullptr,
  };

  // ----- sqlite3_vfs -------------------------------------------------------

  static EncryptedVfs* owner(sqlite3_vfs* v) { return static_cast<EncryptedVfs*>(v->pAppData); }

  static bool has_suffix_of(std::string_view name, std::string_view base, std::string_view suffix) {
    return name.size() == base.size() + suffix.size() && name.substr(0, base.size()) == base &&
           name.substr(base.size()) == suffix;
  }

  static int x_open(sqlite3_vfs* v, sqlite3_filename name, sqlite3_file* sf, int flags, int* out_flags) {
    EncryptedVfs* o = owner(v);
    sf->pMethods = nullptr;
    if (o->abandoned_.load()) return SQLITE_CANTOPEN;
    constexpr int kTempTypes =
        SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TRANSIENT_DB;
    const bool is_main = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    const bool is_journal = (flags & SQLITE_OPEN_MAIN_JOURNAL) != 0;
    const bool is_wal = (flags & SQLITE_OPEN_WAL) != 0;

    // Temporary files never reach the disk (SQLite would write their
    // plaintext pages under /tmp).
    if (name == nullptr || (flags & kTempTypes) != 0) {
      if (is_main || is_journal || is_wal) return SQLITE_CANTOPEN;
      open_memory_file(sf);
      if (out_flags != nullptr) *out_flags = flags;
      return SQLITE_OK;
    }
    Kind kind;
    {
      std::lock_guard lock(o->mutex_);
      const std::string_view path(name);
      if (is_main) {
        // One VFS, one database: an ATTACHed second file would share this
        // key and database id, so its pages could be swapped with ours.
        if (o->bound_path_.empty()) o->bound_path_ = std::string(path);
        if (path != o->bound_path_) return SQLITE_CANTOPEN;
        kind = Kind::kMainDb;
      } else if (is_journal && has_suffix_of(path, o->bound_path_, "-journal")) {
        kind = Kind::kJournal;
      } else if (is_wal && has_suffix_of(path, o->bound_path_, "-wal")) {
        kind = Kind::kWal;
      } else {
        // Super journals (multi-database commits) and anything unforeseen:
        // refused, never stored in the clear.
        return SQLITE_CANTOPEN;
      }
    }
    File* f = new (sf) File{};
    f->owner = o;
    f->kind = kind;
    f->pgno_at = -1;
    const int rc = o->root_->xOpen(o->root_, name, real(f), flags, out_flags);
    if (rc != SQLITE_OK) {
      if (rm(f) != nullptr) rm(f)->xClose(real(f));
      sf->pMethods = nullptr;
      return rc;
    }
    f->base.pMethods = &kMethods;
    return SQLITE_OK;
  }

  // SQLite deletes the WAL when the last connection closes (after a
  // checkpoint) and the rollback journal at every commit: both still hold
  // sealed images of pages as they were before, deleted rows included.
  // They are overwritten with zeros first. SQLite deletes either file only
  // once its content is in the database file and synced, so a crash after
  // the overwrite leaves a file with a zeroed header, which SQLite reads as
  // empty, exactly like a deleted one.
  static int x_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
    EncryptedVfs* o = owner(v);
    if (o->abandoned_.load()) return SQLITE_IOERR_DELETE;
    bool ours = false;  // our database's WAL or journal
    if (name != nullptr) {
      const std::string_view path(name);
      std::lock_guard lock(o->mutex_);
      ours = !o->bound_path_.empty() &&
             (has_suffix_of(path, o->bound_path_, "-wal") || has_suffix_of(path, o->bound_path_, "-journal"));
    }
    if (ours) overwrite_with_zeros(name);
    return o->root_->xDelete(o->root_, name, sync_dir);
  }
  static int x_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return owner(v)->root_->xAccess(owner(v)->root_, name, flags, out);
  }
  static int x_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
    return owner(v)->root_->xFullPathname(owner(v)->root_, name, n, out);
  }
  static void* x_dl_open(sqlite3_vfs* v, const char* name) { return owner(v)->root_->xDlOpen(owner(v)->root_, name); }
  static void x_dl_error(sqlite3_vfs* v, int n, char* out) { owner(v)->root_->xDlError(owner(v)->root_, n, out); }
  static void (*x_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) {
    return owner(v)->root_->xDlSym(owner(v)->root_, h, sym);
  }
  static void x_dl_close(sqlite3_vfs* v, void* h) { owner(v)->root_->xDlClose(owner(v)->root_, h); }
  static int x_randomness(sqlite3_vfs* v, int n, char* out) {
    return owner(v)->root_->xRandomness(owner(v)->root_, n, out);
  }
  static int x_sleep(sqlite3_vfs* v, int us) { return owner(v)->root_->xSleep(owner(v)->root_, us); }
  static int x_current_time(sqlite3_vfs* v, double* out) {
    return owner(v)->root_->xCurrentTime(owner(v)->root_, out);
  }
  static int x_get_last_error(sqlite3_vfs* v, int n, char* out) {
    return owner(v)->root_->xGetLastError(owner(v)->root_, n, out);
  }
  static int x_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
    return owner(v)->root_->xCurrentTimeInt64(owner(v)->root_, out);
  }
};

EncryptedVfs::EncryptedVfs(crypto::Secret<kPageKeyBytes> page_key, const DbId& db_id, sqlite3_vfs* root,
                           std::string name)
    : root_(root), name_(std::move(name)), cipher_(std::in_place, std::move(page_key), db_id) {
  using G = Glue;
  vfs_.iVersion = 2;  // up to xCurrentTimeInt64; no system-call overrides
  vfs_.szOsFile = static_cast<int>(std::max(G::kRealOffset + static_cast<std::size_t>(root->szOsFile),
                                            memory_file_size()));
  vfs_.mxPathname = root->mxPathname;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = G::x_open;
  vfs_.xDelete = G::x_delete;
  vfs_.xAccess = G::x_access;
  vfs_.xFullPathname = G::x_full_pathname;
  vfs_.xDlOpen = G::x_dl_open;
  vfs_.xDlError = G::x_dl_error;
  vfs_.xDlSym = G::x_dl_sym;
  vfs_.xDlClose = G::x_dl_close;
  vfs_.xRandomness = G::x_randomness;
  vfs_.xSleep = G::x_sleep;
  vfs_.xCurrentTime = G::x_current_time;
  vfs_.xGetLastError = G::x_get_last_error;
  vfs_.xCurrentTimeInt64 = G::x_current_time_int64;
}

core::Result<std::unique_ptr<EncryptedVfs>> EncryptedVfs::create(crypto::Secret<kPageKeyBytes> page_key,
                                                                 DbId db_id) {
  if (!install_wiping_allocator()) {
    return core::fail<core::ErrorId::kStoreMemoryUnprotected>(core::Errc::kStorage);
  }
  sqlite3_vfs* root = sqlite3_vfs_find("unix");
  if (root == nullptr || root->iVersion < 2 || root->xCurrentTimeInt64 == nullptr) {
    return core::fail<core::ErrorId::kStoreNoUnixVfs>(core::Errc::kStorage);
  }
  std::string name = "tumar-" + std::to_string(g_instance_counter.fetch_add(1) + 1);
  std::unique_ptr<EncryptedVfs> vfs(new EncryptedVfs(std::move(page_key), db_id, root, std::move(name)));
  if (sqlite3_vfs_register(&vfs->vfs_, 0) != SQLITE_OK) {
    return core::fail<core::ErrorId::kStoreVfsRegister>(core::Errc::kStorage);
  }
  return vfs;
}

EncryptedVfs::~EncryptedVfs() { sqlite3_vfs_unregister(&vfs_); }

std::optional<PageFailure> EncryptedVfs::take_failure() {
  std::lock_guard lock(mutex_);
  return std::exchange(failure_, std::nullopt);
}

void EncryptedVfs::record_failure(FileRole role, std::uint32_t pgno) {
  std::lock_guard lock(mutex_);
  failure_ = PageFailure{role, pgno};
}

void EncryptedVfs::abandon() {
  abandoned_.store(true);
  cipher_.reset();  // Secret's destructor wipes the page key
}

}  // namespace tumar::store
