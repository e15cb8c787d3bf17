// The sync bodies of WireMessage: hex vectors for their encoding, and the
// strict decoder's refusal of every size, count and spelling it does not
// allow (core/session/wire_codec.cpp, core/sync/sync_limits.hpp).

#include "core/sync/sync_wire.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding/hex.hpp"
#include "core/session/wire_codec.hpp"
#include "core/sync/sync_limits.hpp"

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

std::string hex(const proto::WireMessage& m) { return encoding::to_hex(encode_wire(m)); }

TEST(SyncWireTest, KnownEncodings) {
  const std::string net = "0a20" + rep("11", 32);
  EXPECT_EQ(hex(reconcile_message(n11(), Bytes{0x61})), "2225" + net + "120161");
  EXPECT_EQ(hex(refused_message(n11())), "2a22" + net);
  ObjectId id{};
  id.fill(0x22);
  EXPECT_EQ(hex(want_message(n11(), std::vector<ObjectId>{id})), "3244" + net + "1220" + rep("22", 32));
  EXPECT_EQ(hex(objects_message(n11(), proto::Objects::HAVE, std::vector<Bytes>{{'a', 'b', 'c'}})),
            "3a29" + net + "1203616263" + "1801");
  // PUSH is kind 0: proto3 leaves it out.
  EXPECT_EQ(hex(objects_message(n11(), proto::Objects::PUSH, std::vector<Bytes>{{'a', 'b', 'c'}})),
            "3a27" + net + "1203616263");
  EXPECT_EQ(hex(objects_message(n11(), proto::Objects::ANSWER_END, std::vector<Bytes>{})), "3a24" + net + "1803");
  EXPECT_EQ(hex(ack_message(n11())), "4222" + net);
  EXPECT_EQ(hex(done_message(n11())), "4a22" + net);
}

TEST(SyncWireTest, EveryBuiltMessageDecodesToItself) {
  ObjectId id{};
  id.fill(0x22);
  for (const auto& m : {reconcile_message(n11(), Bytes{0x61, 0x00}), refused_message(n11()),
                        want_message(n11(), std::vector<ObjectId>{id}),
                        objects_message(n11(), proto::Objects::ANSWER, std::vector<Bytes>{Bytes(kMaxEnvelopeLen, 7)}),
                        objects_message(n11(), proto::Objects::ANSWER_END, std::vector<Bytes>{}),
                        ack_message(n11()), done_message(n11())}) {
    auto d = decode_wire(encode_wire(m));
    ASSERT_TRUE(d) << session::wire_kind(m);
    EXPECT_EQ(d->SerializeAsString(), m.SerializeAsString());
    EXPECT_TRUE(is_sync_message(*d));
    EXPECT_EQ(network_of(*d), n11());
  }
}

void expect_refused(const proto::WireMessage& m, const char* what) {
  auto d = decode_wire(encode_wire(m));
  EXPECT_FALSE(d) << what;
  if (!d) {
    EXPECT_EQ(d.error().code(), core::Errc::kProtocol) << what;
  }
}

TEST(SyncWireTest, RefusesWrongSizesAndCounts) {
  const std::string net(32, '\x11');
  {
    proto::WireMessage m = want_message(n11(), std::vector<ObjectId>(kMaxWantIds, ObjectId{}));
    for (int i = 0; i < m.want_objects().ids_size(); ++i) (*m.mutable_want_objects()->mutable_ids(i))[0] = char(i);
    EXPECT_TRUE(decode_wire(encode_wire(m))) << "64 distinct ids are allowed";
    m.mutable_want_objects()->add_ids(std::string(32, '\x7f'));
    expect_refused(m, "65 ids");
  }
  {
    proto::WireMessage m = want_message(n11(), std::vector<ObjectId>{ObjectId{}, ObjectId{}});
    expect_refused(m, "an id twice");
    m.mutable_want_objects()->clear_ids();
    expect_refused(m, "no id");
    m.mutable_want_objects()->add_ids(std::string(31, 'x'));
    expect_refused(m, "a 31-byte id");
  }
  {
    std::vector<Bytes> many(kMaxEnvelopesPerObjects, Bytes{1});
    proto::WireMessage m = objects_message(n11(), proto::Objects::PUSH, many);
    EXPECT_TRUE(decode_wire(encode_wire(m))) << "1024 envelopes are allowed";
    m.mutable_objects()->add_envelopes("x");
    expect_refused(m, "1025 envelopes");
  }
  expect_refused(objects_message(n11(), proto::Objects::PUSH, std::vector<Bytes>{Bytes(kMaxEnvelopeLen + 1, 7)}),
                 "an envelope over 64 KiB");
  expect_refused(objects_message(n11(), proto::Objects::PUSH, std::vector<Bytes>{Bytes{}}), "an empty envelope");
  expect_refused(objects_message(n11(), proto::Objects::PUSH, std::vector<Bytes>{}), "an empty push");
  expect_refused(objects_message(n11(), proto::Objects::ANSWER, std::vector<Bytes>{}), "an empty partial answer");
  {
    proto::WireMessage m = objects_message(n11(), proto::Objects::HAVE, std::vector<Bytes>{Bytes{1}});
    m.mutable_objects()->set_kind(static_cast<proto::Objects::Kind>(7));
    expect_refused(m, "an unknown kind");
  }
  {
    proto::WireMessage m = done_message(n11());
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
  EXPECT_FALSE(decode_wire(encode_wire(m)));
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
