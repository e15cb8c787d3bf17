// WireMessage: hex vectors for the encoding, and refusal of every
// non-canonical spelling.

#include "core/session/wire_codec.hpp"

#include <gtest/gtest.h>

#include "core/encoding/hex.hpp"

namespace tumar::session {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

TEST(WireCodecTest, KnownEncodings) {
  proto::WireMessage ping;
  ping.mutable_ping()->set_nonce(1);
  EXPECT_EQ(encoding::to_hex(encode_wire(ping)), "0a020801");
  proto::WireMessage pong;
  pong.mutable_pong()->set_nonce(300);
  EXPECT_EQ(encoding::to_hex(encode_wire(pong)), "120308ac02");
  proto::WireMessage bye;
  bye.mutable_goodbye();
  EXPECT_EQ(encoding::to_hex(encode_wire(bye)), "1a00");
}

TEST(WireCodecTest, DecodesWhatItEncodes) {
  auto m = decode_wire(hex("120308ac02"));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->pong().nonce(), 300u);
  EXPECT_STREQ(wire_kind(*m), "pong");
}

TEST(WireCodecTest, RefusesEverythingElse) {
  for (const char* bad : {
           "",                // no body
           "0a",              // truncated
           "0a0308ac",        // length past the end
           "0a0208010a020801",  // body field twice
           "0a020801780a",    // unknown field after the body
           "0a04080178 01",   // not hex: parse fails first
           "0a0408017801",    // unknown field inside Ping
           "0a03088100",      // non-minimal varint (1 as 0x81 0x00)
           "12020800",        // Pong{nonce = 0} spelled out: proto3 omits defaults
       }) {
    auto bytes = encoding::from_hex(bad);
    if (!bytes) continue;
    auto m = decode_wire(*bytes);
    EXPECT_FALSE(m) << bad;
    if (!m) {
      EXPECT_EQ(m.error().code(), core::Errc::kProtocol);
    }
  }
}

}  // namespace
}  // namespace tumar::session
