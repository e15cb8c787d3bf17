// The committed seeds of the peer_session and session_message fuzz targets
// are real protocol messages; this test regenerates them and checks the
// files still match, so a protocol change cannot leave stale seeds. Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='SessionFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/session/fragment.hpp"
#include "core/session/wire_codec.hpp"
#include "session_fuzz_setup.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::session {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

fs::path corpus(const std::string& name) { return tumar::test::fuzz_corpus(name); }

void check_or_write(const fs::path& path, const Bytes& bytes) { tumar::test::check_or_write_seed(path, bytes); }

WireMessage pong(std::uint64_t n) { return Pong{n}; }

TEST(SessionFuzzSeeds, PeerSessionSeedsAreCurrent) {
  // Handshake phase: a real message 1, framed, fed 7 bytes at a time.
  {
    crypto::DeterministicRandom rng(99);
    auto a = PeerSession::initiator(fuzz::parties().alice, std::nullopt, std::nullopt, {}, Instant{});
    Bytes seed{static_cast<std::uint8_t>(2 * 6)};
    auto m1 = a.start(rng).send;
    seed.insert(seed.end(), m1.begin(), m1.end());
    check_or_write(corpus("peer_session") / "message1", seed);
  }
  // Transport phase: alice's first messages, which the target's bob accepts.
  crypto::DeterministicRandom rng(fuzz::kSessionRandomSeed);
  auto pair = fuzz::open_pair(rng);
  Bytes seed{static_cast<std::uint8_t>(2 * 63 + 1)};
  for (std::uint64_t n : {1, 2}) ASSERT_TRUE(pair.alice.send(pong(n), seed));
  const WireMessage big = Ping{0, Bytes(70000, 'p')};
  ASSERT_TRUE(pair.alice.send(big, seed));
  check_or_write(corpus("peer_session") / "transport", seed);
}

TEST(SessionFuzzSeeds, SessionMessageSeedsAreCurrent) {
  Bytes seed;
  auto add = [&](std::span<const std::uint8_t> plaintext) {
    seed.push_back(static_cast<std::uint8_t>(plaintext.size() >> 8));
    seed.push_back(static_cast<std::uint8_t>(plaintext.size() & 0xFF));
    seed.insert(seed.end(), plaintext.begin(), plaintext.end());
  };
  const WireMessage big = Ping{0, Bytes(70000, 'p')};
  for (const auto& m : {pong(1), pong(300), big}) for_each_fragment(encode_wire(m), add);
  check_or_write(corpus("session_message") / "messages", seed);
}

}  // namespace
}  // namespace tumar::session
