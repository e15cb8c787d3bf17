#pragma once
// The transport phase after tumar's handshake (Noise rev 34 §5 and §11;
// docs/PROTOCOL.md, "Transport messages"). Two CipherStates from Split(): one
// to send, one to receive. Every message is one frame (frame.hpp) whose body
// is ENCRYPT(k, n, empty ad, plaintext).
//
// Rekey (§11.3): after every kRekeyInterval messages in a direction, both
// sides call Rekey() on that direction's CipherState, at the same message on
// both sides because TCP delivers in order and n counts messages.
// Nonce limit (§5.1): nonce 2^64-1 is reserved; sending or receiving at it
// fails with kLimit. Any failed decryption (tampered, replayed, reordered or
// truncated message) fails the session: keys are wiped and every later call
// returns the same error.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/noise/cipher_state.hpp"
#include "core/noise/primitives.hpp"

namespace tumar::noise {

// 2^16 messages of up to 64 KiB is at most 4 GiB under one key before a
// rekey: far inside ChaCha20-Poly1305's limits, and rare enough (one 32-byte
// encryption per 65536 messages) to cost nothing.
inline constexpr std::uint64_t kRekeyInterval = std::uint64_t{1} << 16;
static_assert(kRekeyInterval > 0 && (kRekeyInterval & (kRekeyInterval - 1)) == 0, "a power of two");
static_assert(kReservedNonce % kRekeyInterval != 0, "never rekey at the reserved nonce");

class Established;
struct TransportTestAccess;  // tests only: moves nonces near the limit

class Transport {
 public:
  Transport(Transport&&) noexcept = default;
  Transport& operator=(Transport&&) noexcept = default;

  // Encrypts plaintext (at most kMaxPlaintextLen bytes) and appends one frame
  // to out. kLimit for an oversized plaintext (nothing changes) or when the
  // send nonce is exhausted (the session fails).
  [[nodiscard]] core::Result<void> seal(std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out);

  // Decrypts one frame body (from FrameDecoder) into its plaintext. Any
  // failure fails the session.
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> open(std::span<const std::uint8_t> message);

  // The same into `plaintext`, which is resized to fit and may be reused
  // from message to message (no allocation once it is large enough).
  [[nodiscard]] core::Result<void> open_into(std::span<const std::uint8_t> message,
                                             std::vector<std::uint8_t>& plaintext);

  // Messages sent / received so far (the CipherStates' nonces).
  std::uint64_t sent() const noexcept { return send_.nonce(); }
  std::uint64_t received() const noexcept { return receive_.nonce(); }
  bool failed() const noexcept { return error_.has_value(); }

  // Wipes both keys; later calls fail.
  void close() noexcept;

 private:
  friend class Established;
  friend struct TransportTestAccess;
  Transport(CipherState send, CipherState receive) noexcept;
  core::Error poison(core::Error error) noexcept;

  CipherState send_;
  CipherState receive_;
  std::optional<core::Error> error_;
};

}  // namespace tumar::noise
