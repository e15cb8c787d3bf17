#pragma once
// SecretArena: where small secrets (keys, chaining keys, DH outputs) live.
//
// Why it exists: one sodium_malloc is an mmap, two mprotects for guard pages,
// an mlock and a madvise, and sodium_free undoes all of it (munmap means TLB
// shootdowns). On the 2-vCPU test VM that is 50-75 us per secret, and a Noise
// XX handshake makes a dozen of them: it ran at ~935 handshakes/s against a
// 2,000/s goal, while its cryptography alone allows ~2,550/s.
//
// What it does: it asks sodium_malloc for a large region at a time (so the
// region is mlock'd, excluded from core dumps with MADV_DONTDUMP, and has a
// guard page on each side), carves it into fixed-size slots of one size
// class, and keeps the free slots on a list. A slot is zero-filled when handed
// out and wiped with sodium_memzero when given back. SecretBuffer uses it for
// every secret of at most kMaxSlotSize bytes; larger ones (passphrase input,
// say) still get a sodium_malloc of their own.
//
// The trade-off, stated plainly: the guard pages surround a region, not each
// secret. A linear overflow out of one slot runs into its neighbour (another
// live secret) instead of faulting, and only an overflow past the end of the
// region faults. This is acceptable here because what lives in the arena is
// fixed-size key material written by libsodium with lengths that are
// compile-time constants (Secret<N>, the Noise state), not parser output or
// buffers sized by the peer. The one secret filled from outside input of
// variable length, a passphrase, is read into a 1,025-byte buffer
// (cli/passphrase_input), above kMaxSlotSize, so it keeps guard pages of its
// own. What the arena keeps from sodium_malloc: locked memory (no swap), no
// core dumps, wiping when a secret dies, and a guard page right after the
// last slot of every region (sodium_malloc ends the block at the page). In
// ASan builds free slots, and the unused tail of a slot, are poisoned, so a
// use-after-free or overflow of a secret is reported in tests.
//
// Regions are never returned: the arena keeps its high-water mark. A full
// handshake's secrets (both sides) take under 600 bytes of slots, so even
// 10,000 in flight hold under 6 MiB, which is less locked memory than before
// the arena, when every 32-byte key locked a 4 KiB page of its own.
//
// Thread-safe: one mutex guards all bookkeeping (allocation is a pop from a
// vector, far below the cost of the cryptography that follows it).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace tumar::crypto {

class SecretArena {
 public:
  // Chosen by counting what is allocated: a full XX handshake (both sides)
  // makes ten 32-byte secrets (X25519 private keys, DH outputs, cipher keys)
  // and two of 128 bytes (ck || h); identities hold 64-byte Ed25519 secret
  // keys; a key-file slot plaintext is 128 bytes. 256 catches what is left of
  // the small ones. Each size is a multiple of 16, so every slot is 16-byte
  // aligned.
  static constexpr std::array<std::size_t, 4> kSlotSizes = {32, 64, 128, 256};
  static constexpr std::size_t kMaxSlotSize = kSlotSizes.back();
  // Usable bytes asked of sodium_malloc per region, minus its 16-byte canary,
  // so that with 4 KiB pages the region is exactly 4 locked pages and the last
  // slot ends where the trailing guard page begins.
  static constexpr std::size_t kRegionBytes = 16 * 1024 - 16;
  static_assert(kRegionBytes / kMaxSlotSize >= 32, "a region must hold a useful number of the largest slots");

  // Where a secret was put: its slot and that slot's size class.
  struct Block {
    std::uint8_t* data;
    std::size_t slot_size;
  };

  SecretArena();
  // Frees every region (sodium_free wipes them). Every Block must have been
  // released first; a live one aborts, since something still points into it.
  ~SecretArena();
  SecretArena(const SecretArena&) = delete;
  SecretArena& operator=(const SecretArena&) = delete;

  // A zero-filled slot of the smallest class that holds `size` bytes, 1 <=
  // size <= kMaxSlotSize (anything else is misuse and aborts). Aborts if no
  // protected memory can be had, as sodium_malloc failure always has.
  Block allocate(std::size_t size);
  // Wipes the slot and puts it back on its free list. Aborts if `block` is not
  // a live block of this arena (a double free or a foreign pointer).
  void release(Block block) noexcept;

  // The arena SecretBuffer uses. Never destroyed, so a SecretBuffer with
  // static storage duration can still release its slot at exit.
  static SecretArena& global();

  // Whether SecretBuffer uses the global arena for new small secrets (on by
  // default). For benchmarks, which measure the cost the arena removes side
  // by side. Turning it off only gives new secrets a sodium_malloc each, with
  // their own guard pages: more isolation, never less. Buffers already made
  // are released to whichever allocator made them.
  static void set_enabled(bool on) noexcept;
  static bool enabled() noexcept;

  // --- For tests ---
  struct Stats {
    std::size_t regions;
    std::size_t live_slots;
    std::size_t free_slots;
  };
  Stats stats() const;
  // True if `block` is a free slot of this arena whose bytes are all zero.
  // Reads under the lock (and, in ASan builds, unpoisons only for the read):
  // this is how tests see that a released secret was wiped without reading
  // freed memory themselves.
  [[nodiscard]] bool free_slot_is_wiped(Block block);

 private:
  struct Region {
    std::uint8_t* base;
    std::size_t slot_size;
    std::size_t slot_count;
    std::vector<bool> live;  // per slot
  };
  struct SizeClass {
    std::size_t slot_size;
    std::size_t total_slots = 0;
    // LIFO, so a freed slot (still in cache) is the next one handed out. Its
    // capacity always covers total_slots, so release() never allocates.
    std::vector<std::uint8_t*> free;
  };

  SizeClass& class_for(std::size_t size);
  void grow(SizeClass& cls);
  // The region of class `slot_size` in which `p` starts a slot, and that
  // slot's index; nullptr if there is none. Caller holds mu_.
  Region* find(const std::uint8_t* p, std::size_t slot_size, std::size_t* index);

  mutable std::mutex mu_;
  std::array<SizeClass, kSlotSizes.size()> classes_;
  std::map<std::uintptr_t, Region> regions_;  // by base address
  std::size_t live_slots_ = 0;

  static std::atomic<bool> enabled_;
};

}  // namespace tumar::crypto
