// Fuzz target: the input is message 2 to an initiator that has sent message 1
// (fixed identities and randomness, see tests/core/noise/noise_fuzz_setup.hpp).
// Whatever arrives, the initiator must fail cleanly or establish a session
// with a verified peer; after a failure it must keep returning that error.
// Seeds: tests/fuzz/corpus/noise_initiator/ (written by FuzzSeeds tests).

#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/noise/noise_fuzz_setup.hpp"
#include "core/noise/tumar_handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar;
  static const noise::fuzz::Parties parties = noise::fuzz::parties();
  crypto::DeterministicRandom rng(noise::fuzz::kInitiatorRandomSeed);
  auto init = noise::TumarHandshake::initiator(parties.initiator);
  auto s1 = init.start(rng);
  if (!s1 || !s1->send) std::abort();

  const std::span<const std::uint8_t> message(data, size);
  auto s2 = init.receive(message, rng);
  if (s2) {
    // Success means a full, verified message 2: message 3 and a peer.
    if (!s2->send || !s2->established) std::abort();
    if (init.state_name() != "complete") std::abort();
  } else {
    if (!init.failed()) std::abort();
    auto again = init.receive(message, rng);
    if (again || again.error().describe() != s2.error().describe()) std::abort();
  }
  return 0;
}
