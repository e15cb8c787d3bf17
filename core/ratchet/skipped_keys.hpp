#pragma once
// Skipped message keys (Double Ratchet §3.2 MKSKIPPED, §4.4 with header
// encryption: indexed by header key and message number). Bounds
// (docs/PROTOCOL.md, "Direct messages", Bounds): one receiving chain may be
// skipped ahead by at most kMaxSkip messages per received message (§3.5
// MAX_SKIP: a peer cannot make us compute and store an unbounded number of
// keys), and at most kMaxSkippedKeys keys are stored in total; beyond that
// the oldest are deleted, so a message delayed past that many others can no
// longer be read. A key is deleted the moment it decrypts its message, so a
// replay finds nothing (§3.5 "deleted when used").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/ratchet/kdf.hpp"
#include "core/ratchet/message_format.hpp"

namespace tumar::ratchet {

inline constexpr std::uint32_t kMaxSkip = 1000;
inline constexpr std::size_t kMaxSkippedKeys = 2000;
static_assert(kMaxSkippedKeys >= 2 * kMaxSkip,
              "one message may skip kMaxSkip keys of the old chain (PN) and kMaxSkip of the new one");

class SkippedKeys {
 public:
  struct Entry {
    std::uint32_t n = 0;
    Key message_key;
    std::uint64_t seq = 0;  // insertion order, for deleting the oldest
  };
  struct Chain {
    Key header_key;
    std::vector<Entry> entries;  // ascending n, hence ascending seq
  };
  // A key derived while decrypting, kept only if that decryption succeeds.
  struct Staged {
    Key header_key;
    std::uint32_t n = 0;
    Key message_key;
  };
  struct Hit {
    std::size_t chain = 0;
    std::size_t entry = 0;
    RatchetHeader header;
  };

  // The stored key for this sealed header, if a stored header key opens it
  // and its number is stored. Changes nothing.
  std::optional<Hit> find(std::span<const std::uint8_t> sealed_header) const;
  // Whether any stored header key opens the sealed header.
  bool recognizes(std::span<const std::uint8_t> sealed_header) const;
  const Key& message_key(const Hit& hit) const { return chains_[hit.chain].entries[hit.entry].message_key; }

  void erase(const Hit& hit);
  // Adds the staged keys (in order), then deletes the oldest over kMaxSkippedKeys.
  void commit(std::vector<Staged>& staged);

  std::size_t size() const noexcept { return total_; }
  const std::vector<Chain>& chains() const noexcept { return chains_; }
  std::uint64_t next_seq() const noexcept { return next_seq_; }

  // For the session codec, which has validated every field: takes them as they are.
  static SkippedKeys restore(std::vector<Chain> chains, std::uint64_t next_seq);

 private:
  void evict_oldest();

  std::vector<Chain> chains_;
  std::size_t total_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace tumar::ratchet
