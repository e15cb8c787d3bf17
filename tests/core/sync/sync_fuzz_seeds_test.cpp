// The committed seeds of the sync_session fuzz target are real message
// streams between the fixture replicas of sync_fuzz_setup.hpp; this test
// regenerates them and checks the files still match, so a protocol change
// cannot leave stale seeds. It also runs each seed's mode once, as the
// target would. Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='SyncFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sync_fuzz_setup.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::sync::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path corpus() { return tumar::test::fuzz_corpus("sync_session"); }

void check_or_write(const fs::path& path, const Bytes& bytes) { tumar::test::check_or_write_seed(path, bytes); }

void append_record(Bytes& seed, const session::WireMessage& m) {
  const auto bytes = session::encode_wire(m);
  ASSERT_LE(bytes.size(), 0xFFFFu);
  seed.push_back(static_cast<std::uint8_t>(bytes.size() >> 8));
  seed.push_back(static_cast<std::uint8_t>(bytes.size() & 0xFF));
  seed.insert(seed.end(), bytes.begin(), bytes.end());
}

TEST(SyncFuzzSeeds, SeedsAreCurrent) {
  MemoryReplica a, b;
  fill_dialler(a);
  fill_node(b);
  SyncSession dialler(a, node_key(), Role::kInitiator, limits());
  SyncSession node(b, dialler_key(), Role::kResponder, limits());
  Bytes to_node{0};     // mode 0: what the dialler sent, for the target's responder
  Bytes to_dialler{1};  // mode 1: what the node sent, for the target's initiator
  ASSERT_TRUE(run_pair(dialler, node, [&](bool from_dialler, const session::WireMessage& m) {
    append_record(from_dialler ? to_node : to_dialler, m);
  }));
  // The fixture exercises what the target is for: a refusal, a rejected
  // object, a pending one, batched requests, HAVE batches.
  EXPECT_TRUE(dialler.round_complete());
  EXPECT_EQ(dialler.progress().rejected, 1u);
  EXPECT_GE(dialler.progress().pending, 1u);
  EXPECT_GT(dialler.progress().objects_sent, 0u);
  // Two pushes at the end (empty records).
  for (Bytes* s : {&to_node, &to_dialler}) s->insert(s->end(), {0, 0, 0, 0});
  check_or_write(corpus() / "responder_stream", to_node);
  check_or_write(corpus() / "initiator_stream", to_dialler);

  Bytes diff{2, 3};
  for (std::uint8_t i = 0; i < 90; ++i) {
    diff.insert(diff.end(), {static_cast<std::uint8_t>((i % 3) | (i % 2 ? 0x80 : 0)), static_cast<std::uint8_t>(i * 7),
                             0, i});
  }
  check_or_write(corpus() / "differential", diff);
}

}  // namespace
}  // namespace tumar::sync::fuzz
