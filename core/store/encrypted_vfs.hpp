#pragma once
// EncryptedVfs: an SQLite VFS shim over the "unix" VFS that encrypts and
// authenticates every page image SQLite writes to disk (main database,
// rollback journal, WAL) with PageCipher, and keeps every temporary file in
// memory. docs/STORAGE.md describes the resulting on-disk format.
//
// One instance serves one database (and the connections that open it): it
// is registered under a unique name ("tumar-<n>"), bound to the first main
// database path opened through it, and unregistered when destroyed. It must
// outlive every connection that uses it.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <sqlite3.h>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/store/page_cipher.hpp"

namespace tumar::store {

// A page that failed authentication, remembered so the Database can say
// which one (page numbers and file roles are not secret).
struct PageFailure {
  FileRole role;
  std::uint32_t pgno;
};

class EncryptedVfs {
 public:
  static core::Result<std::unique_ptr<EncryptedVfs>> create(crypto::Secret<kPageKeyBytes> page_key, DbId db_id);
  ~EncryptedVfs();
  EncryptedVfs(const EncryptedVfs&) = delete;
  EncryptedVfs& operator=(const EncryptedVfs&) = delete;

  const char* name() const noexcept { return name_.c_str(); }

  // The most recent authentication failure since the last call, cleared.
  std::optional<PageFailure> take_failure();

  // WAL frames whose page failed authentication while SQLite read the whole
  // frame (WAL recovery), and were therefore dropped as a torn tail.
  std::uint64_t discarded_wal_frames() const noexcept { return discarded_wal_frames_.load(); }

  // Wipes the page key and turns every later write, truncate, delete and
  // read into an I/O error, so closing the connections afterwards touches no
  // file on disk (the paths may already belong to a new profile).
  void abandon();

  // Internal to the shim's callbacks (encrypted_vfs.cpp).
  struct Glue;

 private:
  EncryptedVfs(crypto::Secret<kPageKeyBytes> page_key, const DbId& db_id, sqlite3_vfs* root, std::string name);

  void record_failure(FileRole role, std::uint32_t pgno);

  sqlite3_vfs vfs_{};
  sqlite3_vfs* root_;
  std::string name_;
  std::optional<PageCipher> cipher_;
  std::atomic<bool> abandoned_{false};
  std::atomic<std::uint64_t> discarded_wal_frames_{0};
  std::mutex mutex_;             // guards bound_path_ and failure_
  std::string bound_path_;       // the one main database this VFS serves
  std::optional<PageFailure> failure_;
};

}  // namespace tumar::store
