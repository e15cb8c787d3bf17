#pragma once
// Looks for a secret in every file of a profile the way someone who learnt
// the passphrase would: every page of the database file, every WAL frame
// (live or stale, whatever its salt) and every page image a rollback journal
// holds is decrypted with the page key and searched, and so is every file's
// raw content. Used to prove that deleted data leaves the disk.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "core/store/page_cipher.hpp"

namespace tumar::test {

struct ScanReport {
  std::vector<std::string> hits;   // "tumar.db-wal frame 12 (page 7)", ...
  std::size_t pages_opened = 0;    // database pages and WAL frames that authenticated
  std::size_t pages_unreadable = 0;  // database pages that did not (never expected)
  std::uint64_t wal_bytes = 0;     // size of the -wal file, 0 if none
  std::size_t copies = 0;          // occurrences in all decrypted pages and images
  bool found() const { return !hits.empty(); }
};

namespace scan_detail {

inline std::vector<std::uint8_t> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::size_t count(std::span<const std::uint8_t> hay, std::span<const std::uint8_t> needle) {
  std::size_t n = 0;
  if (needle.empty()) return 0;
  for (auto it = hay.begin(); (it = std::search(it, hay.end(), needle.begin(), needle.end())) != hay.end(); ++it) ++n;
  return n;
}

inline bool has(std::span<const std::uint8_t> hay, std::span<const std::uint8_t> needle) {
  return count(hay, needle) > 0;
}

inline std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace scan_detail

// Scans every regular file in `dir` (the profile's home) for `needle`.
inline ScanReport scan_profile(const std::filesystem::path& dir, const store::PageCipher& cipher,
                               std::span<const std::uint8_t> needle) {
  using namespace scan_detail;
  constexpr std::size_t kPage = store::kPageSize;
  constexpr std::size_t kWalHeader = 32, kFrameHeader = 24, kFrame = kFrameHeader + kPage;
  ScanReport report;
  std::vector<std::uint8_t> page(kPage);
  auto try_open = [&](store::FileRole role, std::uint32_t pgno, const std::uint8_t* at) {
    std::copy(at, at + kPage, page.begin());
    return cipher.open(role, pgno, store::Page(page.data(), kPage));
  };
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const auto bytes = read_all(entry.path());
    if (has(bytes, needle)) report.hits.push_back(name + " (raw bytes)");
    if (ends_with(name, "-wal")) {
      report.wal_bytes = bytes.size();
      for (std::size_t off = kWalHeader, k = 0; off + kFrame <= bytes.size(); off += kFrame, ++k) {
        const std::uint32_t pgno = be32(&bytes[off]);
        if (!try_open(store::FileRole::kWal, pgno, &bytes[off + kFrameHeader])) continue;  // zeroed or torn
        ++report.pages_opened;
        report.copies += count(page, needle);
        if (has(page, needle)) {
          report.hits.push_back(name + " frame " + std::to_string(k) + " (page " + std::to_string(pgno) + ")");
        }
      }
    } else if (ends_with(name, "-journal")) {
      // Page images sit at offsets = 4 (mod 8), after their page number
      // (docs/STORAGE.md); try every such offset.
      for (std::size_t off = 4; off + kPage <= bytes.size(); off += 8) {
        if (!try_open(store::FileRole::kJournal, be32(&bytes[off - 4]), &bytes[off])) continue;
        ++report.pages_opened;
        report.copies += count(page, needle);
        if (has(page, needle)) report.hits.push_back(name + " image at " + std::to_string(off));
      }
    } else if (ends_with(name, ".db")) {
      for (std::size_t off = 0; off + kPage <= bytes.size(); off += kPage) {
        const auto pgno = static_cast<std::uint32_t>(off / kPage + 1);
        if (!try_open(store::FileRole::kMainDb, pgno, &bytes[off])) {
          ++report.pages_unreadable;
          continue;
        }
        ++report.pages_opened;
        report.copies += count(page, needle);
        if (has(page, needle)) report.hits.push_back(name + " page " + std::to_string(pgno));
      }
    }
  }
  std::sort(report.hits.begin(), report.hits.end());
  return report;
}

inline ScanReport scan_profile(const std::filesystem::path& dir, const store::PageCipher& cipher,
                               const std::string& needle) {
  return scan_profile(dir, cipher,
                      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(needle.data()), needle.size()));
}

}  // namespace tumar::test
