#pragma once
// The direct-message wire format, byte by byte (docs/PROTOCOL.md, "Direct
// messages: X3DH and the Double Ratchet", Message format). What the lead
// engineer's network object carries as its sealed payload.
//
//   normal  (type 0x02): type(1) || header_nonce(24) || header_ct(56) || body_ct(B + 16)
//   initial (type 0x01): type(1) || x3dh_sealed(216) || header_nonce(24) || header_ct(56) || body_ct(B + 16)
//
// B is a padding bucket (padding.hpp). header_ct is the ratchet header
// (DH ratchet key 32 || PN u32 BE || N u32 BE) under the sending header key
// (Double Ratchet §4). x3dh_sealed is the X3DH initial header sealed to the
// recipient's signed prekey (x3dh.hpp). Every length is fixed by the type and
// the bucket, so parsing checks the total length before anything else and a
// truncated or extended message never reaches the cryptography.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <sodium.h>

namespace tumar::ratchet {

enum class MessageType : std::uint8_t {
  kInitial = 0x01,  // first messages of a session: X3DH header + ratchet message
  kNormal = 0x02,   // ratchet message only
};

inline constexpr std::size_t kTypeLen = 1;
inline constexpr std::size_t kKeyLen = 32;          // every ratchet key (RK, CK, MK, HK), X25519 keys
inline constexpr std::size_t kAeadTagLen = crypto_aead_xchacha20poly1305_ietf_ABYTES;     // 16
inline constexpr std::size_t kAeadNonceLen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
inline constexpr std::size_t kHeaderPlainLen = kKeyLen + 4 + 4;                           // dh || pn || n
inline constexpr std::size_t kHeaderLen = kAeadNonceLen + kHeaderPlainLen + kAeadTagLen;  // 80
// X3DH initial header plaintext: IK_ed(32) || IK_x(32) || binding sig(64) ||
// EK(32) || SPK id(4) || OPK id(4, 0 = none).
inline constexpr std::size_t kX3dhHeaderPlainLen = 32 + 32 + 64 + 32 + 4 + 4;
inline constexpr std::size_t kSealOverhead = crypto_box_SEALBYTES;                       // 48
inline constexpr std::size_t kX3dhSealedLen = kX3dhHeaderPlainLen + kSealOverhead;       // 216
inline constexpr std::size_t kNormalPrefixLen = kTypeLen + kHeaderLen;                   // 81
inline constexpr std::size_t kInitialPrefixLen = kTypeLen + kX3dhSealedLen + kHeaderLen;  // 297
static_assert(kHeaderPlainLen == 40 && kHeaderLen == 80);
static_assert(kX3dhHeaderPlainLen == 168 && kX3dhSealedLen == 216);
static_assert(kNormalPrefixLen == 81 && kInitialPrefixLen == 297);

// Views into a message whose length has been checked; nothing is decrypted.
struct ParsedMessage {
  MessageType type;
  std::span<const std::uint8_t> x3dh_sealed;  // empty for kNormal
  std::span<const std::uint8_t> header;       // kHeaderLen bytes: nonce || ct
  std::span<const std::uint8_t> body;         // bucket + kAeadTagLen bytes
  // Every byte before the body: type || x3dh_sealed || header. The body's
  // AEAD covers all of it (kdf.hpp, body AD), so a carrier can neither flip
  // a byte of the sealed X3DH header nor strip it and retype the message
  // as normal once a session exists to decrypt it.
  std::span<const std::uint8_t> prefix;
};

// nullopt for an unknown type byte or a length that is not prefix + bucket + tag.
std::optional<ParsedMessage> parse_message(std::span<const std::uint8_t> message) noexcept;

// Total length of a message of `type` whose padded plaintext is `bucket` bytes.
constexpr std::size_t message_size(MessageType type, std::size_t bucket) noexcept {
  return (type == MessageType::kInitial ? kInitialPrefixLen : kNormalPrefixLen) + bucket + kAeadTagLen;
}

// The plaintext ratchet header (Double Ratchet §3.1 HEADER(dh_pair, pn, n)).
struct RatchetHeader {
  std::array<std::uint8_t, kKeyLen> dh{};
  std::uint32_t pn = 0;
  std::uint32_t n = 0;
};

void encode_header(const RatchetHeader& h, std::span<std::uint8_t, kHeaderPlainLen> out) noexcept;
RatchetHeader decode_header(std::span<const std::uint8_t, kHeaderPlainLen> in) noexcept;

void store_u32_be(std::uint32_t v, std::uint8_t* out) noexcept;
std::uint32_t load_u32_be(const std::uint8_t* in) noexcept;

}  // namespace tumar::ratchet
