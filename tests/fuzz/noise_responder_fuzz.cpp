// Fuzz target: the input is messages 1 and 3 to a responder, encoded as
//     length of message 1 (2 bytes, big-endian) || message 1 || message 3
// (an input shorter than 2 bytes is message 1 alone). Fixed identities and
// randomness (tests/core/noise/noise_fuzz_setup.hpp), so a recorded valid
// pair completes the handshake. The responder must fail cleanly or establish
// a session with a verified peer, and stay failed once failed.
// Seeds: tests/fuzz/corpus/noise_responder/ (written by FuzzSeeds tests).

#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/noise/noise_fuzz_setup.hpp"
#include "core/noise/tumar_handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar;
  static const noise::fuzz::Parties parties = noise::fuzz::parties();
  crypto::DeterministicRandom rng(noise::fuzz::kResponderRandomSeed);
  auto resp = noise::TumarHandshake::responder(parties.responder);

  std::span<const std::uint8_t> input(data, size);
  std::span<const std::uint8_t> m1 = input, m3;
  if (size >= 2) {
    const std::size_t len1 = (std::size_t{data[0]} << 8) | data[1];
    input = input.subspan(2);
    const std::size_t take = len1 < input.size() ? len1 : input.size();
    m1 = input.first(take);
    m3 = input.subspan(take);
  }

  auto s2 = resp.receive(m1, rng);
  if (!s2) {
    if (!resp.failed()) std::abort();
    return 0;
  }
  if (!s2->send || s2->established) std::abort();  // message 2 out, not yet established
  auto s3 = resp.receive(m3, rng);
  if (s3) {
    if (s3->send || !s3->established) std::abort();
  } else {
    auto again = resp.receive(m3, rng);
    if (again || again.error().describe() != s3.error().describe()) std::abort();
  }
  return 0;
}
