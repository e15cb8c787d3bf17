// The committed fuzz seed corpora (tests/fuzz/corpus/{noise_initiator,
// noise_responder,frame_decoder}/) hold real handshake messages made with the
// fixed parties of noise_fuzz_setup.hpp. This test regenerates them and
// checks the files still match (so a protocol change cannot leave stale
// seeds). To rewrite them:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='FuzzSeeds.*'

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "core/noise/frame.hpp"
#include "core/noise/tumar_handshake.hpp"
#include "noise_fuzz_setup.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::noise {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

fs::path corpus_dir(const std::string& name) { return tumar::test::fuzz_corpus(name); }

struct Messages {
  Bytes m1, m2, m3;
};

// Both sides use the same seeds as the fuzz targets, so each recorded
// message is valid input for the party the target drives. With an invite,
// message 3 carries a proof (docs/PROTOCOL.md, "Invites"), so the responder
// target also starts from the invite path.
// A demo responder announces its kind in message 2, which a member (no
// invite) accepts: the initiator target starts from that path too.
Messages record(bool with_invite = false, ProfileKind responder_kind = ProfileKind::kReal) {
  const auto p = fuzz::parties();
  crypto::DeterministicRandom ir(fuzz::kInitiatorRandomSeed), rr(fuzz::kResponderRandomSeed);
  std::optional<InviteCredential> invite;
  if (with_invite) {
    std::array<std::uint8_t, kInviteSecretLen> secret{};
    secret.fill(0x5e);
    invite = InviteCredential{{}, crypto::Secret<kInviteSecretLen>::copy_of(secret)};
    invite->invite_id.fill(0x1d);
  }
  auto init = with_invite ? TumarHandshake::initiator(p.initiator, p.responder.public_identity().identity_key,
                                                      std::move(invite))
                          : TumarHandshake::initiator(p.initiator);
  auto resp = TumarHandshake::responder(p.responder, responder_kind);
  auto s1 = init.start(ir);
  auto s2 = resp.receive(*s1->send, rr);
  auto s3 = init.receive(*s2->send, ir);
  auto s4 = resp.receive(*s3->send, rr);
  EXPECT_TRUE(s4 && s4->established);
  return {*s1->send, *s2->send, *s3->send};
}

void check_or_write(const std::string& corpus, const std::string& file, const Bytes& content) {
  tumar::test::check_or_write_seed(corpus_dir(corpus) / file, content);
}

TEST(FuzzSeeds, InitiatorSeedsAreCurrent) {
  const Messages m = record();
  check_or_write("noise_initiator", "valid_message2", m.m2);
  Bytes flipped = m.m2;
  flipped[100] ^= 1;
  check_or_write("noise_initiator", "flipped_message2", flipped);
  check_or_write("noise_initiator", "reflected_message1", m.m1);
  check_or_write("noise_initiator", "valid_message2_from_a_demo_node",
                 record(/*with_invite=*/false, ProfileKind::kDemo).m2);
}

TEST(FuzzSeeds, ResponderSeedsAreCurrent) {
  const Messages m = record();
  Bytes both = {static_cast<std::uint8_t>(m.m1.size() >> 8), static_cast<std::uint8_t>(m.m1.size() & 0xFF)};
  both.insert(both.end(), m.m1.begin(), m.m1.end());
  Bytes only1 = both;
  both.insert(both.end(), m.m3.begin(), m.m3.end());
  check_or_write("noise_responder", "valid_message1_and_3", both);
  check_or_write("noise_responder", "message1_only", only1);
  Bytes m2_as_3 = only1;
  m2_as_3.insert(m2_as_3.end(), m.m2.begin(), m.m2.end());
  check_or_write("noise_responder", "message2_as_message3", m2_as_3);

  const Messages j = record(/*with_invite=*/true);
  ASSERT_EQ(j.m1, m.m1);
  Bytes joining = only1;
  joining.insert(joining.end(), j.m3.begin(), j.m3.end());
  check_or_write("noise_responder", "valid_message1_and_3_with_invite", joining);
}

TEST(FuzzSeeds, FrameDecoderSeedsAreCurrent) {
  const Messages m = record();
  Bytes stream = {0xFF, 0x06};  // full limit, 7-byte chunks
  append_frame(m.m1, stream);
  append_frame(m.m2, stream);
  append_frame(m.m3, stream);
  check_or_write("frame_decoder", "handshake_frames", stream);
  check_or_write("frame_decoder", "oversized_length", Bytes{0x01, 0x00, 0x7F, 0xFF, 0x01});
  check_or_write("frame_decoder", "zero_length", Bytes{0xFF, 0x00, 0x00, 0x01, 0xAA, 0x00, 0x00});
}

}  // namespace
}  // namespace tumar::noise
