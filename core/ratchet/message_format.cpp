#include "core/ratchet/message_format.hpp"

#include <cstring>

#include "core/ratchet/padding.hpp"

namespace tumar::ratchet {

std::optional<ParsedMessage> parse_message(std::span<const std::uint8_t> message) noexcept {
  if (message.empty()) return std::nullopt;
  std::size_t prefix = 0;
  MessageType type;
  switch (message[0]) {
    case static_cast<std::uint8_t>(MessageType::kInitial):
      type = MessageType::kInitial;
      prefix = kInitialPrefixLen;
      break;
    case static_cast<std::uint8_t>(MessageType::kNormal):
      type = MessageType::kNormal;
      prefix = kNormalPrefixLen;
      break;
    default:
      return std::nullopt;
  }
  if (message.size() < prefix + kAeadTagLen || !is_bucket(message.size() - prefix - kAeadTagLen)) return std::nullopt;
  ParsedMessage p{type, {}, {}, {}, message.first(prefix)};
  std::size_t pos = kTypeLen;
  if (type == MessageType::kInitial) {
    p.x3dh_sealed = message.subspan(pos, kX3dhSealedLen);
    pos += kX3dhSealedLen;
  }
  p.header = message.subspan(pos, kHeaderLen);
  p.body = message.subspan(pos + kHeaderLen);
  return p;
}

void store_u32_be(std::uint32_t v, std::uint8_t* out) noexcept {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint32_t load_u32_be(const std::uint8_t* in) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in[i];
  return v;
}

void encode_header(const RatchetHeader& h, std::span<std::uint8_t, kHeaderPlainLen> out) noexcept {
  std::memcpy(out.data(), h.dh.data(), kKeyLen);
  store_u32_be(h.pn, out.data() + kKeyLen);
  store_u32_be(h.n, out.data() + kKeyLen + 4);
}

RatchetHeader decode_header(std::span<const std::uint8_t, kHeaderPlainLen> in) noexcept {
  RatchetHeader h;
  std::memcpy(h.dh.data(), in.data(), kKeyLen);
  h.pn = load_u32_be(in.data() + kKeyLen);
  h.n = load_u32_be(in.data() + kKeyLen + 4);
  return h;
}

}  // namespace tumar::ratchet
