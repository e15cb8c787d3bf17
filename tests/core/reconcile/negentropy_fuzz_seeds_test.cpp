// The committed seeds of the negentropy fuzz target are real messages
// between its two sets (negentropy_fuzz_setup.hpp); this test regenerates
// them and checks the files still match, so a protocol change cannot leave
// stale seeds. Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='NegentropyFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "negentropy_fuzz_setup.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::reconcile {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

fs::path corpus() { return tumar::test::fuzz_corpus("negentropy"); }

void check_or_write(const std::string& name, std::uint8_t config, const Bytes& message) {
  Bytes bytes{config};
  bytes.insert(bytes.end(), message.begin(), message.end());
  tumar::test::check_or_write_seed(corpus() / name, bytes);
}

// Real messages at the target's two entry points: queries the target's
// server (own set) gets from a peer client, and replies the target's client
// (own set) gets from a peer server. The first three of each.
void seeds_for(std::uint8_t config, const std::string& prefix) {
  const std::uint64_t limit = fuzz::frame_limit(config);
  const auto to_server = test::run(fuzz::peer_items(), fuzz::own_items(), limit, limit);
  const auto to_client = test::run(fuzz::own_items(), fuzz::peer_items(), limit, limit);
  ASSERT_TRUE(to_server.ok && to_client.ok);
  ASSERT_GE(to_server.messages.size(), 4u);
  ASSERT_GE(to_client.messages.size(), 4u);
  // Messages alternate: query, reply, query, ...
  for (std::size_t i = 0; i < 6; i += 2) {
    if (i < to_server.messages.size()) {
      check_or_write(prefix + "query" + std::to_string(i / 2 + 1), config, to_server.messages[i]);
    }
    if (i + 1 < to_client.messages.size()) {
      check_or_write(prefix + "reply" + std::to_string(i / 2 + 1), config, to_client.messages[i + 1]);
    }
  }
}

TEST(NegentropyFuzzSeeds, SeedsAreCurrent) {
  seeds_for(0, "");
  seeds_for(1, "limit_");
  // A query in a protocol version the server does not speak.
  check_or_write("other_version", 0, Bytes{0x62, 0xaa, 0xbb});
}

}  // namespace
}  // namespace tumar::reconcile
