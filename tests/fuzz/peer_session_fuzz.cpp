// Fuzz target: arbitrary bytes from the wire into a PeerSession, the entry
// point every peer reaches first. Input: one mode byte, then the bytes.
//   mode even: bob is a fresh responder (handshake phase);
//   mode odd:  bob has completed a handshake with alice (transport phase).
// The bytes are fed in chunks of (mode / 2 % 64 + 1) bytes, so framing
// across chunk boundaries is exercised too. Invariants: no crash; a closed
// session reports closed once and stays closed; nothing but application
// messages (never Ping or Goodbye) is surfaced; nothing is admitted twice.
// Seeds: tests/fuzz/corpus/peer_session/.

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "core/session/session_fuzz_setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar;
  using session::fuzz::admitting;
  using session::fuzz::parties;
  if (size == 0) return 0;
  crypto::DeterministicRandom rng(session::fuzz::kSessionRandomSeed);
  const std::uint8_t mode = data[0];
  std::span<const std::uint8_t> input(data + 1, size - 1);
  const bool transport = (mode & 1) != 0;
  const std::size_t chunk = (mode / 2u) % 64u + 1u;

  session::PeerSession bob =
      transport ? session::fuzz::open_pair(rng).bob
                : session::PeerSession::responder(parties().bob, {}, session::Instant{});
  int closes = 0;
  int admits = 0;
  session::Instant now{};
  while (!input.empty()) {
    const std::size_t take = chunk < input.size() ? chunk : input.size();
    auto out = admitting(bob, bob.on_bytes(now, input.first(take), rng), now, rng);
    input = input.subspan(take);
    if (out.closed) ++closes;
    if (out.admitted) ++admits;
    for (const auto& m : out.received) {
      if (std::holds_alternative<session::Ping>(m) || std::holds_alternative<session::Goodbye>(m)) std::abort();
    }
    if (out.closed && !out.send.empty()) std::abort();  // a failure sends nothing
    if (closes > 1 || admits > (transport ? 0 : 1)) std::abort();
    if (bob.is_closed() != (closes == 1)) std::abort();
  }
  return 0;
}
