#pragma once
// The pieces of a Negentropy v1 message (docs/negentropy-protocol-v1.md,
// "Message", "Range", "Bound"):
//
//   Message     := <protocolVersion (Byte)> <Range>*
//   Range       := <upperBound (Bound)> <mode (Varint)> <payload>
//   Bound       := <encodedTimestamp (Varint)> <length (Varint)> <idPrefix (Byte)>*
//   Skip        :=                                   (mode 0)
//   Fingerprint := Byte{16}                          (mode 1)
//   IdList      := <length (Varint)> <ids (Id)>*     (mode 2)
//
// Timestamps are delta-encoded within one message: 0 is infinity, any
// other value v is (previous timestamp + v - 1). The previous timestamp
// starts at 0 for every message, so each message needs its own reader and
// its own BoundWriter.
//
// Every read checks the bytes are there first; nothing is allocated from a
// length the peer sent.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/reconcile/item.hpp"

namespace tumar::reconcile {

// "The current protocol version is 1, represented by the byte 0x61."
inline constexpr std::uint8_t kProtocolVersion = 0x61;
// Version bytes are 0x60..0x6F; anything else is not a Negentropy message.
inline constexpr std::uint8_t kProtocolVersionMin = 0x60;
inline constexpr std::uint8_t kProtocolVersionMax = 0x6F;
static_assert(kProtocolVersion >= kProtocolVersionMin && kProtocolVersion <= kProtocolVersionMax);

enum class Mode : std::uint64_t {
  kSkip = 0,
  kFingerprint = 1,
  kIdList = 2,
};

// Reads one message front to back.
class MessageReader {
 public:
  explicit MessageReader(std::span<const std::uint8_t> message) : in_(message) {}

  bool at_end() const noexcept { return in_.empty(); }
  std::size_t remaining() const noexcept { return in_.size(); }

  [[nodiscard]] core::Result<std::uint8_t> byte();
  [[nodiscard]] core::Result<std::uint64_t> varint();
  // The next n bytes, as a view into the message.
  [[nodiscard]] core::Result<std::span<const std::uint8_t>> bytes(std::size_t n);
  // A Bound, undoing the timestamp delta. kProtocol for an id prefix longer
  // than 32 bytes. Timestamps saturate at infinity like the reference's.
  [[nodiscard]] core::Result<Bound> bound();
  // A mode varint; kProtocol for anything but Skip, Fingerprint, IdList.
  [[nodiscard]] core::Result<Mode> mode();

 private:
  std::span<const std::uint8_t> in_;
  std::uint64_t last_timestamp_ = 0;
};

// Encodes the bounds of one outgoing message, in ascending order.
class BoundWriter {
 public:
  void write(const Bound& bound, std::vector<std::uint8_t>& out);

 private:
  std::uint64_t encoded_timestamp(std::uint64_t timestamp) const;

  std::uint64_t last_timestamp_ = 0;
};

void append_mode(Mode mode, std::vector<std::uint8_t>& out);

}  // namespace tumar::reconcile
