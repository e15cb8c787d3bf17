#pragma once
// Skipped message keys (Double Ratchet §3.2 MKSKIPPED, §4.4 with header
// encryption: indexed by header key and message number). Bounds
// (docs/PROTOCOL.md, "Bounds"): one receiving chain may be
// skipped ahead by at most kMaxSkip messages per received message (§3.5
// MAX_SKIP: a peer cannot make us compute and store an unbounded number of
// keys), and at most kMaxSkippedKeys keys are stored in total; beyond that
// the oldest are deleted, so a message delayed past that many others can no
// longer be read. A key is deleted the moment it decrypts its message, so a
// replay finds nothing (§3.5 "deleted when used").
//
// Keys are bounded in time as well: each carries when it was skipped, and
// expire() deletes those older than kSkippedKeyLifetimeMs (the session
// store runs it at every save and in the periodic sweep). A skipped key
// waits for a message its sender wrote before the one that made us skip
// it; that message's DIRECT object is dropped by every replica 30 days
// after it was written (network/direct_expiry.hpp), so after that the key
// can only serve someone who seized the device and found the ciphertext
// elsewhere. The clock is passed in: the ratchet reads none.

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
// 31 days: the 30-day lifetime of a DIRECT object plus a day, so a key is
// never deleted while its message can still arrive (the message was stamped
// before we skipped its key, by a clock at most 10 minutes ahead of ours).
inline constexpr std::uint64_t kSkippedKeyLifetimeMs = 31ull * 24 * 60 * 60 * 1000;
static_assert(kMaxSkippedKeys >= 2 * kMaxSkip,
              "one message may skip kMaxSkip keys of the old chain (PN) and kMaxSkip of the new one");

class SkippedKeys {
 public:
  struct Entry {
    std::uint32_t n = 0;
    Key message_key;
    std::uint64_t seq = 0;  // insertion order, for deleting the oldest
    // When it was skipped (Unix ms); 0 only in a state stored before keys
    // carried a time (session codec version 1), until expire() stamps it.
    std::uint64_t skipped_at_ms = 0;
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
  // Adds the staged keys (in order), skipped at now_ms, then deletes the
  // oldest over kMaxSkippedKeys.
  void commit(std::vector<Staged>& staged, std::uint64_t now_ms);
  // Deletes the keys skipped kSkippedKeyLifetimeMs or more before now_ms.
  // A key without a time (version 1), or stamped later than now_ms (skipped
  // while the clock ran fast), is stamped now_ms: it then lives one
  // lifetime from the moment the time is known to be right, rather than
  // being lost at once or kept until a wrong clock's date.
  struct Expiry {
    std::size_t erased = 0;
    std::size_t stamped = 0;
    bool changed() const noexcept { return erased != 0 || stamped != 0; }
  };
  Expiry expire(std::uint64_t now_ms);

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
