// The sync bodies of session::WireMessage: hex vectors for their encoding,
// and the strict decoder's refusal of every size, count and spelling it does
// not allow (core/session/wire_codec.cpp, core/sync/sync_limits.hpp).

#include "core/sync/sync_wire.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding/hex.hpp"
#include "core/session/wire_codec.hpp"
#include "core/sync/sync_limits.hpp"
#include "tumar/wire.pb.h"

namespace tumar::sync {
namespace {

using Bytes = std::vector<std::uint8_t>;
using session::decode_wire;
using session::encode_wire;

NetworkId n11() {
  NetworkId n{};
  n.fill(0x11);
  return n;
}

std::string rep(const char* byte_hex, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += byte_hex;
  return s;
}

std::string hex(const session::WireMessage& m) { return encoding::to_hex(encode_wire(m)); }

using Kind = session::Objects::Kind;

TEST(SyncWireTest, KnownEncodings) {
  const std::string net = "0a20" + rep("11", 32);
  EXPECT_EQ(hex(reconcile_message(n11(), Bytes{0x61})), "2225" + net + "120161");
  EXPECT_EQ(hex(refused_message(n11())), "2a22" + net);
  ObjectId id{};
  id.fill(0x22);
  EXPECT_EQ(hex(want_message(n11(), std::vector<ObjectId>{id})), "3244" + net + "1220" + rep("22", 32));
  EXPECT_EQ(hex(objects_message(n11(), Kind::kHave, std::vector<Bytes>{{'a', 'b', 'c'}})),
            "3a29" + net + "1203616263" + "1801");
  // PUSH is kind 0: proto3 leaves it out.
  EXPECT_EQ(hex(objects_message(n11(), Kind::kPush, std::vector<Bytes>{{'a', 'b', 'c'}})),
            "3a27" + net + "1203616263");
  EXPECT_EQ(hex(objects_message(n11(), Kind::kAnswerEnd, std::vector<Bytes>{})), "3a24" + net + "1803");
  EXPECT_EQ(hex(ack_message(n11())), "4222" + net);
  EXPECT_EQ(hex(done_message(n11())), "4a22" + net);
}

TEST(SyncWireTest, EveryBuiltMessageDecodesToItself) {
  ObjectId id{};
  id.fill(0x22);
  for (const auto& m : {reconcile_message(n11(), Bytes{0x61, 0x00}), refused_message(n11()),
                        want_message(n11(), std::vector<ObjectId>{id}),
                        objects_message(n11(), Kind::kAnswer, std::vector<Bytes>{Bytes(kMaxEnvelopeLen, 7)}),
                        objects_message(n11(), Kind::kAnswerEnd, std::vector<Bytes>{}), ack_message(n11()),
                        done_message(n11())}) {
    auto d = decode_wire(encode_wire(m));
    ASSERT_TRUE(d) << session::wire_kind(m);
    EXPECT_TRUE(*d == m) << session::wire_kind(m);
    EXPECT_TRUE(is_sync_message(*d));
    EXPECT_EQ(network_of(*d), n11());
  }
}

TEST(SyncWireTest, SessionMessagesAreAboutNoNetwork) {
  for (const session::WireMessage& m : {session::WireMessage{session::Ping{1, {}}},
                                        session::WireMessage{session::Pong{1}},
                                        session::WireMessage{session::Goodbye{}}}) {
    EXPECT_FALSE(is_sync_message(m)) << session::wire_kind(m);
    EXPECT_FALSE(network_of(m)) << session::wire_kind(m);
  }
}

void expect_refused(std::span<const std::uint8_t> bytes, const char* what) {
  auto d = decode_wire(bytes);
  EXPECT_FALSE(d) << what;
  if (!d) {
    EXPECT_EQ(d.error().code(), core::Errc::kProtocol) << what;
  }
}

void expect_refused(const session::WireMessage& m, const char* what) { expect_refused(encode_wire(m), what); }

// What tumar's own types cannot hold (ids of the wrong size, kinds
// wire.proto does not define) is built with the generated code directly.
void expect_refused(const proto::WireMessage& m, const char* what) {
  const std::string s = m.SerializeAsString();
  expect_refused(Bytes(s.begin(), s.end()), what);
}

TEST(SyncWireTest, RefusesWrongSizesAndCounts) {
  const std::string net(32, '\x11');
  {
    std::vector<ObjectId> ids(kMaxWantIds, ObjectId{});
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i][0] = static_cast<std::uint8_t>(i);
    EXPECT_TRUE(decode_wire(encode_wire(want_message(n11(), ids)))) << "64 distinct ids are allowed";
    ObjectId extra{};
    extra.fill(0x7f);
    ids.push_back(extra);
    expect_refused(want_message(n11(), ids), "65 ids");
  }
  expect_refused(want_message(n11(), std::vector<ObjectId>{ObjectId{}, ObjectId{}}), "an id twice");
  expect_refused(want_message(n11(), std::vector<ObjectId>{}), "no id");
  {
    proto::WireMessage m;
    m.mutable_want_objects()->set_network_id(net);
    m.mutable_want_objects()->add_ids(std::string(31, 'x'));
    expect_refused(m, "a 31-byte id");
  }
  {
    std::vector<Bytes> many(kMaxEnvelopesPerObjects, Bytes{1});
    EXPECT_TRUE(decode_wire(encode_wire(objects_message(n11(), Kind::kPush, many)))) << "1024 envelopes are allowed";
    many.push_back(Bytes{'x'});
    expect_refused(objects_message(n11(), Kind::kPush, many), "1025 envelopes");
  }
  expect_refused(objects_message(n11(), Kind::kPush, std::vector<Bytes>{Bytes(kMaxEnvelopeLen + 1, 7)}),
                 "an envelope over 64 KiB");
  expect_refused(objects_message(n11(), Kind::kPush, std::vector<Bytes>{Bytes{}}), "an empty envelope");
  expect_refused(objects_message(n11(), Kind::kPush, std::vector<Bytes>{}), "an empty push");
  expect_refused(objects_message(n11(), Kind::kAnswer, std::vector<Bytes>{}), "an empty partial answer");
  {
    proto::WireMessage m;
    m.mutable_objects()->set_network_id(net);
    m.mutable_objects()->add_envelopes("x");
    m.mutable_objects()->set_kind(static_cast<proto::Objects::Kind>(7));
    expect_refused(m, "an unknown kind");
  }
  {
    proto::WireMessage m;
    m.mutable_sync_done()->set_network_id(net + "x");
    expect_refused(m, "a 33-byte network id");
    m.mutable_sync_done()->clear_network_id();
    expect_refused(m, "no network id");
  }
  expect_refused(reconcile_message(n11(), Bytes{}), "an empty negentropy message");
  expect_refused(reconcile_message(n11(), Bytes(kMaxNegentropyLen + 1, 0x61)), "an oversized negentropy message");
  EXPECT_TRUE(decode_wire(encode_wire(reconcile_message(n11(), Bytes(kMaxNegentropyLen, 0x61)))));
}

TEST(SyncWireTest, RefusesNonCanonicalSpellings) {
  const std::string net = "0a20" + rep("11", 32);
  for (const std::string& bad : {
           "4a24" + net + "1200",                   // SyncDone with an unknown empty field 2
           "3a26" + net + "1801" + "1800",          // kind twice
           "3a24" + net + "1800" + "",              // kind 0 written out (and no envelope)
           "3a2a" + net + "1203616263" + "180100",  // trailing byte inside Objects
           "4a22" + net + "4a22" + net,             // body twice
           "3222" + net,                            // WantObjects without ids
       }) {
    auto bytes = encoding::from_hex(bad);
    ASSERT_TRUE(bytes) << bad;
    EXPECT_FALSE(decode_wire(*bytes)) << bad;
  }
}

TEST(SyncWireTest, RepeatedFieldsAreCountedBeforeParsing) {
  // 300,000 one-byte "envelopes" in one Objects message: refused from the
  // wire bytes, before protobuf would allocate 300,000 strings.
  std::string inner = "\x0a\x20" + std::string(32, '\x11');
  for (int i = 0; i < 300'000; ++i) inner += std::string("\x12\x01x", 3);
  proto::Objects o;
  ASSERT_TRUE(o.ParseFromString(inner));
  ASSERT_EQ(o.envelopes_size(), 300'000);
  proto::WireMessage m;
  *m.mutable_objects() = o;
  expect_refused(m, "300,000 envelopes");
}

TEST(SyncWireTest, BatchesStayWithinBytesAndCount) {
  std::vector<Bytes> e(10, Bytes(100));
  EXPECT_EQ(batch_prefix(e, 1000), 10u);
  EXPECT_EQ(batch_prefix(e, 999), 9u);
  EXPECT_EQ(batch_prefix(e, 1), 1u);  // one always goes
  EXPECT_EQ(batch_prefix(std::vector<Bytes>{}, 1000), 0u);
  std::vector<Bytes> small(kMaxEnvelopesPerObjects + 5, Bytes(1));
  EXPECT_EQ(batch_prefix(small, kObjectsBatchBytes), kMaxEnvelopesPerObjects);
}

TEST(SyncWireTest, ObjectIdIsBlake2b256OfTheEnvelope) {
  // BLAKE2b-256 of the empty string and of "abc" (RFC 7693 test vectors use
  // BLAKE2b-512; these are the 32-byte-output values).
  EXPECT_EQ(encoding::to_hex(object_id(Bytes{})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(encoding::to_hex(object_id(Bytes{'a', 'b', 'c'})),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

}  // namespace
}  // namespace tumar::sync
