// WireMessage: hex vectors for the encoding, the same bytes as the generated
// protobuf code writes for every body, and refusal of every non-canonical
// spelling.

#include "core/session/wire_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/encoding/hex.hpp"
#include "tumar/wire.pb.h"

namespace tumar::session {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view h) { return *encoding::from_hex(h); }

WireId id(std::uint8_t fill) {
  WireId i{};
  i.fill(fill);
  return i;
}

std::string str(std::span<const std::uint8_t> b) { return {b.begin(), b.end()}; }

TEST(WireCodecTest, KnownEncodings) {
  EXPECT_EQ(encoding::to_hex(encode_wire(Ping{1, {}})), "0a020801");
  EXPECT_EQ(encoding::to_hex(encode_wire(Pong{300})), "120308ac02");
  EXPECT_EQ(encoding::to_hex(encode_wire(Goodbye{})), "1a00");
  EXPECT_EQ(encoding::to_hex(encode_wire(Ping{0, {'p', 'q'}})), "0a0412027071");
  EXPECT_EQ(encoding::to_hex(encode_wire(Ping{})), "0a00");
}

TEST(WireCodecTest, HeadroomComesFirstAndIsZero) {
  EXPECT_EQ(encoding::to_hex(encode_wire(Pong{300}, 3)), "000000120308ac02");
}

using Bodies = std::vector<std::pair<WireMessage, proto::WireMessage>>;

// add(ours, fill): a body in tumar's types, and `fill` building the same in
// the generated ones.
auto adder(Bodies& all) {
  return [&all](WireMessage ours, auto fill) {
    proto::WireMessage theirs;
    fill(theirs);
    all.emplace_back(std::move(ours), std::move(theirs));
  };
}

// Each body built in tumar's types and, field by field, in the generated
// ones: the encodings must be the same bytes. The sync bodies' fixed hex is
// in tests/core/sync/sync_wire_test.cpp.
Bodies every_body() {
  Bodies all;
  auto add = adder(all);
  add(Ping{0, {}}, [](proto::WireMessage& m) { m.mutable_ping(); });
  add(Ping{~std::uint64_t{0}, Bytes(300, 'x')}, [](proto::WireMessage& m) {
    m.mutable_ping()->set_nonce(~std::uint64_t{0});
    m.mutable_ping()->set_padding(std::string(300, 'x'));
  });
  add(Pong{0}, [](proto::WireMessage& m) { m.mutable_pong(); });
  add(Pong{1234567}, [](proto::WireMessage& m) { m.mutable_pong()->set_nonce(1234567); });
  add(Goodbye{}, [](proto::WireMessage& m) { m.mutable_goodbye(); });
  add(Reconcile{id(1), {0x61, 0x00, 0x62}}, [](proto::WireMessage& m) {
    m.mutable_reconcile()->set_network_id(str(id(1)));
    m.mutable_reconcile()->set_negentropy(std::string("a\0b", 3));
  });
  add(SyncRefused{id(2)}, [](proto::WireMessage& m) { m.mutable_sync_refused()->set_network_id(str(id(2))); });
  add(WantObjects{id(3), {id(4), id(5), id(6)}}, [](proto::WireMessage& m) {
    m.mutable_want_objects()->set_network_id(str(id(3)));
    for (int i = 4; i <= 6; ++i) m.mutable_want_objects()->add_ids(str(id(static_cast<std::uint8_t>(i))));
  });
  const std::pair<Objects::Kind, proto::Objects::Kind> kinds[] = {
      {Objects::Kind::kPush, proto::Objects::PUSH},
      {Objects::Kind::kHave, proto::Objects::HAVE},
      {Objects::Kind::kAnswer, proto::Objects::ANSWER},
      {Objects::Kind::kAnswerEnd, proto::Objects::ANSWER_END},
  };
  for (const auto& [ours, theirs] : kinds) {
    add(Objects{id(7), ours, {Bytes{1}, Bytes(200, 2)}}, [theirs = theirs](proto::WireMessage& m) {
      m.mutable_objects()->set_network_id(str(id(7)));
      m.mutable_objects()->add_envelopes(std::string(1, '\x01'));
      m.mutable_objects()->add_envelopes(std::string(200, '\x02'));
      m.mutable_objects()->set_kind(theirs);
    });
  }
  add(Objects{id(8), Objects::Kind::kAnswerEnd, {}}, [](proto::WireMessage& m) {
    m.mutable_objects()->set_network_id(str(id(8)));
    m.mutable_objects()->set_kind(proto::Objects::ANSWER_END);
  });
  add(ObjectsAck{id(9)}, [](proto::WireMessage& m) { m.mutable_objects_ack()->set_network_id(str(id(9))); });
  add(SyncDone{id(10)}, [](proto::WireMessage& m) { m.mutable_sync_done()->set_network_id(str(id(10))); });
  return all;
}

// Bodies the decoder refuses or bounds differently, for encoding alone: the
// encoder writes the wire format itself, so its edges are checked too.
Bodies encode_edges() {
  Bodies all;
  auto add = adder(all);
  // A padding whose length takes three varint bytes, as bulk pings do.
  add(Ping{7, Bytes(70000, 'p')}, [](proto::WireMessage& m) {
    m.mutable_ping()->set_nonce(7);
    m.mutable_ping()->set_padding(std::string(70000, 'p'));
  });
  // An empty element of a repeated field is still written (encode only:
  // the decoder refuses an empty envelope).
  add(Objects{id(9), Objects::Kind::kPush, {Bytes{}, Bytes(130, 3)}}, [](proto::WireMessage& m) {
    m.mutable_objects()->set_network_id(str(id(9)));
    m.mutable_objects()->add_envelopes(std::string());
    m.mutable_objects()->add_envelopes(std::string(130, '\x03'));
  });
  return all;
}

TEST(WireCodecTest, EveryBodyEncodesToTheBytesProtobufWrites) {
  bool seen[std::variant_size_v<WireMessage>] = {};
  for (const auto& [ours, theirs] : every_body()) {
    seen[ours.index()] = true;
    EXPECT_EQ(str(encode_wire(ours)), theirs.SerializeAsString()) << wire_kind(ours);
  }
  for (bool s : seen) EXPECT_TRUE(s) << "a body without a case";
  for (const auto& [ours, theirs] : encode_edges()) {
    EXPECT_EQ(str(encode_wire(ours)), theirs.SerializeAsString()) << wire_kind(ours);
    EXPECT_EQ(str(encode_wire(ours, 3)).substr(3), theirs.SerializeAsString()) << "with headroom";
  }
}

TEST(WireCodecTest, EveryBodyDecodesToWhatWasEncoded) {
  for (const auto& [ours, theirs] : every_body()) {
    const std::string bytes = theirs.SerializeAsString();
    auto decoded = decode_wire(Bytes(bytes.begin(), bytes.end()));
    ASSERT_TRUE(decoded) << wire_kind(ours);
    EXPECT_TRUE(*decoded == ours) << wire_kind(ours);
    EXPECT_STREQ(wire_kind(*decoded), wire_kind(ours));
  }
}

TEST(WireCodecTest, DecodesWhatItEncodes) {
  auto m = decode_wire(hex("120308ac02"));
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(std::get<Pong>(*m).nonce, 300u);
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

TEST(WireCodecDeathTest, AnObjectsKindWireProtoDoesNotDefineAborts) {
  const WireMessage bad = Objects{id(1), static_cast<Objects::Kind>(4), {Bytes{1}}};
  EXPECT_DEATH((void)encode_wire(bad), "");
}

}  // namespace
}  // namespace tumar::session
